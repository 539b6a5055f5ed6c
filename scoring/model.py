"""The plain frozen values the rules read and write: contest input, results, allocation, package.

Vocabulary (DOMAIN.md): a *contestant* (参赛人) belongs to a *group* (组别) and is marked in each
*round* (轮次) by *judges* (评委) on *criteria* (评分指标); one judge's marks for one contestant
form a *sheet* (评分表) whose sum is the *sheet total*; the *panel score* aggregates the sheet
totals, *adjustments* (加减分) move it, a *veto* (一票否决) takes the contestant out of the
ranking. An *application* (申报) of a fund call is *allocated* (分配) money down the ranking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

#: A JSON object as `json.loads` makes it: what the JSON-shaped functions return.
JsonObject = dict[str, Any]

PanelMethod = Literal["trimmed_mean", "mean"]
Normalisation = Literal["none", "zscore"]
AbsentRound = Literal["zero", "reweight"]
RankingMethod = Literal["competition", "dense"]
Policy = Literal["skip", "stop", "partial", "pro_rata", "tiers"]
Status = Literal["funded", "partial", "unfunded", "below_floor"]
PackageKind = Literal["recompute", "allocate"]

PANEL_METHODS: tuple[PanelMethod, ...] = ("trimmed_mean", "mean")
NORMALISATIONS: tuple[Normalisation, ...] = ("none", "zscore")
ABSENT_ROUNDS: tuple[AbsentRound, ...] = ("zero", "reweight")
RANKING_METHODS: tuple[RankingMethod, ...] = ("competition", "dense")
POLICIES: tuple[Policy, ...] = ("skip", "stop", "partial", "pro_rata", "tiers")
PACKAGE_KINDS: tuple[PackageKind, ...] = ("recompute", "allocate")


@dataclass(frozen=True)
class Criterion:
    """评分指标: a mark is `min ≤ value ≤ max` and a whole number of `step`s above `min`."""

    id: str
    max: Decimal
    step: Decimal
    min: Decimal = Decimal(0)


@dataclass(frozen=True)
class PanelRule:
    """How a round turns sheet totals into a panel score (rules 2 and 3)."""

    method: PanelMethod
    min_judges: int
    normalize: Normalisation
    trim: int = 0
    trim_from: int = 1


@dataclass(frozen=True)
class Round:
    """轮次, with its marks already folded into sheet totals (rule 1).

    `sheets[contestant][judge]` is the total of a complete sheet; a contestant without an entry
    is absent from the round. `adjustments` holds the sum per contestant.
    """

    id: str
    weight: Decimal
    panel: PanelRule
    criteria: tuple[Criterion, ...]
    sheets: Mapping[str, Mapping[str, Decimal]]
    adjustments: Mapping[str, Decimal]
    vetoes: frozenset[str]

    @property
    def sheet_max(self) -> Decimal:
        """The highest possible sheet total: Σ criteria max."""
        return sum((criterion.max for criterion in self.criteria), Decimal(0))


@dataclass(frozen=True)
class Contestant:
    """参赛人: an entry of a village or township in its group."""

    id: str
    group: str
    name: str | None = None


@dataclass(frozen=True)
class AwardBand:
    """One band of a group's awards: exactly one of `count`, `share`, `min_total` is set."""

    name: str
    count: int | None = None
    share: Decimal | None = None
    min_total: Decimal | None = None


@dataclass(frozen=True)
class GroupAwards:
    """奖项 of one group, bands from the top."""

    group: str
    bands: tuple[AwardBand, ...]


@dataclass(frozen=True)
class RecomputeInput:
    """A validated `recompute` input."""

    places: int
    absent_round: AbsentRound
    ranking: RankingMethod
    tie_break: tuple[str, ...]
    awards: tuple[GroupAwards, ...]
    contestants: tuple[Contestant, ...]
    rounds: tuple[Round, ...]
    input_sha256: str


@dataclass(frozen=True)
class ContestantResult:
    """One contestant's published figures (unformatted Decimals, already rounded)."""

    id: str
    group: str
    rounds: Mapping[str, Decimal | None]
    judges: Mapping[str, int]
    total: Decimal
    rank: int | None
    tied: bool
    vetoed: bool
    absent: bool
    award: str | None = None


@dataclass(frozen=True)
class BandTally:
    """How many contestants hold a band or a higher one, against its limit."""

    group: str
    band: str
    limit: int | None
    given: int
    over_quota: bool


@dataclass(frozen=True)
class RecomputeResult:
    """The result of rules 1–8; `awards` is None when the input has no award bands."""

    places: int
    contestants: tuple[ContestantResult, ...]
    awards: tuple[BandTally, ...] | None
    input_sha256: str


@dataclass(frozen=True)
class Application:
    """申报: `score_text` is echoed as given."""

    id: str
    score: Decimal
    score_text: str
    request: Decimal


@dataclass(frozen=True)
class Tier:
    """A tier of the `tiers` policy: applications scoring at least `min_score` are due `amount`."""

    min_score: Decimal
    amount: Decimal


@dataclass(frozen=True)
class AllocationInput:
    """A validated `allocate` input."""

    budget: Decimal
    min_score: Decimal
    cap: Decimal | None
    policy: Policy
    tiers: tuple[Tier, ...] | None
    quantum: Decimal
    applications: tuple[Application, ...]
    input_sha256: str


@dataclass(frozen=True)
class Allocation:
    """One application's line of the allocation, in ranking order."""

    id: str
    score_text: str
    rank: int
    request: Decimal
    due: Decimal | None
    amount: Decimal
    status: Status


@dataclass(frozen=True)
class AllocationResult:
    """分配结果: `left = budget − allocated`."""

    allocations: tuple[Allocation, ...]
    allocated: Decimal
    left: Decimal
    input_sha256: str


@dataclass(frozen=True)
class JudgeStatistics:
    """One judge's consistency figures in one round (raw sheet totals)."""

    judge: str
    sheets: int
    mean: Decimal
    sd: Decimal
    bias: Decimal | None
    highest: int
    lowest: int
    spearman: Decimal | None


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `verify`: identical, or the difference lines; the hash when identical."""

    identical: bool
    differences: tuple[str, ...]
    package_hash: str | None
