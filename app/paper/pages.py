"""What the paper-entry pages show: rounds, judges and contestants to pick, work waiting, a mismatch."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import Select

from app import rules
from app.accounts.models import User
from app.contests.current import accepts_writes
from app.contests.models import Contest, Criterion, Round
from app.entries.models import Entry
from app.errors import NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import SHEET_VERSIONS, ScoreSheet, SheetState, SheetVersion
from app.panels.models import Assignment, ContestSession, SessionSlot
from app.panels.questions import absent_entry_ids
from app.paper.models import PaperSheet, PaperStage
from app.paper.services import LOCKED_STATES, WAITING, Sheet, Stage, differences, same_comment

STATE_LABELS = {s.value: s.label for s in PaperStage}


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class Row:
    """A contestant of the chosen judge, in running order, with the paper sheet's state."""

    entry_id: int
    public_number: str
    unit: str
    session: str
    position: int | None
    state: PaperStage
    mine: bool  # the user typed one of the entries waiting

    @property
    def state_label(self) -> str:
        return self.state.label


@dataclass(frozen=True)
class Waiting:
    """A paper sheet with one entry (or two that disagree) waiting for someone else."""

    round_id: int
    round: str
    judge_id: int
    judge: str
    entry_id: int
    public_number: str
    unit: str
    state: PaperStage
    clerks: str
    entered_at: datetime
    mine: bool

    @property
    def state_label(self) -> str:
        return self.state.label


def rounds_for(user: User) -> list[Choice]:
    """Rounds with panels (assignments) in the user's scope, newest contest first."""
    query = (select(Round, Contest).join(Contest, Contest.id == Round.contest_id)
             .where(Round.id.in_(rules.visible(
                 select(Assignment.round_id).join(Entry, Entry.id == Assignment.entry_id), Entry.county_id, user)))
             .order_by(Contest.year.desc(), Round.position))
    return [Choice(r.id, f"{contest.year}年 {r.name}" + ("" if accepts_writes(contest) else "（已结束，只能查看）"))
            for r, contest in db.session.execute(query).tuples()]


def judges_for(user: User, round_id: int) -> list[Choice]:
    """The judges assigned contestants of the user's scope in a round."""
    assigned = (select(Judge.id, User.display_name, Judge.unit).join(User, User.id == Judge.user_id)
                .join(Assignment, Assignment.judge_id == Judge.id).join(Entry, Entry.id == Assignment.entry_id)
                .where(Assignment.round_id == round_id))
    query = rules.visible(assigned, Entry.county_id, user).distinct().order_by(Judge.id)
    return [Choice(jid, f"{name}（{unit}）") for jid, name, unit in db.session.execute(query).tuples()]


def _latest(round_id: int, judge_id: int | None = None) -> Select:  # type: ignore[type-arg]
    query = (select(ScoreSheet.entry_id, ScoreSheet.judge_id, ScoreSheet.state,
                    func.coalesce(func.max(SheetVersion.number), 0).label("last"))
             .outerjoin(SheetVersion, SheetVersion.sheet_id == ScoreSheet.id)
             .where(ScoreSheet.round_id == round_id)
             .group_by(ScoreSheet.entry_id, ScoreSheet.judge_id, ScoreSheet.state))
    return query if judge_id is None else query.where(ScoreSheet.judge_id == judge_id)


def contestants(user: User, round_id: int, judge_id: int) -> list[Row]:
    """The judge's contestants in the round, in running order when the round has sessions."""
    rows = db.session.execute(rules.visible(
        select(Entry, SessionSlot.position, ContestSession.name, ContestSession.held_on, ContestSession.starts_at)
        .join(Assignment, Assignment.entry_id == Entry.id)
        .outerjoin(SessionSlot, and_(SessionSlot.entry_id == Entry.id, SessionSlot.round_id == round_id))
        .outerjoin(ContestSession, ContestSession.id == SessionSlot.session_id)
        .where(Assignment.round_id == round_id, Assignment.judge_id == judge_id), Entry.county_id, user)).tuples().all()
    sheets = {e: (state, last) for e, _, state, last in db.session.execute(_latest(round_id, judge_id)).tuples()}
    typed: dict[tuple[int, int], list[int]] = {}
    for entry_id, feeds, clerk in db.session.execute(select(
            PaperSheet.entry_id, PaperSheet.feeds_version, PaperSheet.clerk_id).where(
            PaperSheet.round_id == round_id, PaperSheet.judge_id == judge_id)).tuples():
        typed.setdefault((entry_id, feeds), []).append(clerk)
    absent = absent_entry_ids(round_id)
    result = []
    for entry, position, session, _, _ in sorted(rows, key=lambda r: (
            r[3] is None, r[3] or 0, r[4] or 0, r[1] is None, r[1] or 0, r[0].public_number)):
        state, last = sheets.get(entry.id, (SheetState.OPEN, 0))
        clerks = typed.get((entry.id, last + 1), [])
        current = PaperStage.COUNTED if state in LOCKED_STATES else WAITING[min(len(clerks), 2)]
        if entry.id in absent and not current.counted:  # a counted sheet of an absent contestant: the preview says
            current = PaperStage.ABSENT
        result.append(Row(entry.id, entry.public_number, entry.unit_name, session or "", position, current,
                          current != PaperStage.COUNTED and user.id in clerks))
    return result


