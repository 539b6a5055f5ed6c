"""The one registry of tables whose rows the audit log covers: each row's values and the events recording them.

Every table that holds scores or money joins here (tests/services/test_audit_covered.py fails otherwise): for
each, `rows()` streams its current rows as canonical values and `events` says which audit events record them
and what they recorded. `flask audit verify` (app.audit.integrity) compares the two. Values are JSON-plain:
decimals as `plain()` text (18.5, not 18.5000), ids as ints, flags as bools.
"""

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from sqlalchemy import select, type_coerce
from sqlalchemy.orm import joinedload
from sqlalchemy.types import NullType

from app.absences.models import RoundAbsence
from app.absences.services import absence_fields
from app.adjustments.models import AdjustmentRecord, VetoRecord
from app.adjustments.services import record_fields
from app.adjustments.vetoes import veto_fields
from app.audit.rules import RULE_FIELDS, rule_fields
from app.contests.models import AdjustmentItem, Contest, Criterion, Round
from app.contests.services import plain
from app.entries.models import Entry
from app.extensions import db
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.materials.models import Material
from app.materials.services import material_fields
from app.paper.models import PaperEntry, Reconciliation
from app.publication.models import Publication
from app.results.models import AwardBand
from scoring import package_hash

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


def number(value: object) -> str | None:
    """A decimal as canonical text (None stays None; text that is no number stays as it is)."""
    return None if value is None else _plain_text(str(value))


@lru_cache(maxsize=4096)  # marks take a few dozen distinct values: each is converted once per process
def _plain_text(text: str) -> str:
    try:
        return plain(Decimal(text))
    except InvalidOperation:
        return text


def _raw(column: Any) -> Any:
    """The driver's value as it is (SQLite: a float, exact for marks; the others: a Decimal), without
    SQLAlchemy's Decimal conversion, which costs more than the comparison on 146,475 marks."""
    return type_coerce(column, NullType())


def _pick(values: Mapping[str, Any], names: tuple[str, ...], decimals: tuple[str, ...] = ()) -> Fields:
    """The named fields that `values` has: an event written before a field was recorded (a sheet's round_id)
    says nothing about it, and verify compares what each event says."""
    return {name: number(values[name]) if name in decimals else values[name] for name in names if name in values}


# --- sheet versions and their marks: sheet_submitted (store_version, the demo) and late_sheet_accepted ---

SHEET_FIELDS = ("round_id", "entry_id", "judge_id", "total", "late", "deviation_flag", "source")


def _marks(marks: Mapping[str, Any]) -> dict[str, str | None]:
    return {cid: number(value) for cid, value in marks.items()}


def _submitted(object_id: str, after: Any) -> tuple[Hashable, Fields]:
    recorded = _pick(after, SHEET_FIELDS, ("total",)) | {"counted": not after["late"], "marks": _marks(after["marks"])}
    return (int(object_id), int(after["version"])), recorded


def _late_accepted(object_id: str, after: Any) -> tuple[Hashable, Fields]:
    return (int(after["sheet_id"]), int(after["version"])), {"counted": bool(after["counted"])}


