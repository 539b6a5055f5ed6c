"""What the judge's phone shows: their contestants in running order with sheet states, and one sheet."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import and_, exists, select

from app.accounts.models import User
from app.contests.models import Criterion, Round
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet, SheetReopening, SheetState, SheetVersion
from app.panels.models import Assignment, ContestSession, RoundAbsence, ScoringWindow, SessionSlot
from app.panels.questions import is_open
from app.places.models import County, Township, Village


@dataclass(frozen=True)
class ToScore:
    entry_id: int
    public_number: str
    unit: str
    position: int | None
    session: str
    state: SheetState
    on_stage: bool
    correction_asked: bool
    absent: bool = False  # recorded absent from the round (缺席): nothing to score
    starts: datetime | None = None  # the session's day and start time; None for a contestant not placed

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def badge(self) -> str:
        """The state's badge: green once submitted, amber while begun, reopened or late, grey when not begun."""
        if self.state == SheetState.SUBMITTED:
            return "text-bg-success"
        return "text-bg-secondary" if self.state == SheetState.OPEN else "text-bg-warning"

    @property
    def correction_waits(self) -> bool:
        """Submitted, and the judge asked for a correction the organizers have not yet opened."""
        return self.correction_asked and self.state == SheetState.SUBMITTED

    @property
    def to_do(self) -> bool:
        """Still the judge's to score: 未评, 草稿 or 待更正 (a late sheet waits for the organizers)."""
        return not self.absent and self.state in TO_DO

    @property
    def needs_action(self) -> bool:
        """Begun and not finished (草稿) or reopened for a correction (待更正)."""
        return not self.absent and self.state in ACTION


TO_DO = (SheetState.OPEN, SheetState.DRAFT, SheetState.REOPENED)
ACTION = (SheetState.DRAFT, SheetState.REOPENED)


@dataclass(frozen=True)
class RoundList:
    round: Round
    items: list[ToScore]

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.state == SheetState.SUBMITTED and not i.absent)

    @property
    def expected(self) -> int:
        return sum(1 for i in self.items if not i.absent)


def my_rounds(user: User, round_id: int | None = None) -> list[RoundList]:
    """Per round the judge is assigned in (or that one round): their contestants in running order.

    Read by every judge's phone whenever its list changed (app/judging/overview.py): one query for the rows, in
    plain columns (entities with their draft JSON, places and session took 5x as long: 95 → 18 ms for 651 rows),
    and one for the rounds."""
    judges = select(Judge.id).where(Judge.user_id == user.id, Judge.active)
    absent = exists().where(RoundAbsence.round_id == Assignment.round_id, RoundAbsence.entry_id == Entry.id,
                            RoundAbsence.in_effect.is_(True))
    # On stage: a window of the entry's own still open.
    stage = exists().where(ScoringWindow.round_id == Assignment.round_id, ScoringWindow.entry_id == Entry.id,
                           ScoringWindow.closed_at.is_(None))
    query = (
        select(Assignment.round_id, Entry.id, Entry.public_number, County.name, Township.name, Village.name,
               SessionSlot.position, ContestSession.id, ContestSession.name, ContestSession.held_on,
               ContestSession.starts_at, ScoreSheet.state, ScoreSheet.correction_requested_at, stage, absent)
        .join(Entry, Entry.id == Assignment.entry_id)
        .join(County, County.id == Entry.county_id).join(Township, Township.id == Entry.township_id)
        .outerjoin(Village, Village.id == Entry.village_id)
        .outerjoin(SessionSlot, and_(SessionSlot.entry_id == Entry.id, SessionSlot.round_id == Assignment.round_id))
        .outerjoin(ContestSession, ContestSession.id == SessionSlot.session_id)
        .outerjoin(ScoreSheet, and_(ScoreSheet.round_id == Assignment.round_id,
                                    ScoreSheet.judge_id == Assignment.judge_id, ScoreSheet.entry_id == Entry.id))
        .where(Assignment.judge_id.in_(judges))
    )
    if round_id is not None:
        query = query.where(Assignment.round_id == round_id)
    by_round: dict[int, list[tuple[tuple[object, ...], ToScore]]] = {}
    for (rnd_id, entry_id, number, county, township, village, position, session_id, session_name, held_on,
         starts_at, state, asked, on_stage, is_absent) in db.session.execute(query).tuples():
        state = state or SheetState.OPEN
        placed = session_id is not None
        order = (not placed, held_on or date.max, starts_at or time.max, session_id or 0, position is None,
                 position or 0, number)  # by day and start time (names like 第三场 do not sort), then place
        by_round.setdefault(rnd_id, []).append((order, ToScore(
            entry_id=entry_id, public_number=number, unit=f"{county}{township}{village or ''}", position=position,
            session=session_name or "", state=state,
            on_stage=bool(on_stage), correction_asked=asked is not None, absent=bool(is_absent),
            starts=datetime.combine(held_on, starts_at) if placed else None)))
    rounds = db.session.execute(select(Round).where(Round.id.in_(list(by_round))).order_by(Round.position)).scalars()
    return [RoundList(rnd, [item for _, item in sorted(by_round[rnd.id], key=lambda pair: pair[0])])
            for rnd in rounds]


@dataclass(frozen=True)
class SheetField:
    criterion: Criterion
    value: str
    max_text: str
    min_text: str
    step_text: str
    previous: str = ""  # the last confirmed version's mark: a correction's review shows what changes


@dataclass(frozen=True)
class SheetPage:
    round: Round
    entry: Entry
    state: SheetState
    fields: list[SheetField]
    comment: str
    max_total: str
    window_open: bool
    client_token: str
    versions: list[SheetVersion]
    correction_asked: bool
    reopen_reason: str

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def locked(self) -> bool:
        return self.state.locked

    @property
    def late(self) -> bool:
        return self.state == SheetState.LATE

    @property
    def may_ask_correction(self) -> bool:
        """Only a submitted sheet may be asked to be reopened (a late one waits for the organizers first)."""
        return self.state == SheetState.SUBMITTED

    @property
    def reopened(self) -> bool:
        return self.state == SheetState.REOPENED


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
    state = sheet.state if sheet else SheetState.OPEN
    return SheetPage(
        round=rnd, entry=entry, state=state,
        fields=[SheetField(c, values.get(c.id, ""), _text(c.max_points), _text(c.min_points), _text(c.step),
                           last.get(c.id, "")) for c in rnd.criteria],
        comment=comment if comment is not None else (draft.get("comment") or (versions[-1].comment if versions
                                                                               else "")),
        max_total=_text(rnd.max_total), window_open=is_open(rnd.id, entry.id),
        client_token=secrets.token_urlsafe(18), versions=versions,
        correction_asked=bool(sheet and sheet.correction_requested_at),
        reopen_reason=_reopen_reason(sheet) if sheet and sheet.state == SheetState.REOPENED else "",
    )


def _reopen_reason(sheet: ScoreSheet) -> str:
    """The organizer's own words from the latest reopening (the sheet's reason also quotes the judge)."""
    reason = db.session.execute(select(SheetReopening.reason).where(SheetReopening.sheet_id == sheet.id)
                                .order_by(SheetReopening.id.desc()).limit(1)).scalar()
    return reason or sheet.correction_reason
