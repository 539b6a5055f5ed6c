"""Marking's answers to the questions lower layers ask through app/signals.py: are there marks, sheets."""

from collections.abc import Sequence

from sqlalchemy import exists, select

from app import signals
from app.contests.models import Round
from app.extensions import db
from app.judging.models import Mark, ScoreSheet, SheetVersion


@signals.round_has_marks.connect
def round_has_marks(round_id: int) -> bool:
    query = (select(Mark.id).join(SheetVersion, Mark.version_id == SheetVersion.id)
             .join(ScoreSheet, SheetVersion.sheet_id == ScoreSheet.id)
             .where(ScoreSheet.round_id == round_id).limit(1))
    return db.session.execute(query).first() is not None


@signals.contest_has_sheets.connect
def contest_has_sheets(contest_id: int) -> bool:
    return db.session.execute(select(SheetVersion.id).join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
                              .join(Round, Round.id == ScoreSheet.round_id)
                              .where(Round.contest_id == contest_id).limit(1)).first() is not None


@signals.sheets_exist.connect
def sheets_exist(round_id: int, *, entry_ids: Sequence[int], judge_id: int | None = None) -> bool:
    if judge_id is None:
        return bool(entry_ids) and bool(db.session.execute(select(exists().where(
            ScoreSheet.round_id == round_id, ScoreSheet.entry_id.in_(entry_ids)))).scalar())
    return db.session.execute(select(ScoreSheet.id).where(
        ScoreSheet.round_id == round_id, ScoreSheet.judge_id == judge_id,
        ScoreSheet.entry_id.in_(entry_ids))).first() is not None
