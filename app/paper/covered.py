"""Paper entries and reconciliations as the audit log covers them, each recorded with its marks."""

from collections.abc import Callable, Hashable, Iterator
from typing import Any

from sqlalchemy import select

from app.audit.covered import STREAM, Covered, Fields, Recorder, Row, marks, pick
from app.extensions import db
from app.paper.models import PaperSheet, Reconciliation

PAPER_FIELDS = ("judge_id", "feeds_version", "attempt", "comment", "scan_sha256")
RECONCILED_FIELDS = ("judge_id", "feeds_version", "comment", "version_id")


def _with_marks(names: tuple[str, ...]) -> Recorder:
    def recorder(object_id: str, after: Any) -> tuple[Hashable, Fields]:
        return int(object_id), pick(after, names) | {"marks": marks(after["marks"])}
    return recorder


def _paper_rows(model: Any, names: tuple[str, ...]) -> Callable[[], Iterator[Row]]:
    def rows() -> Iterator[Row]:
        for row in db.session.execute(select(model).order_by(model.id).execution_options(yield_per=STREAM)).scalars():
            values = {name: getattr(row, name) for name in names}
            yield Row(row.id, row.id, values | {"marks": marks(row.marks or {})})
    return rows


PAPER = (
    Covered("paper_entry", frozenset({"paper_entry"}), {"paper_entered": _with_marks(PAPER_FIELDS)},
            _paper_rows(PaperSheet, PAPER_FIELDS)),
    Covered("paper_reconciliation", frozenset({"paper_reconciliation"}),
            {"paper_reconciled": _with_marks(RECONCILED_FIELDS)}, _paper_rows(Reconciliation, RECONCILED_FIELDS)),
)
