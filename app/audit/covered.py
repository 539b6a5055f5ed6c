"""The one registry of tables whose rows the audit log covers: each row's values and the events recording them.

Every table that holds scores or money joins here (tests/services/test_audit_covered.py fails otherwise): the
capability that owns it declares a `Covered` in its capability.py, and the factory composes them here. For each,
`rows()` streams its current rows as canonical values and `events` says which audit events record them and what
they recorded. `flask audit verify` (app.audit.integrity) compares the two. Values are JSON-plain: decimals as
`plain()` text (18.5, not 18.5000), ids as ints, flags as bools.
"""

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from sqlalchemy import select, type_coerce
from sqlalchemy.types import NullType

from app.audit.rules import MODELS, RULE_FIELDS, rule_fields
from app.capabilities import Capability
from app.decimals import plain
from app.extensions import db

Fields = dict[str, Any]
# (object_id, after) of an event -> (the row's key, what the event recorded of it; None: the row was removed)
Recorder = Callable[[str, Any], tuple[Hashable, Fields | None]]
STREAM = 2000  # rows fetched at a time


@dataclass(frozen=True)
class Row:
    """A current row as verify compares it: its id, the key its events use, and its canonical values."""

    id: int
    key: Hashable
    values: Fields  # a value may be a dict of values (a version's marks by criterion id)
    # A value held by another table's row: name -> (table, id, column), or for a dict of values
    # name -> (table, {key in the dict: id}, column) (a mark's points, a sheet's contestant).
    elsewhere: Mapping[str, tuple[str, Any, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Covered:
    """One covered table: how to read its current rows and how to find the events that recorded them."""

    table: str
    holds: frozenset[str]  # every table whose values this entry checks (the registry test reads it)
    events: Mapping[str, Recorder]  # audit action -> what that event recorded; later events update earlier ones
    rows: Callable[[], Iterator[Row]]
    # A rule table (app.audit.rules): its model and its covered columns with which of them are decimals
    rule: tuple[Any, tuple[str, ...], tuple[str, ...]] | None = None


def number(value: object) -> str | None:
    """A decimal as canonical text (None stays None; text that is no number stays as it is)."""
    return None if value is None else _plain_text(str(value))


@lru_cache(maxsize=4096)  # marks take a few dozen distinct values: each is converted once per process
def _plain_text(text: str) -> str:
    try:
        return plain(Decimal(text))
    except InvalidOperation:
        return text


def raw(column: Any) -> Any:
    """The driver's value as it is (SQLite: a float, exact for marks; the others: a Decimal), without
    SQLAlchemy's Decimal conversion, which costs more than the comparison on 146,475 marks."""
    return type_coerce(column, NullType())


def pick(values: Mapping[str, Any], names: tuple[str, ...], decimals: tuple[str, ...] = ()) -> Fields:
    """The named fields that `values` has: an event written before a field was recorded (a sheet's round_id)
    says nothing about it, and verify compares what each event says."""
    return {name: number(values[name]) if name in decimals else values[name] for name in names if name in values}


# --- rows whose events record the whole row (after = the service's *_fields of it) ---

def whole(names: tuple[str, ...], decimals: tuple[str, ...] = ()) -> Recorder:
    return lambda object_id, after: (int(object_id), pick(after, names, decimals))


def orm_rows(model: Any, fields: Callable[[Any], Fields], names: tuple[str, ...],
             decimals: tuple[str, ...] = (), *options: Any) -> Callable[[], Iterator[Row]]:
    def rows() -> Iterator[Row]:
        query = select(model).options(*options).order_by(model.id).execution_options(yield_per=STREAM)
        for row in db.session.execute(query).scalars():
            yield Row(row.id, row.id, pick(fields(row), names, decimals))
    return rows


def marks(values: Mapping[str, Any]) -> dict[str, str | None]:
    """A version's or paper sheet's marks by criterion id, as canonical text."""
    return {cid: number(value) for cid, value in values.items()}


# --- the rules that turn marks into totals: each row's covered values (app.audit.rules), recorded by the event
# of the use case that set them (a contest's or round's settings, a criterion, an item, an entry) or by
# `<table>_recorded` where many rows are written at once (a contest created or copied, weights, bands, an
# import, the demo) ---

def _removed(object_id: str, after: Any) -> tuple[Hashable, None]:
    return int(object_id), None


def rules(table: str, model: Any, names: tuple[str, ...], decimals: tuple[str, ...] = (),
          actions: tuple[str, ...] = (), removals: tuple[str, ...] = ()) -> Covered:
    """A rule table: its columns `names` (`round` for round_id), recorded whole by `<table>_recorded` and by
    `actions`; `removals` say the row is gone."""
    events = dict.fromkeys((f"{table}_recorded", *actions), whole(names, decimals))
    return Covered(table, frozenset({table}), events | dict.fromkeys(removals, _removed),
                   orm_rows(model, rule_fields, names, decimals), (model, names, decimals))


# Filled by compose() from the installed capabilities: the tables that hold scores or money first, then the rules,
# each in the factory's order of capabilities (the order `flask audit verify` checks and reports them).
REGISTRY: list[Covered] = []

# Tables that match the rule of the registry test but hold no score or money themselves (none today: the rules
# that turn marks into totals are covered above, since before publication nothing else fixes them).
RULES_NOT_SCORES: dict[str, str] = {}


def compose(capabilities: Sequence[Capability]) -> None:
    """Fill the registry (and the rule tables of app.audit.rules) from the capabilities' covered tables."""
    entries = [covered for capability in capabilities for covered in capability.covered]
    strays = [entry for entry in entries if not isinstance(entry, Covered)]
    if strays:
        raise TypeError(f"not a Covered table: {strays}")
    tables = [entry.table for entry in entries]
    if len(set(tables)) != len(tables):
        raise ValueError(f"a table is covered twice: {tables}")
    REGISTRY[:] = [e for e in entries if e.rule is None] + [e for e in entries if e.rule is not None]
    MODELS.clear()
    RULE_FIELDS.clear()
    for entry in REGISTRY:
        if entry.rule is not None:
            model, names, decimals = entry.rule
            MODELS[model] = entry.table
            RULE_FIELDS[entry.table] = (names, decimals)