def waiting(user: User) -> list[Waiting]:
    """Sheets with one entry waiting for a second typist, and mismatches waiting for a third person."""
    last = SHEET_VERSIONS.latest_numbers().subquery()
    query = rules.visible(
        select(PaperSheet, Entry, Round.name, User.display_name, Judge.user_id)
        .join(Entry, Entry.id == PaperSheet.entry_id).join(Round, Round.id == PaperSheet.round_id)
        .join(User, User.id == PaperSheet.clerk_id).join(Judge, Judge.id == PaperSheet.judge_id)
        .outerjoin(ScoreSheet, and_(ScoreSheet.round_id == PaperSheet.round_id,
                                    ScoreSheet.entry_id == PaperSheet.entry_id,
                                    ScoreSheet.judge_id == PaperSheet.judge_id))
        .outerjoin(last, last.c.sheet_id == ScoreSheet.id)
        .where(PaperSheet.feeds_version > func.coalesce(last.c.number, 0),
               or_(ScoreSheet.id.is_(None), ScoreSheet.state.not_in(LOCKED_STATES)))
        .order_by(PaperSheet.created_at, PaperSheet.id), Entry.county_id, user)
    grouped: dict[tuple[int, int, int, int], list[tuple[PaperSheet, Entry, str, str, int]]] = {}
    for row in db.session.execute(query).tuples():
        paper = row[0]
        grouped.setdefault((paper.round_id, paper.entry_id, paper.judge_id, paper.feeds_version), []).append(row)
    names = dict(db.session.execute(select(User.id, User.display_name).where(
        User.id.in_({r[4] for rows in grouped.values() for r in rows}))).tuples().all())
    items = []
    for rows in grouped.values():
        paper, entry, round_name, _, judge_user = rows[0]
        items.append(Waiting(
            round_id=paper.round_id, round=round_name, judge_id=paper.judge_id, judge=names.get(judge_user, ""),
            entry_id=entry.id, public_number=entry.public_number, unit=entry.unit_name,
            state=PaperStage.SECOND if len(rows) == 1 else PaperStage.MISMATCH, clerks="、".join(r[3] for r in rows),
            entered_at=rows[-1][0].created_at, mine=any(r[0].clerk_id == user.id for r in rows)))
    return items


@dataclass(frozen=True)
class Line:
    criterion: Criterion
    first: str
    second: str
    differs: bool


@dataclass(frozen=True)
class Mismatch:
    lines: list[Line]
    first_comment: str
    second_comment: str
    comment_differs: bool
    entries: list[PaperSheet]
    first_total: str
    second_total: str

    @property
    def first_differing(self) -> int | None:
        return next((line.criterion.id for line in self.lines if line.differs), None)


def mismatch(sheet: Sheet, stage: Stage) -> Mismatch:
    """Entry 1 and entry 2, criterion by criterion, with the differences marked."""
    first, second = stage.entries
    differing = set(differences(first.marks, second.marks))
    lines = [Line(c, first.marks.get(str(c.id), ""), second.marks.get(str(c.id), ""), c.id in differing)
             for c in sheet.round.criteria]
    return Mismatch(lines, first.comment, second.comment, not same_comment(first.comment, second.comment),
                    stage.entries, _total(first.marks), _total(second.marks))


def _total(marks: dict[str, str]) -> str:
    return f"{sum((Decimal(v) for v in marks.values()), Decimal(0)).normalize():f}"


def recent(user: User, limit: int = 50) -> list[tuple[PaperSheet, Entry, str, str]]:
    """The latest entries in scope, with round name and judge name, for organizers and supervisors."""
    query = select(PaperSheet, Entry, Round.name, User.display_name).join(Entry, Entry.id == PaperSheet.entry_id) \
        .join(Round, Round.id == PaperSheet.round_id).join(Judge, Judge.id == PaperSheet.judge_id) \
        .join(User, User.id == Judge.user_id).order_by(PaperSheet.id.desc()).limit(limit)
    query = rules.visible(query, Entry.county_id, user)
    return list(db.session.execute(query).tuples())


def find_entry(user: User, round_id: int, number: str) -> int:
    """The contestant with this public number in the round's contest (and the user's scope)."""
    rnd = db.session.get(Round, round_id)
    found = None
    if rnd is not None and number.strip():
        found = db.session.execute(rules.visible(select(Entry.id).where(
            Entry.contest_id == rnd.contest_id, Entry.public_number == number.strip().upper()),
            Entry.county_id, user)).scalar()
    if found is None:
        raise NotFoundError(f"本轮没有编号为“{number.strip()[:16]}”的参赛人（或不在您的范围内）")
    return int(found)
