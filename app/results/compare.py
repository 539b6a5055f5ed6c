"""What changed between a published result and the current one: totals, ranks and awards per contestant."""

from dataclasses import dataclass
from typing import Any

LISTED = 20  # the preview lists this many changed contestants; the counts cover them all


@dataclass(frozen=True)
class Change:
    """One contestant whose total, rank or award differs; None where the contestant is missing on a side."""

    public_number: str
    name: str
    old_total: str | None
    new_total: str | None
    old_rank: int | None
    new_rank: int | None
    old_award: str | None
    new_award: str | None

    @property
    def total_changed(self) -> bool:
        return self.old_total != self.new_total

    @property
    def rank_changed(self) -> bool:
        return self.old_rank != self.new_rank

    @property
    def award_changed(self) -> bool:
        return self.old_award != self.new_award


@dataclass(frozen=True)
class Comparison:
    version: int
    totals: int  # contestants whose total changed
    ranks: int
    awards: int
    changes: list[Change]  # the first LISTED changed contestants
    unlisted: int

    @property
    def changed(self) -> int:
        return len(self.changes) + self.unlisted


def compare(old: dict[str, Any], new: dict[str, Any], names: dict[str, str], version: int,
            limit: int = LISTED) -> Comparison:
    """Contestants of two recompute outputs (SCORING.md) whose total, rank or award differs.

    Changed totals are listed first, then changed awards, then moves in rank alone (one veto or
    correction shifts hundreds of ranks by one: the causes must not drown); each part in the new
    result's order, then those only in the old one. `names` gives each unit.
    """
    before = {c["id"]: c for c in old["contestants"]}
    after = {c["id"]: c for c in new["contestants"]}
    order = list(after) + [key for key in before if key not in after]
    changes = []
    for key in order:
        was, now = before.get(key, {}), after.get(key, {})
        change = Change(key, names.get(key, ""), _total(was), _total(now), was.get("rank"),
                        now.get("rank"), was.get("award"), now.get("award"))
        if change.total_changed or change.rank_changed or change.award_changed:
            changes.append(change)
    listed = sorted(changes, key=lambda c: (not c.total_changed, not c.award_changed))  # stable: keeps the order
    return Comparison(version, sum(c.total_changed for c in changes), sum(c.rank_changed for c in changes),
                      sum(c.award_changed for c in changes), listed[:limit], max(0, len(changes) - limit))


def _total(contestant: dict[str, Any]) -> str | None:
    """The total as staff read it: out of the ranking, a vetoed or absent contestant's 0 is not a score."""
    if contestant.get("vetoed"):
        return "否决"
    if contestant.get("absent"):
        return "缺席"
    return contestant.get("total")
