"""Sheet versions and their marks as the audit log covers them (sheet_submitted, late_sheet_accepted)."""

from collections.abc import Hashable, Iterator
from typing import Any

from sqlalchemy import select

from app.audit.covered import STREAM, Covered, Fields, Row, marks, number, pick, raw
from app.extensions import db
from app.judging.models import Mark, ScoreSheet, SheetVersion

SHEET_FIELDS = ("round_id", "entry_id", "judge_id", "total", "late", "deviation_flag", "source")


def _submitted(object_id: str, after: Any) -> tuple[Hashable, Fields]:
    recorded = pick(after, SHEET_FIELDS, ("total",)) | {"counted": not after["late"], "marks": marks(after["marks"])}
    return (int(object_id), int(after["version"])), recorded


def _late_accepted(object_id: str, after: Any) -> tuple[Hashable, Fields]:
    return (int(after["sheet_id"]), int(after["version"])), {"counted": bool(after["counted"])}


def _sheet_rows() -> Iterator[Row]:
    """Versions with their sheet's round, contestant and judge, merged with their marks (both in version order);
    Core queries on the session's connection (no ORM rows), the marks streamed."""
    conn = db.session.connection()
    versions = conn.execute(select(
        SheetVersion.id, SheetVersion.sheet_id, SheetVersion.number, raw(SheetVersion.total).label("total"),
        SheetVersion.late, SheetVersion.counted, SheetVersion.deviation_flag, SheetVersion.source,
        ScoreSheet.round_id, ScoreSheet.entry_id, ScoreSheet.judge_id)
        .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id).order_by(SheetVersion.id)).all()
    mark_rows = iter(conn.execute(
        select(Mark.id, Mark.version_id, Mark.criterion_id, raw(Mark.value).label("value"))
        .order_by(Mark.version_id, Mark.criterion_id).execution_options(yield_per=STREAM * 10)))
    mark = next(mark_rows, None)
    names: dict[int, str] = {}  # criterion id -> its key in the marks, as the events write it
    for vid, sheet_id, version, total, late, counted, flagged, source, round_id, entry_id, judge_id in versions:
        points: dict[str, str | None] = {}
        ids: dict[str, int] = {}
        while mark is not None and mark[1] <= vid:
            if mark[1] == vid:
                name = names.get(mark[2]) or names.setdefault(mark[2], str(mark[2]))
                points[name], ids[name] = number(mark[3]), mark[0]
            mark = next(mark_rows, None)
        sheet = ("score_sheet", sheet_id)
        yield Row(vid, (sheet_id, version), {
            "round_id": round_id, "entry_id": entry_id, "judge_id": judge_id, "total": number(total),
            "late": bool(late), "counted": bool(counted), "deviation_flag": bool(flagged), "source": source,
            "marks": points}, {"round_id": (*sheet, "round_id"), "entry_id": (*sheet, "entry_id"),
                               "judge_id": (*sheet, "judge_id"), "marks": ("mark", ids, "value")})


SHEETS = Covered("sheet_version", frozenset({"sheet_version", "mark", "score_sheet"}),
                 {"sheet_submitted": _submitted, "late_sheet_accepted": _late_accepted}, _sheet_rows)