def _sheet_rows() -> Iterator[Row]:
    """Versions with their sheet's round, contestant and judge, merged with their marks (both in version order);
    Core queries on the session's connection (no ORM rows), the marks streamed."""
    conn = db.session.connection()
    versions = conn.execute(select(
        SheetVersion.id, SheetVersion.sheet_id, SheetVersion.number, _raw(SheetVersion.total).label("total"),
        SheetVersion.late, SheetVersion.counted, SheetVersion.deviation_flag, SheetVersion.source,
        ScoreSheet.round_id, ScoreSheet.entry_id, ScoreSheet.judge_id)
        .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id).order_by(SheetVersion.id)).all()
    marks = iter(conn.execute(
        select(Mark.id, Mark.version_id, Mark.criterion_id, _raw(Mark.value).label("value"))
        .order_by(Mark.version_id, Mark.criterion_id).execution_options(yield_per=STREAM * 10)))
    mark = next(marks, None)
    names: dict[int, str] = {}  # criterion id -> its key in the marks, as the events write it
    for vid, sheet_id, version, total, late, counted, flagged, source, round_id, entry_id, judge_id in versions:
        points: dict[str, str | None] = {}
        ids: dict[str, int] = {}
        while mark is not None and mark[1] <= vid:
            if mark[1] == vid:
                name = names.get(mark[2]) or names.setdefault(mark[2], str(mark[2]))
                points[name], ids[name] = number(mark[3]), mark[0]
            mark = next(marks, None)
        sheet = ("score_sheet", sheet_id)
        yield Row(vid, (sheet_id, version), {
            "round_id": round_id, "entry_id": entry_id, "judge_id": judge_id, "total": number(total),
            "late": bool(late), "counted": bool(counted), "deviation_flag": bool(flagged), "source": source,
            "marks": points}, {"round_id": (*sheet, "round_id"), "entry_id": (*sheet, "entry_id"),
                               "judge_id": (*sheet, "judge_id"), "marks": ("mark", ids, "value")})


# --- rows whose events record the whole row (after = the service's *_fields of it) ---

def _whole(names: tuple[str, ...], decimals: tuple[str, ...] = ()) -> Recorder:
    return lambda object_id, after: (int(object_id), _pick(after, names, decimals))


def _orm_rows(model: Any, fields: Callable[[Any], Fields], names: tuple[str, ...],
              decimals: tuple[str, ...] = (), *options: Any) -> Callable[[], Iterator[Row]]:
    def rows() -> Iterator[Row]:
        query = select(model).options(*options).order_by(model.id).execution_options(yield_per=STREAM)
        for row in db.session.execute(query).scalars():
            yield Row(row.id, row.id, _pick(fields(row), names, decimals))
    return rows


ADJUSTMENT_FIELDS = ("round", "entry", "item", "version", "measure", "points", "note", "withdrawn")
VETO_FIELDS = ("round", "entry", "item", "version", "withdrawn", "reason", "state", "proposed_by", "decided_by",
               "decision_note")
ABSENCE_FIELDS = ("round", "entry", "reason", "in_effect")
MATERIAL_FIELDS = ("round", "entry", "version", "sha256", "size", "income_target")
VETO_ACTIONS = ("veto_proposed", "veto_withdrawal_proposed", "veto_proposal_retracted", "veto_confirmed",
                "veto_rejected", "veto_withdrawal_confirmed", "veto_withdrawal_rejected")


# --- published result versions: the row, and its package against the hash recorded at publication ---

def _published(object_id: str, after: Any) -> tuple[Hashable, Fields]:
    return int(object_id), {"scope": after["scope"], "number": int(after["version"]),
                            "package_hash": after["package_hash"], "package": after["package_hash"]}


def _result_rows() -> Iterator[Row]:
    """One package at a time (a year's is ~10 MB): its hash recomputed as the sign-off computed it."""
    query = select(Publication.id, Publication.scope, Publication.number, Publication.package_hash,
                   Publication.package).order_by(Publication.id).execution_options(yield_per=1)
    for v in db.session.execute(query):
        try:
            digest = package_hash(v.package)
        except (KeyError, TypeError, ValueError):
            digest = "（审计包无法解析）"
        yield Row(v.id, v.id, {"scope": v.scope, "number": v.number, "package_hash": v.package_hash,
                               "package": digest})


# --- paper entries and reconciliations: the clerks' typing and the third person's reading ---

PAPER_FIELDS = ("judge_id", "feeds_version", "attempt", "comment", "scan_sha256")
RECONCILED_FIELDS = ("judge_id", "feeds_version", "comment", "version_id")


def _with_marks(names: tuple[str, ...]) -> Recorder:
    def recorder(object_id: str, after: Any) -> tuple[Hashable, Fields]:
        return int(object_id), _pick(after, names) | {"marks": _marks(after["marks"])}
    return recorder


