"""The full history of score sheets, for organizers and supervisors: every version, who, when, why."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import rules
from app.accounts.models import User
from app.contests.current import current_contest
from app.contests.models import Round
from app.entries.models import Entry
from app.errors import NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet, SheetReopening, SheetState, SheetVersion
from app.panels.questions import closed_after


@dataclass(frozen=True)
class ReopeningLine:
    """Why a version was replaced: the judge's request (who, when, why) and the organizer's reopening."""

    reopening: SheetReopening
    requested_by: str
    reopened_by: str


@dataclass(frozen=True)
class VersionLine:
    version: SheetVersion
    entered_by: str
    marks: list[tuple[str, str]]  # criterion name, value
    reopening: ReopeningLine | None  # the reopening this version answered (None for the first)
    # Confirmed offline and late: when scoring that was open at the claimed time closed.
    window_closed_at: datetime | None = None


@dataclass(frozen=True)
class SheetHistory:
    sheet: ScoreSheet
    round: Round
    entry: Entry
    judge: str
    state_label: str
    versions: list[VersionLine]
    pending: ReopeningLine | None  # reopened, the judge has not submitted again yet

    @property
    def correction_asked(self) -> bool:
        """The judge asked for a correction that no organizer has acted on yet."""
        return self.sheet.state == SheetState.SUBMITTED and self.sheet.correction_requested_at is not None

    @property
    def badge(self) -> str:
        """Green once submitted, amber while late or reopened (the organizers or the judge must act), else grey."""
        return {SheetState.SUBMITTED: "text-bg-success", SheetState.LATE: "text-bg-warning",
                SheetState.REOPENED: "text-bg-warning"}.get(self.sheet.state, "text-bg-secondary")


def sheet_history(sheet_id: int, county_id: int | None = None) -> SheetHistory:
    """Every version of one sheet; a county organizer sees only their county's contestants (404 otherwise)."""
    sheet = db.session.execute(select(ScoreSheet).where(ScoreSheet.id == sheet_id).options(
        selectinload(ScoreSheet.versions).selectinload(SheetVersion.marks))).scalar_one_or_none()
    if sheet is None:
        raise NotFoundError("评分表不存在")
    entry = db.session.get(Entry, sheet.entry_id)
    if entry is None or not rules.may_see(county_id, entry.county_id):
        raise NotFoundError("评分表不存在")
    rnd = db.session.get(Round, sheet.round_id)
    judge = db.session.get(Judge, sheet.judge_id)
    assert rnd is not None and judge is not None
    names = {c.id: c.name for c in rnd.criteria}
    reopenings = list(db.session.execute(select(SheetReopening).where(SheetReopening.sheet_id == sheet.id)
                                         .order_by(SheetReopening.id)).scalars())
    people = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(
        {v.entered_by_id for v in sheet.versions} | {r.reopened_by_id for r in reopenings}
        | {r.requested_by_id for r in reopenings if r.requested_by_id}))).tuples().all())
    # Reopening n replaced version n: the version after it answers it.
    answered = {r.version_number + 1: ReopeningLine(r, people.get(r.requested_by_id or 0, ""),
                                                    people.get(r.reopened_by_id, "")) for r in reopenings}
    lines = [VersionLine(v, people.get(v.entered_by_id, ""),
                         [(names.get(m.criterion_id, "?"), f"{m.value.normalize():f}") for m in
                          sorted(v.marks, key=lambda m: m.criterion_id)], answered.get(v.number),
                         closed_after(sheet.round_id, sheet.entry_id, v.confirmed_offline_at)
                         if v.late and v.confirmed_offline_at else None)
             for v in sheet.versions]
    next_number = (sheet.versions[-1].number if sheet.versions else 0) + 1
    pending = answered.get(next_number) if sheet.state == SheetState.REOPENED else None
    return SheetHistory(sheet, rnd, entry, judge.user.display_name, sheet.state.label, lines,
                        pending)


@dataclass(frozen=True)
class SheetRow:
    sheet: ScoreSheet
    public_number: str
    judge: str

    @property
    def state_label(self) -> str:
        return self.sheet.state.label


def sheets_of_round(round_id: int, public_number: str | None, county_id: int | None = None) -> list[SheetRow]:
    """The sheets of a round (optionally one contestant), for choosing one to inspect (at most 300)."""
    query = (select(ScoreSheet, Entry.public_number, User.display_name)
             .join(Entry, Entry.id == ScoreSheet.entry_id).join(Judge, Judge.id == ScoreSheet.judge_id)
             .join(User, User.id == Judge.user_id).where(ScoreSheet.round_id == round_id)
             .options(selectinload(ScoreSheet.versions)).order_by(Entry.public_number, User.display_name))
    if public_number:
        query = query.where(Entry.public_number == public_number.strip().upper())
    query = rules.visible(query, Entry.county_id, county_id)
    return [SheetRow(sheet, number, judge) for sheet, number, judge in
            db.session.execute(query.limit(300)).tuples()]


def sheet_chooser(round_id: int | None, number: str | None, county_id: int | None) -> dict[str, object]:
    """The sheet chooser: rounds of the current contest, the chosen round and contestant, their sheets."""
    contest = current_contest()
    rounds = contest.rounds if contest else []
    chosen = round_id or (rounds[0].id if rounds else 0)
    return {"rounds": rounds, "round_id": chosen, "number": number or None,
            "sheets": sheets_of_round(chosen, number, county_id) if chosen else []}
