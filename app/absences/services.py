"""Recording and withdrawing absences (缺席登记), and the questions other capabilities ask about them."""

from dataclasses import dataclass
from enum import nonmember
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import rules
from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable, require_writable_round
from app.contests.models import Contest, Round
from app.contests.rounds import get_round
from app.contests.services import ABSENT_ROUND
from app.entries.models import Entry
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.judging.models import ScoreSheet, SheetVersion
from app.panels.models import ABSENCE_REASON_LIMIT, RoundAbsence
from app.panels.questions import is_absent
from app.paper.models import PaperSheet
from app.places.models import County, Township, Village
from app.states import State
from app.timeutil import utcnow

HAS_SHEETS = "该参赛人本轮已有评分，不能登记缺席"
HAS_LATE_SHEETS = "该参赛人本轮有迟交评分表待审核，不能登记缺席"
HAS_PAPER_ENTRIES = "该参赛人本轮有纸质评分表已录入，不能登记缺席"
ALREADY_ABSENT = "该参赛人本轮已登记缺席"
NO_SUCH_ENTRY = "本比武没有这个编号的参赛人"




def absence_fields(absence: RoundAbsence) -> dict[str, Any]:
    return {"round": absence.round_id, "entry": absence.entry_id, "public_number": absence.entry.public_number,
            "reason": absence.reason, "in_effect": bool(absence.in_effect)}


def _entry_by_number(actor: User, rnd: Round, public_number: str) -> Entry:
    """The round's active contestant by public number; another county's is unknown to a county organizer."""
    # Public numbers are stored upper case: a number typed as v001 on a phone is V001 (and the index is used).
    entry = db.session.execute(select(Entry).where(
        Entry.contest_id == rnd.contest_id, Entry.public_number == public_number.strip().upper())
    ).scalar_one_or_none()
    if entry is None or not entry.active or not rules.may_see(actor, entry.county_id):
        raise NotFoundError(NO_SUCH_ENTRY)
    return entry


def _refuse_if_scored(round_id: int, entry_id: int) -> None:
    """A contestant a judge has already scored was there: their sheets decide, not an absence."""
    counted = set(db.session.execute(select(SheetVersion.counted).join(ScoreSheet).where(
        ScoreSheet.round_id == round_id, ScoreSheet.entry_id == entry_id).distinct()).scalars())
    if True in counted:
        raise DomainError(HAS_SHEETS)
    if counted:  # only late versions, which an organizer may still accept
        raise DomainError(HAS_LATE_SHEETS)
    # A paper sheet typed once is a judge's score on its way in: the contestant was there.
    if db.session.execute(select(PaperSheet.id).where(
            PaperSheet.round_id == round_id, PaperSheet.entry_id == entry_id).limit(1)).first() is not None:
        raise DomainError(HAS_PAPER_ENTRIES)


def record_absence(actor: User, round_id: int, public_number: str, reason: str) -> RoundAbsence:
    """Record that a contestant stays away from a round; allowed after publication too (a correction)."""
    rnd = get_round(round_id)
    require_writable(rnd)
    entry = _entry_by_number(actor, rnd, public_number)
    reason = reason.strip()
    if not reason:
        raise DomainError("请填写缺席原因")
    if len(reason) > ABSENCE_REASON_LIMIT:
        raise DomainError(f"缺席原因不能超过 {ABSENCE_REASON_LIMIT} 字")
    if is_absent(rnd.id, entry.id):
        raise DomainError(ALREADY_ABSENT)
    _refuse_if_scored(rnd.id, entry.id)
    absence = RoundAbsence(round_id=rnd.id, entry=entry, reason=reason, recorded_by_id=actor.id)
    db.session.add(absence)
    try:
        db.session.flush()
    except IntegrityError:  # another organizer recorded the same absence a moment ago
        db.session.rollback()
        raise DomainError(ALREADY_ABSENT) from None
    audit.record("absence_recorded", "round_absence", absence.id, after=absence_fields(absence))
    db.session.commit()
    return absence


