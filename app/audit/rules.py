"""The rules that turn marks into totals and ranks (the contest's rounding, absent-round and ranking rules, round
weights and panel rules, criteria ranges, adjustment items, award bands, who competes in which group): the values
the audit log covers for each, and the event that records them.

The audit log sits below the packages whose rows it covers: each declares its tables of rules in its capability
(contests, entries, results), and app.audit.covered.compose fills the tables here, so that this module imports none
of them."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from app.audit import services as audit

# Filled by app.audit.covered.compose from the rule tables the capabilities declare (contests: the contest, its
# rounds, criteria and adjustment items; results: award bands; entries: who competes in which group):
# table -> its covered columns (as the events name them) and which of them are decimals
RULE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
MODELS: dict[type[Any], str] = {}  # model -> its table


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
