"""Which contest is current, per kind of competition, and the one check that a contest or round takes writes.

The current contest is the one an organizer marks as in progress (进行中), never the newest row:
copying next year's contest as a draft changes nothing for the running one (DECISIONS.md). Each
kind of competition has its own current one; today only the contest (比武) exists, a fund call
(资金申报) will join KINDS and run beside it.
"""

from sqlalchemy import Select, select

from app.contests.models import COMPETITION_KINDS, Contest, ContestStatus, Round
from app.errors import DomainError
from app.extensions import db

CONTEST = "contest"


class ContestClosed(DomainError):
    """A write to a contest (or a round of one) that has ended: refused (400) before anything is changed."""


def closed_message(contest: Contest) -> str:
    return f"本次比武已结束：“{contest.name}”的评分、名单和设置都不能再修改"


def _of_kind(kind: str, status: ContestStatus) -> Select[tuple[Contest]]:
    """Contests of a kind in a status, the latest year first. Today every contest row is of the contest kind;
    a fund call adds its kind column and filters on it here."""
    if kind not in COMPETITION_KINDS:
        raise ValueError(f"unknown kind of competition: {kind}")
    return (select(Contest).where(Contest.status == status.value)
            .order_by(Contest.year.desc(), Contest.id.desc()).limit(1))


def in_progress(kind: str = CONTEST) -> Contest | None:
    """The contest of this kind an organizer marked as in progress (update_settings keeps it to one)."""
    return db.session.execute(_of_kind(kind, ContestStatus.RUNNING)).scalar()


def current_contest(kind: str = CONTEST) -> Contest | None:
    """The contest the pages work on: the one in progress; else, for reading, the one that ended last; else
    (nothing has run yet) the draft being prepared. Pages label a contest that is not in progress, and
    require_writable refuses writes to an ended one."""
    for status in (ContestStatus.RUNNING, ContestStatus.CLOSED, ContestStatus.DRAFT):
        found = db.session.execute(_of_kind(kind, status)).scalar()
        if found is not None:
            return found
    return None


def accepts_writes(contest: Contest) -> bool:
    return contest.status != ContestStatus.CLOSED


def require_writable(target: Contest | Round) -> None:
    """Refuse (ContestClosed, nothing stored) a write to an ended contest or to a round of one.

    Every write path of judging, paper entry, adjustments, vetoes, absences, judges' cards, panels and
    sessions, people and the contest's setup calls this before changing anything; only the contest's own
    settings (its status among them) stay open. A round has no state of its own yet: it takes writes
    while its contest does."""
    contest = target.contest if isinstance(target, Round) else target
    if not accepts_writes(contest):
        raise ContestClosed(closed_message(contest))


def require_writable_contest(contest_id: int) -> None:
    """require_writable for a contest known by id (a missing contest is left to the caller's own 404)."""
    contest = db.session.get(Contest, contest_id)
    if contest is not None:
        require_writable(contest)


def require_writable_round(round_id: int) -> None:
    """require_writable for a round known by id (a missing round is left to the caller's own 404)."""
    rnd = db.session.get(Round, round_id)
    if rnd is not None:
        require_writable(rnd)
