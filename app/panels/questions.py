"""Assignment questions (whose sheet it is, who is absent, whether scoring is open), below every marking package."""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from app.accounts.models import User
from app.contests.models import Round
from app.entries.models import Entry
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.panels.models import Assignment, RoundAbsence, ScoringWindow, SessionSlot

NOT_A_JUDGE = "您不是本次比武的评委"
ABSENT_FOR_JUDGES = "该参赛人本轮已登记缺席，无需评分"


def absent_entries(round_id: int) -> Select[tuple[int]]:
    """The contestants with an absence in effect in the round, as a subquery for other queries."""
    return select(RoundAbsence.entry_id).where(RoundAbsence.round_id == round_id, RoundAbsence.in_effect.is_(True))


def absent_entry_ids(round_id: int) -> set[int]:
    """The contestants with an absence in effect in the round."""
    return set(db.session.execute(absent_entries(round_id)).scalars())


def is_absent(round_id: int, entry_id: int) -> bool:
    return db.session.execute(select(exists().where(
        RoundAbsence.round_id == round_id, RoundAbsence.entry_id == entry_id,
        RoundAbsence.in_effect.is_(True)))).scalar_one()


def judge_of(user: User, contest_id: int) -> Judge:
    """The user's judge record in a contest."""
    judge = db.session.execute(select(Judge).where(Judge.user_id == user.id, Judge.contest_id == contest_id,
                                                   Judge.active)).scalar_one_or_none()
    if judge is None:
        raise ForbiddenError(NOT_A_JUDGE)
    return judge


def assigned(user: User, round_id: int, entry_id: int, *, to_score: bool = False) -> tuple[Judge, Round, Entry]:
    """The judge, round and entry when the sheet is theirs to score; 404 for unknown ids, 403 otherwise.

    `to_score` (storing a sheet) also refuses a contestant recorded absent from the round; reading a sheet
    stays possible, so a judge who opens one sees what they had and is refused only when confirming."""
    rnd = db.session.get(Round, round_id)
    entry = db.session.get(Entry, entry_id)
    if rnd is None or entry is None or entry.contest_id != rnd.contest_id:
        raise NotFoundError("评分表不存在")
    # The judge and their assignment in one query: this runs on every sheet a judge opens or sends.
    row = db.session.execute(
        select(Judge, Assignment.id).outerjoin(Assignment, and_(
            Assignment.judge_id == Judge.id, Assignment.round_id == round_id, Assignment.entry_id == entry_id))
        .where(Judge.user_id == user.id, Judge.contest_id == rnd.contest_id, Judge.active)).first()
    if row is None:
        raise ForbiddenError(NOT_A_JUDGE)
    judge, assignment_id = row
    if assignment_id is None:
        raise ForbiddenError("该参赛人未分配给您评分，或您须回避")
    if to_score and is_absent(round_id, entry_id):
        raise DomainError(ABSENT_FOR_JUDGES)
    return judge, rnd, entry


def _covering(round_id: int, entry_id: int) -> ColumnElement[bool]:
    """Windows that cover the entry: of the round itself, of the entry's session, or of the entry."""
    session_ids = select(SessionSlot.session_id).where(SessionSlot.round_id == round_id,
                                                       SessionSlot.entry_id == entry_id)
    return (ScoringWindow.round_id == round_id) & or_(
        (ScoringWindow.session_id.is_(None) & ScoringWindow.entry_id.is_(None)),
        ScoringWindow.session_id.in_(session_ids),
        ScoringWindow.entry_id == entry_id,
    )


def is_open(round_id: int, entry_id: int) -> bool:
    """Open when a window of the round itself, of the entry's session, or of the entry is open."""
    found = db.session.execute(select(ScoringWindow.id).where(
        _covering(round_id, entry_id), ScoringWindow.closed_at.is_(None))).first()
    return found is not None


def ever_opened(round_id: int, entry_id: int) -> bool:
    found = db.session.execute(select(ScoringWindow.id).where(_covering(round_id, entry_id)).limit(1)).first()
    return found is not None


def open_at(round_id: int, entry_id: int, at: datetime, skew: timedelta = timedelta(0)) -> bool:
    """Was scoring open for the entry at `at` (give or take `skew`, a phone clock's error)? Every opening is
    its own row, so the history is complete."""
    found = db.session.execute(select(ScoringWindow.id).where(
        _covering(round_id, entry_id), ScoringWindow.opened_at <= at + skew,
        or_(ScoringWindow.closed_at.is_(None), ScoringWindow.closed_at >= at - skew)).limit(1)).first()
    return found is not None


def closed_after(round_id: int, entry_id: int, at: datetime) -> datetime | None:
    """When scoring that was open for the entry at `at` closed (the last such window); None if still open or never."""
    rows = db.session.execute(select(ScoringWindow.closed_at).where(
        _covering(round_id, entry_id), ScoringWindow.opened_at <= at,
        or_(ScoringWindow.closed_at.is_(None), ScoringWindow.closed_at >= at))).scalars().all()
    if not rows or any(closed is None for closed in rows):
        return None
    return max(closed for closed in rows if closed is not None)

