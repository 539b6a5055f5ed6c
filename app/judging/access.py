"""Who may score what: a judge opens only sheets of contestants assigned to them and not recused."""

from sqlalchemy import and_, select

from app.absences.services import ABSENT_FOR_JUDGES, is_absent
from app.accounts.models import User
from app.contests.models import Round
from app.entries.models import Entry
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.panels.models import Assignment

NOT_A_JUDGE = "您不是本次比武的评委"


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
