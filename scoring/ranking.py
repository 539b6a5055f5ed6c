"""Rule 7: competition (1, 2, 2, 4) or dense (1, 2, 2, 3) ranks, highest key first."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .model import RankingMethod

RankKey = tuple[Decimal, ...]


def rank(keys: Sequence[RankKey], method: RankingMethod = "competition") -> list[int]:
    """The rank of each key (higher key, better rank); equal keys share a rank.

    Competition: 1 + how many keys are strictly higher. Dense: 1 + how many distinct keys are.
    """
    order = sorted(range(len(keys)), key=lambda i: keys[i], reverse=True)
    ranks = [0] * len(keys)
    current = 0
    distinct = 0
    previous: RankKey | None = None
    for position, index in enumerate(order):
        key = keys[index]
        if previous is None or key < previous:
            distinct += 1
            current = position + 1 if method == "competition" else distinct
            previous = key
        ranks[index] = current
    return ranks


def tied_flags(ranks: Sequence[int]) -> list[bool]:
    """True where another entry holds the same rank."""
    seen: dict[int, int] = {}
    for value in ranks:
        seen[value] = seen.get(value, 0) + 1
    return [seen[value] > 1 for value in ranks]
