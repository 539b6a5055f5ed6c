"""Random draws, pure and reproducible: a panel under field and recusal constraints, a running order.

Plain values in, plain values out; the same seed and inputs always give the same result, so any
draw recorded in the audit log can be shown again and checked.
"""

import random
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from app.judge_fields import JUDGE_FIELDS


class DrawRefused(Exception):
    """The constraints cannot be met; the message says which and by how much, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Candidate:
    """A judge who may be drawn: field and home place (for recusal)."""

    id: int
    field: str
    county_id: int | None
    township_id: int | None


@dataclass(frozen=True)
class Place:
    """Where a covered contestant is: the recusal rule compares it with the judge's home."""

    county_id: int
    township_id: int


def conflicts(candidate: Candidate, place: Place, scope: str) -> bool:
    """True when the judge must not score a contestant of this place (回避)."""
    if scope == "township":
        return candidate.township_id is not None and candidate.township_id == place.township_id
    return candidate.county_id is not None and candidate.county_id == place.county_id


def draw_panel(
    seed: str,
    size: int,
    field_minimums: Mapping[str, int],
    scope: str,
    candidates: Sequence[Candidate],
    places: Sequence[Place],
) -> list[int]:
    """Judge ids in seat order, drawn at random under the constraints, or DrawRefused with the reason.

    Judges who must recuse for fewer covered contestants are preferred; whether every contestant then keeps
    the round's minimum is `short_of_judges`, checked when any panel is stored (app.panels.services)."""
    if size < 1:
        raise DrawRefused("评委组人数至少为 1")
    if len(candidates) < size:
        raise DrawRefused(f"可抽取的评委不足：需要{size}人，可用{len(candidates)}人")
    wanted = sum(field_minimums.values())
    if wanted > size:
        raise DrawRefused(f"各领域最低人数之和（{wanted}人）超过评委组人数（{size}人）")
    per_county = Counter(p.county_id for p in places)
    per_township = Counter(p.township_id for p in places)

    def recused_for(c: Candidate) -> int:
        home = c.township_id if scope == "township" else c.county_id
        return (per_township if scope == "township" else per_county).get(home, 0) if home is not None else 0

    order = sorted(candidates, key=lambda c: c.id)
    random.Random(seed).shuffle(order)
    # Judges who need no recusal for anyone covered come first; the shuffle decides within each part.
    order.sort(key=lambda c: recused_for(c) > 0)
    available = Counter(c.field for c in order)
    for field in sorted(field_minimums):
        if available[field] < field_minimums[field]:
            label = JUDGE_FIELDS.get(field, field)
            raise DrawRefused(f"{label}领域评委不足：需要{field_minimums[field]}人，可用{available[field]}人")
    chosen: list[Candidate] = []
    for field in sorted(field_minimums):
        chosen.extend([c for c in order if c.field == field][: field_minimums[field]])
    chosen_ids = {c.id for c in chosen}
    chosen.extend([c for c in order if c.id not in chosen_ids][: size - len(chosen)])
    rank = {c.id: i for i, c in enumerate(order)}
    return [c.id for c in sorted(chosen, key=lambda c: rank[c.id])]


def short_of_judges(members: Sequence[Candidate], covered: Mapping[str, Place], scope: str, min_judges: int,
                    recused: Collection[tuple[int, str]] = (), elsewhere: Mapping[str, int] | None = None
                    ) -> dict[str, int]:
    """The covered contestants (by public number) left with fewer than min_judges judges, with how many they keep.

    The one rule for every panel, drawn or hand-picked: a member counts for a contestant unless recused, by
    home place (`conflicts`) or by a recorded recusal (judge id, public number); `elsewhere` counts the
    contestant's judges on the round's other panels."""
    short = {}
    for number, place in covered.items():
        left = (elsewhere or {}).get(number, 0) + sum(
            1 for c in members if (c.id, number) not in recused and not conflicts(c, place, scope))
        if left < min_judges:
            short[number] = left
    return short


def draw_order(seed: str, entry_ids: Sequence[int]) -> list[int]:
    """A running order (出场顺序): the entry ids shuffled by the seed, from a sorted start."""
    order = sorted(entry_ids)
    random.Random(seed).shuffle(order)
    return order
