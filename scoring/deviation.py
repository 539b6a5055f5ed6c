"""The deviation flag at entry: a new sheet total far from the median of the sheets already in."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .numbers import divide, exact


def median(values: Sequence[Decimal]) -> Decimal:
    """The middle value; for an even count the mean of the two middle ones."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return divide(ordered[middle - 1] + ordered[middle], 2)


@exact
def deviation_flag(
    total: Decimal,
    others: Sequence[Decimal],
    *,
    threshold_points: Decimal | None = None,
    threshold_share: Decimal | None = None,
    sheet_max: Decimal | None = None,
) -> bool:
    """Flag a new sheet total strictly further than the threshold from the others' median.

    The threshold is in points, or a share of the round's sheet maximum (Σ criteria max); given
    both, the stricter (smaller) one applies. No flag with fewer than 2 other sheets.
    """
    if threshold_points is None and threshold_share is None:
        raise ValueError("deviation_flag needs threshold_points or threshold_share")
    if threshold_share is not None and sheet_max is None:
        raise ValueError("threshold_share needs sheet_max")
    if len(others) < 2:
        return False
    limits = []
    if threshold_points is not None:
        limits.append(threshold_points)
    if threshold_share is not None and sheet_max is not None:
        limits.append(threshold_share * sheet_max)
    return abs(total - median(others)) > min(limits)
