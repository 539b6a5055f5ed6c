"""Figures beside published results: sheet totals, means per criterion, group average and best, bias outliers."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import lcm

from .deviation import median
from .numbers import ZERO, divide, exact, round_half_up


@exact
def total(values: Iterable[Decimal]) -> Decimal:
    """The exact sum, e.g. of one judge's marks on a sheet; 0 for no values."""
    return sum(values, ZERO)


@exact
def mean(values: Iterable[Decimal]) -> Decimal | None:
    """`Σx/n` with an exact sum and one 28-digit division (as everywhere in the core); None for no values."""
    items = list(values)
    return divide(sum(items, ZERO), len(items)) if items else None


@dataclass(frozen=True)
class CriterionMean:
    """One criterion: a contestant's mean over their judges, and the group's mean of its members' means."""

    criterion: str
    own: Decimal | None
    group: Decimal | None


@exact
def criterion_means(
    marks: Iterable[tuple[str, str, Decimal]],
    criteria: Sequence[str],
    contestant: str,
    group: Collection[str],
) -> list[CriterionMean]:
    """Per criterion, in the order of `criteria`, from marks as (contestant, criterion, value).

    The contestant's own mean is over the judges who marked them; the group's is the unweighted mean of
    the own means of the contestants in `group` (members without a mark on that criterion are left out).
    Unrounded: the caller rounds to the contest's places when it writes them.
    """
    values: dict[tuple[str, str], list[Decimal]] = {}
    for who, criterion, value in marks:
        values.setdefault((who, criterion), []).append(value)
    lines = []
    for criterion in criteria:
        members = [values[(member, criterion)] for member in group if (member, criterion) in values]
        lines.append(CriterionMean(criterion=criterion, own=mean(values.get((contestant, criterion), ())),
                                   group=_mean_of_means(members)))
    return lines


def _mean_of_means(samples: Sequence[Sequence[Decimal]]) -> Decimal | None:
    """`Σ(Σxᵢ/nᵢ)/m` over one common denominator, hence one 28-digit division.

    Averaging already rounded means could fall just short of a half the true value sits on: the means
    31/3 and 26/3 average exactly 9.5 (10 at 0 places), their 28-digit roundings 9.4999…98 (9).
    """
    if not samples:
        return None
    common = lcm(*(len(sample) for sample in samples))
    weighted = sum((sum(sample, ZERO) * (common // len(sample)) for sample in samples), ZERO)
    return divide(weighted, common * len(samples))


@dataclass(frozen=True)
class GroupFigures:
    """A group's ranked totals: how many, their mean and the best, each half up to the contest's places."""

    count: int
    average: Decimal | None
    best: Decimal | None


def group_figures(totals: Iterable[Decimal], places: int) -> GroupFigures:
    """The count, mean and highest of `totals`, rounded half up to `places`; None for no totals."""
    items = list(totals)
    average = mean(items)
    return GroupFigures(
        count=len(items),
        average=None if average is None else round_half_up(average, places),
        best=round_half_up(max(items), places) if items else None,
    )


@dataclass(frozen=True)
class BiasOutliers:
    """The round's median |bias| (unrounded, 0 when no judge has one) and the judges far above it."""

    median: Decimal
    judges: frozenset[str]


@exact
def bias_outliers(biases: Mapping[str, Decimal | None], factor: Decimal) -> BiasOutliers:
    """Judges whose |bias| is strictly above `factor` × the median |bias|, when that median is above 0.

    Judges without a bias (None) take no part in the median and are never outliers.
    """
    spread = {judge: abs(bias) for judge, bias in biases.items() if bias is not None}
    middle = median(list(spread.values())) if spread else ZERO
    if middle <= 0:
        return BiasOutliers(middle, frozenset())
    return BiasOutliers(middle, frozenset(judge for judge, size in spread.items() if size > factor * middle))
