"""Rule 2: z-score normalisation of sheet totals per judge within a round."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from .numbers import ZERO, divide, square_root


def mean_and_sd(values: Iterable[Decimal]) -> tuple[Decimal, Decimal]:
    """`mean = Σx/n`, `sd = √(Σ(x − mean)²/n)` (population sd), each division 28 digits."""
    items = list(values)
    count = len(items)
    mean = divide(sum(items, ZERO), count)
    spread = sum(((x - mean) * (x - mean) for x in items), ZERO)
    return mean, square_root(divide(spread, count))


def zscore_totals(
    sheets: Mapping[str, Mapping[str, Decimal]],
) -> dict[str, dict[str, Decimal]]:
    """Every sheet total as `mean_all + z × sd_all`, `z = (x − mean_j) / sd_j` (0 when sd_j = 0).

    `sheets[contestant][judge]` are the round's complete sheet totals; the judge's mean and sd are
    taken over the totals that judge gave, `mean_all` and `sd_all` over every total of the round.
    """
    by_judge: dict[str, list[Decimal]] = {}
    for totals in sheets.values():
        for judge, total in totals.items():
            by_judge.setdefault(judge, []).append(total)
    if not by_judge:
        return {}
    judge_stats = {judge: mean_and_sd(values) for judge, values in by_judge.items()}
    mean_all, sd_all = mean_and_sd(x for values in by_judge.values() for x in values)
    normalised: dict[str, dict[str, Decimal]] = {}
    for contestant, totals in sheets.items():
        row = normalised[contestant] = {}
        for judge, total in totals.items():
            mean_j, sd_j = judge_stats[judge]
            z = divide(total - mean_j, sd_j) if sd_j else ZERO
            row[judge] = mean_all + z * sd_all
    return normalised
