"""The rules that turn marks into totals and ranks (the contest's rounding, absent-round and ranking rules, round
weights and panel rules, criteria ranges, adjustment items, award bands, who competes in which group): the values
the audit log covers for each, and the event that records them."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from app.audit import services as audit
from app.contests.models import AdjustmentItem, Contest, Criterion, Round
from app.entries.models import Entry
from app.results.models import AwardBand

# table -> its covered columns (as the events name them) and which of them are decimals
RULE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "contest": (("places", "absent_round", "ranking", "tie_break"), ()),
    "contest_round": (("contest_id", "weight", "panel_method", "trim", "trim_from", "min_judges", "normalize",
                       "deviation_points", "deviation_share"), ("weight", "deviation_points", "deviation_share")),
    "criterion": (("round", "min_points", "max_points", "step"), ("min_points", "max_points", "step")),
    "adjustment_item": (("round", "kind", "unit_size", "points_per_unit", "cap"),
                        ("unit_size", "points_per_unit", "cap")),
    "award_band": (("contest_id", "group_id", "position", "name", "kind", "value"), ("value",)),
    "entry": (("contest_id", "group_id", "subgroup_id", "active"), ()),
}
MODELS: dict[type[Any], str] = {Contest: "contest", Round: "contest_round", Criterion: "criterion",
                                AdjustmentItem: "adjustment_item", AwardBand: "award_band", Entry: "entry"}


def _text(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


def rule_fields(row: Any) -> dict[str, Any]:
    """A covered row's rule values, JSON-plain (decimals as text)."""
    table = MODELS[type(row)]
    names, _ = RULE_FIELDS[table]
    return {name: _text(getattr(row, "round_id" if name == "round" else name)) for name in names}


def covers(row: object) -> bool:
    return type(row) in MODELS


def record_rules(rows: Iterable[Any]) -> int:
    """One `<table>_recorded` event per row (flushed: it has its id), in one bulk append."""
    return audit.record_many((f"{MODELS[type(r)]}_recorded", MODELS[type(r)], r.id, rule_fields(r))
                             for r in sorted(rows, key=lambda r: (MODELS[type(r)], r.id)))


def record_removed(rows: Iterable[Any]) -> int:
    """One `<table>_removed` event per row about to be deleted (or just deleted: its id is still known)."""
    return audit.record_many((f"{MODELS[type(r)]}_removed", MODELS[type(r)], r.id, {"removed": True})
                             for r in rows)
