"""What the judge's phone shows: their contestants in running order with sheet states, and one sheet."""

import secrets
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import selectinload

from app.absences.models import RoundAbsence
from app.accounts.models import User
from app.contests.models import Criterion, Round
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import SHEET_STATES, ScoreSheet, ScoringWindow, SheetReopening, SheetVersion
from app.judging.windows import is_open
from app.panels.models import Assignment, SessionSlot


@dataclass(frozen=True)
class ToScore:
    entry_id: int
    public_number: str
    unit: str
    position: int | None
    session: str
    state: str
    state_label: str
    on_stage: bool
    correction_asked: bool
    absent: bool = False  # recorded absent from the round (缺席): nothing to score


@dataclass(frozen=True)
class RoundList:
    round: Round
    items: list[ToScore]

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.state == "submitted")

    @property
    def expected(self) -> int:
        return sum(1 for i in self.items if not i.absent)


def my_rounds(user: User) -> list[RoundList]:
    """Per round the judge is assigned in: their contestants in running order (session, position).

    Polled every few seconds by every judge's phone: the same few queries however many contestants (who is absent
    and who is on stage come with each row, the places and sessions in one query each)."""
    judges = db.session.execute(select(Judge.id).where(Judge.user_id == user.id, Judge.active)).scalars().all()
    absent = exists().where(RoundAbsence.round_id == Assignment.round_id, RoundAbsence.entry_id == Entry.id,
                            RoundAbsence.in_effect.is_(True))
    # As windows.on_stage: a window of the entry's own still open.
    stage = exists().where(ScoringWindow.round_id == Assignment.round_id, ScoringWindow.entry_id == Entry.id,
                           ScoringWindow.closed_at.is_(None))
    rows = db.session.execute(
        select(Assignment.round_id, Entry, SessionSlot, ScoreSheet, stage, absent)
        .join(Entry, Entry.id == Assignment.entry_id)
        .outerjoin(SessionSlot, and_(SessionSlot.entry_id == Entry.id, SessionSlot.round_id == Assignment.round_id))
        .outerjoin(ScoreSheet, and_(ScoreSheet.round_id == Assignment.round_id,
                                    ScoreSheet.judge_id == Assignment.judge_id, ScoreSheet.entry_id == Entry.id))
        .where(Assignment.judge_id.in_(judges))
        .options(selectinload(Entry.county), selectinload(Entry.township), selectinload(Entry.village),
                 selectinload(SessionSlot.session))
    ).tuples().all()
    by_round: dict[int, list[tuple[tuple[object, ...], ToScore]]] = {}
    for round_id, entry, slot, sheet, on_stage, is_absent in rows:
        state = sheet.state if sheet is not None else "open"
        by_round.setdefault(round_id, []).append((_running_order(slot, entry.public_number), ToScore(
            entry_id=entry.id, public_number=entry.public_number, unit=entry.unit_name,
            position=slot.position if slot else None, session=slot.session.name if slot else "",
            state=state, state_label=SHEET_STATES.get(state, state), on_stage=bool(on_stage),
            correction_asked=bool(sheet and sheet.correction_requested_at), absent=bool(is_absent))))
    rounds = db.session.execute(select(Round).where(Round.id.in_(list(by_round))).order_by(Round.position)).scalars()
    return [RoundList(rnd, [item for _, item in sorted(by_round[rnd.id], key=lambda pair: pair[0])])
            for rnd in rounds]


def _running_order(slot: SessionSlot | None, public_number: str) -> tuple[object, ...]:
    """Sessions by day and start time (names like 第三场 do not sort), then place; unplaced ones last."""
    if slot is None:
        return (True, date.max, time.max, 0, True, 0, public_number)
    session = slot.session
    return (False, session.held_on, session.starts_at, session.id, slot.position is None, slot.position or 0,
            public_number)


@dataclass(frozen=True)
class SheetField:
    criterion: Criterion
    value: str
    max_text: str
    min_text: str
    step_text: str


@dataclass(frozen=True)
class SheetPage:
    round: Round
    entry: Entry
    state: str
    state_label: str
    fields: list[SheetField]
    comment: str
    max_total: str
    window_open: bool
    client_token: str
    versions: list[SheetVersion]
    correction_asked: bool
    reopen_reason: str


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def sheet_page(rnd: Round, entry: Entry, judge: Judge, typed: dict[int, str] | None = None,
               comment: str | None = None) -> SheetPage:
    sheet = db.session.execute(select(ScoreSheet).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id == judge.id)
    ).scalar_one_or_none()
    versions = list(sheet.versions) if sheet else []
    draft = (sheet.draft or {}) if sheet else {}
    last = {m.criterion_id: _text(m.value) for m in versions[-1].marks} if versions else {}
    values = typed if typed is not None else {int(k): v for k, v in (draft.get("marks") or {}).items()} or last
    state = sheet.state if sheet else "open"
    return SheetPage(
        round=rnd, entry=entry, state=state, state_label=SHEET_STATES.get(state, state),
        fields=[SheetField(c, values.get(c.id, ""), _text(c.max_points), _text(c.min_points), _text(c.step))
                for c in rnd.criteria],
        comment=comment if comment is not None else (draft.get("comment") or (versions[-1].comment if versions
                                                                               else "")),
        max_total=_text(rnd.max_total), window_open=is_open(rnd.id, entry.id),
        client_token=secrets.token_urlsafe(18), versions=versions,
        correction_asked=bool(sheet and sheet.correction_requested_at),
        reopen_reason=_reopen_reason(sheet) if sheet and sheet.state == "reopened" else "",
    )


def _reopen_reason(sheet: ScoreSheet) -> str:
    """The organizer's own words from the latest reopening (the sheet's reason also quotes the judge)."""
    reason = db.session.execute(select(SheetReopening.reason).where(SheetReopening.sheet_id == sheet.id)
                                .order_by(SheetReopening.id.desc()).limit(1)).scalar()
    return reason or sheet.correction_reason