class AbsenceState(State):
    """An absence holds until withdrawn; the withdrawn row stays as history (in_effect NULL, see the model)."""

    IN_EFFECT = "in_effect"
    WITHDRAWN = "withdrawn"
    noun = nonmember("缺席登记")
    labels = nonmember({IN_EFFECT: "有效", WITHDRAWN: "已撤销"})
    transitions = nonmember({IN_EFFECT: (WITHDRAWN,)})

    @classmethod
    def of(cls, absence: RoundAbsence) -> "AbsenceState":
        return cls.IN_EFFECT if absence.in_effect else cls.WITHDRAWN


def withdraw_absence(actor: User, absence_id: int) -> RoundAbsence:
    """Withdraw an absence: the row stays as history, and the contestant's sheets are expected again."""
    absence = db.session.get(RoundAbsence, absence_id)
    if absence is None or not rules.may_see(actor, absence.entry.county_id):
        raise NotFoundError("缺席登记不存在")
    require_writable_round(absence.round_id)
    AbsenceState.check_transition(AbsenceState.of(absence), AbsenceState.WITHDRAWN, refused="该缺席登记已撤销")
    before = absence_fields(absence)
    absence.in_effect = None  # NULL, not False: see the unique constraint on the model
    absence.withdrawn_at, absence.withdrawn_by_id = utcnow(), actor.id
    audit.record("absence_withdrawn", "round_absence", absence.id, before=before, after=absence_fields(absence))
    db.session.commit()
    return absence


@dataclass(frozen=True)
class Choice:
    public_number: str
    unit: str


@dataclass(frozen=True)
class RoundAbsences:
    round: Round
    current: list[RoundAbsence]
    withdrawn: list[RoundAbsence]
    choices: list[Choice]  # the actor's contestants who may still be recorded absent
    rule: str  # the contest's absent_round, in words


def round_absences(actor: User, round_id: int) -> RoundAbsences:
    """A round's absences in the actor's scope, newest first, and the contestants to choose from."""
    rnd = get_round(round_id)
    query = (select(RoundAbsence).join(Entry, Entry.id == RoundAbsence.entry_id)
             .where(RoundAbsence.round_id == rnd.id)
             .options(selectinload(RoundAbsence.entry).selectinload(Entry.county),
                      selectinload(RoundAbsence.entry).selectinload(Entry.township),
                      selectinload(RoundAbsence.entry).selectinload(Entry.village),
                      selectinload(RoundAbsence.recorded_by), selectinload(RoundAbsence.withdrawn_by))
             .order_by(RoundAbsence.id.desc()))
    query = rules.visible(query, Entry.county_id, actor)
    rows = list(db.session.execute(query).scalars())
    current = [a for a in rows if a.in_effect]
    absent = {a.entry_id for a in current}
    # Plain rows, not ORM entries: a city contest has 651 contestants and only names are needed.
    entries = (select(Entry.id, Entry.public_number, County.name, Township.name, Village.name)
               .join(County, County.id == Entry.county_id).join(Township, Township.id == Entry.township_id)
               .outerjoin(Village, Village.id == Entry.village_id)
               .where(Entry.contest_id == rnd.contest_id, Entry.active).order_by(Entry.public_number))
    entries = rules.visible(entries, Entry.county_id, actor)
    choices = [Choice(number, county + township + (village or ""))
               for eid, number, county, township, village in db.session.execute(entries).tuples()
               if eid not in absent]
    return RoundAbsences(rnd, current, [a for a in rows if not a.in_effect], choices,
                         ABSENT_ROUND.get(rnd.contest.absent_round, rnd.contest.absent_round))


def contests(actor: User) -> tuple[list[Contest], dict[int, int]]:
    """Contests with their rounds, newest first, and the absences in effect per round in the actor's scope."""
    found = list(db.session.execute(select(Contest).options(selectinload(Contest.rounds))
                                    .order_by(Contest.year.desc(), Contest.id.desc())).scalars())
    query = (select(RoundAbsence.round_id, func.count()).join(Entry, Entry.id == RoundAbsence.entry_id)
             .where(RoundAbsence.in_effect.is_(True)).group_by(RoundAbsence.round_id))
    query = rules.visible(query, Entry.county_id, actor)
    return found, {round_id: count for round_id, count in db.session.execute(query).tuples()}