def _paper_rows(model: Any, names: tuple[str, ...]) -> Callable[[], Iterator[Row]]:
    def rows() -> Iterator[Row]:
        for row in db.session.execute(select(model).order_by(model.id).execution_options(yield_per=STREAM)).scalars():
            values = {name: getattr(row, name) for name in names}
            yield Row(row.id, row.id, values | {"marks": _marks(row.marks or {})})
    return rows


# --- the rules that turn marks into totals: each row's covered values (app.audit.rules), recorded by the event
# of the use case that set them (a contest's or round's settings, a criterion, an item, an entry) or by
# `<table>_recorded` where many rows are written at once (a contest created or copied, weights, bands, an
# import, the demo) ---

def _removed(object_id: str, after: Any) -> tuple[Hashable, None]:
    return int(object_id), None


def _rules(table: str, model: Any, actions: tuple[str, ...], removals: tuple[str, ...] = ()) -> Covered:
    names, decimals = RULE_FIELDS[table]
    events = dict.fromkeys((f"{table}_recorded", *actions), _whole(names, decimals))
    return Covered(table, frozenset({table}), events | dict.fromkeys(removals, _removed),
                   _orm_rows(model, rule_fields, names, decimals))


REGISTRY: tuple[Covered, ...] = (
    Covered("sheet_version", frozenset({"sheet_version", "mark", "score_sheet"}),
            {"sheet_submitted": _submitted, "late_sheet_accepted": _late_accepted}, _sheet_rows),
    Covered("adjustment_record", frozenset({"adjustment_record"}),
            dict.fromkeys(("adjustment_recorded", "adjustment_changed", "adjustment_withdrawn"),
                          _whole(ADJUSTMENT_FIELDS, ("measure", "points"))),
            _orm_rows(AdjustmentRecord, record_fields, ADJUSTMENT_FIELDS, ("measure", "points"))),
    Covered("veto_record", frozenset({"veto_record"}), dict.fromkeys(VETO_ACTIONS, _whole(VETO_FIELDS)),
            _orm_rows(VetoRecord, veto_fields, VETO_FIELDS)),
    Covered("round_absence", frozenset({"round_absence"}),
            dict.fromkeys(("absence_recorded", "absence_withdrawn"), _whole(ABSENCE_FIELDS)),
            _orm_rows(RoundAbsence, absence_fields, ABSENCE_FIELDS, (), joinedload(RoundAbsence.entry))),
    Covered("result_version", frozenset({"result_version"}), {"result_published": _published}, _result_rows),
    Covered("paper_entry", frozenset({"paper_entry"}), {"paper_entered": _with_marks(PAPER_FIELDS)},
            _paper_rows(PaperEntry, PAPER_FIELDS)),
    Covered("paper_reconciliation", frozenset({"paper_reconciliation"}),
            {"paper_reconciled": _with_marks(RECONCILED_FIELDS)}, _paper_rows(Reconciliation, RECONCILED_FIELDS)),
    Covered("material", frozenset({"material"}),
            dict.fromkeys(("material_uploaded", "material_replaced"), _whole(MATERIAL_FIELDS, ("income_target",))),
            _orm_rows(Material, material_fields, MATERIAL_FIELDS, ("income_target",))),
    _rules("contest", Contest, ("contest_created", "contest_copied", "contest_settings_changed")),
    _rules("contest_round", Round, ("round_changed",)),
    _rules("criterion", Criterion, ("criterion_added", "criterion_changed"), ("criterion_removed",)),
    _rules("adjustment_item", AdjustmentItem, ("adjustment_item_added",), ("adjustment_item_removed",)),
    _rules("award_band", AwardBand, (), ("award_band_removed",)),
    _rules("entry", Entry, ("entry_created", "entry_edited", "entry_holder_changed", "entry_activated",
                            "entry_deactivated")),
)

# Tables that match the rule of the registry test but hold no score or money themselves (none today: the rules
# that turn marks into totals are covered above, since before publication nothing else fixes them).
RULES_NOT_SCORES: dict[str, str] = {}
