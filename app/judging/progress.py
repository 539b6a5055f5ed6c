"""Scoring progress of a round: sheets expected (assignments) and submitted, who still owes what, and its page."""

from dataclasses import dataclass, field

from flask_login import current_user
from sqlalchemy import and_, select

from app import rules
from app.accounts.models import User
from app.contests.models import Round
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.judging.desk import ReportLine, reports
from app.judging.models import ScoreSheet, SheetState
from app.panels.models import Assignment, ContestSession, SessionSlot
from app.panels.questions import absent_entries
from app.panels.services import get_round
from app.places.models import County


@dataclass
class JudgeProgress:
    judge_id: int
    name: str
    unit: str
    expected: int = 0
    submitted: int = 0
    unscored: list[str] = field(default_factory=list)  # public numbers not yet submitted
    late: list[tuple[str, int]] = field(default_factory=list)  # (public number, sheet id) arrived late, to accept

    @property
    def complete(self) -> bool:
        return self.expected == self.submitted

    @property
    def owed(self) -> list[str]:
        """Everything not yet counted, as one list (the Excel export)."""
        return self.unscored + [f"{number}（迟交待审）" for number, _ in self.late]


@dataclass(frozen=True)
class RoundProgress:
    expected: int
    submitted: int
    judges: list[JudgeProgress]

    @property
    def late(self) -> int:
        return sum(len(j.late) for j in self.judges)

    @property
    def percent(self) -> int:
        return 100 if self.expected == 0 else self.submitted * 100 // self.expected


def round_progress(round_id: int, county_id: int | None = None, session_id: int | None = None) -> RoundProgress:
    """Three queries whatever the size of the round: assignments with sheet states, judges, nothing per row."""
    query = (
        select(Assignment.judge_id, Entry.public_number, ScoreSheet.state, ScoreSheet.id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .outerjoin(ScoreSheet, and_(ScoreSheet.round_id == Assignment.round_id,
                                    ScoreSheet.judge_id == Assignment.judge_id,
                                    ScoreSheet.entry_id == Assignment.entry_id))
        .where(Assignment.round_id == round_id, Assignment.entry_id.not_in(absent_entries(round_id)))  # 缺席: none due
        .order_by(Entry.public_number)
    )
    if county_id is not None:
        query = query.where(Entry.county_id == county_id)
    if session_id is not None:
        query = query.join(SessionSlot, and_(SessionSlot.entry_id == Assignment.entry_id,
                                             SessionSlot.round_id == Assignment.round_id)).where(
            SessionSlot.session_id == session_id)
    rows = db.session.execute(query).tuples().all()
    judge_ids = {judge_id for judge_id, _, _, _ in rows}
    judges = {
        j_id: JudgeProgress(j_id, name, unit)
        for j_id, name, unit in db.session.execute(
            select(Judge.id, User.display_name, Judge.unit).join(User, User.id == Judge.user_id)
            .where(Judge.id.in_(judge_ids))).tuples()
    }
    submitted = 0
    for judge_id, public_number, state, sheet_id in rows:
        progress = judges[judge_id]
        progress.expected += 1
        if state == SheetState.SUBMITTED:
            progress.submitted += 1
            submitted += 1
        elif state == SheetState.LATE:  # stored, but counts only once an organizer accepts it on the desk
            progress.late.append((public_number, sheet_id))
        else:
            progress.unscored.append(public_number)
    ordered = sorted(judges.values(), key=lambda p: (p.complete, p.name))
    return RoundProgress(expected=len(rows), submitted=submitted, judges=ordered)


@dataclass(frozen=True)
class ProgressPage:
    round: Round
    sessions: list[ContestSession]
    counties: list[County]
    reports: list[ReportLine]  # the judges' "反馈问题" not yet handled


def progress_page(round_id: int) -> ProgressPage:
    """Only what the progress filters need: the round, its sessions, the counties."""
    rnd = get_round(round_id)
    sessions = list(db.session.execute(select(ContestSession).where(ContestSession.round_id == round_id)
                                       .order_by(ContestSession.held_on, ContestSession.starts_at)).scalars())
    counties = list(db.session.execute(select(County).order_by(County.code)).scalars())
    return ProgressPage(rnd, sessions, counties, reports(round_id, rules.county_of(current_user), limit=10))


def progress_county(requested: int | None) -> int | None:
    """County organizers always see their own county's progress."""
    return rules.county_of(current_user) or requested or None
