"""Session use cases: create sessions, place contestants in them, draw or set the running order."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable, require_writable_round
from app.contests.models import Group
from app.entries.models import Entry, EntryHolder
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.panels import draw
from app.panels.models import ContestSession, SessionSlot
from app.panels.services import get_round
from app.timeutil import chinese_date, utcnow


@dataclass(frozen=True)
class SessionSpec:
    round_id: int
    group_id: int
    name: str
    held_on: date
    starts_at: time
    venue: str
    slot_minutes: int


@dataclass(frozen=True)
class RunningSlot:
    """One line of a running order as printed: place, time, contestant."""

    position: int | None
    starts: str
    public_number: str
    unit: str
    secretary: str
    county: str


def get_session(session_id: int) -> ContestSession:
    session = db.session.get(ContestSession, session_id)
    if session is None:
        raise NotFoundError("场次不存在")
    return session


def create_session(actor: User, spec: SessionSpec) -> ContestSession:
    rnd = get_round(spec.round_id)
    require_writable(rnd)
    group = db.session.get(Group, spec.group_id)
    if group is None or group.contest_id != rnd.contest_id:
        raise DomainError("所选组别不属于本比武")
    if not 1 <= spec.slot_minutes <= 240:
        raise DomainError("每位参赛人的时长须在 1–240 分钟之间")
    session = ContestSession(round_id=rnd.id, group_id=group.id, name=spec.name.strip(), held_on=spec.held_on,
                             starts_at=spec.starts_at, venue=spec.venue.strip(), slot_minutes=spec.slot_minutes)
    db.session.add(session)
    db.session.flush()
    audit.record("session_created", "session", session.id,
                 after={"round_id": rnd.id, "group_id": group.id, "name": session.name,
                        "held_on": spec.held_on.isoformat(), "starts_at": spec.starts_at.strftime("%H:%M"),
                        "venue": session.venue, "slot_minutes": spec.slot_minutes})
    db.session.commit()
    return session


def unplaced_entries(round_id: int, group_id: int) -> list[Entry]:
    placed = select(SessionSlot.entry_id).where(SessionSlot.round_id == round_id)
    return list(db.session.execute(
        select(Entry).where(Entry.group_id == group_id, Entry.active, Entry.id.not_in(placed))
        .order_by(Entry.public_number)).scalars())


def distribute(actor: User, round_id: int, group_id: int) -> int:
    """Split the group's contestants not yet in a session evenly over the round's sessions of the group."""
    require_writable_round(round_id)
    sessions = list(db.session.execute(select(ContestSession).where(
        ContestSession.round_id == round_id, ContestSession.group_id == group_id).order_by(
        ContestSession.held_on, ContestSession.starts_at, ContestSession.id)).scalars())
    if not sessions:
        raise DomainError("请先为该组别创建场次")
    entries = unplaced_entries(round_id, group_id)
    if not entries:
        raise DomainError("该组别的参赛人都已安排场次")
    per, extra = divmod(len(entries), len(sessions))
    cursor = 0
    placed: dict[str, list[str]] = {}
    for index, session in enumerate(sessions):
        take = entries[cursor: cursor + per + (1 if index < extra else 0)]
        cursor += len(take)
        for entry in take:
            db.session.add(SessionSlot(session_id=session.id, round_id=round_id, entry_id=entry.id))
        placed[str(session.id)] = [e.public_number for e in take]
        session.order_seed = None  # a new line-up needs a new draw
    audit.record("sessions_filled", "round", round_id, after=placed)
    db.session.commit()
    return len(entries)


def draw_running_order(actor: User, session_id: int) -> list[int]:
    """Draw the running order (抽签) with a recorded seed; reproducible from the audit log."""
    session = get_session(session_id)
    require_writable_round(session.round_id)
    if not session.slots:
        raise DomainError("该场次还没有参赛人")
    seed = secrets.token_hex(8)
    entry_ids = [slot.entry_id for slot in session.slots]
    order = draw.draw_order(seed, entry_ids)
    _apply_order(session, order)
    session.order_seed, session.order_drawn_at = seed, utcnow()
    audit.record("running_order_drawn", "session", session.id,
                 after={"seed": seed, "entries": sorted(entry_ids), "order": order})
    db.session.commit()
    return order


def set_running_order(actor: User, session_id: int, entry_ids: Sequence[int]) -> None:
    """Set the running order by hand: exactly the session's contestants, each once."""
    session = get_session(session_id)
    require_writable_round(session.round_id)
    current = sorted(slot.entry_id for slot in session.slots)
    if sorted(entry_ids) != current:
        raise DomainError("出场顺序必须恰好包含本场次的全部参赛人，且每人一次")
    before = [s.entry_id for s in sorted(session.slots, key=lambda s: (s.position or 0, s.id))]
    _apply_order(session, list(entry_ids))
    session.order_seed, session.order_drawn_at = None, utcnow()
    audit.record("running_order_set", "session", session.id, before={"order": before},
                 after={"order": list(entry_ids)})
    db.session.commit()


def _apply_order(session: ContestSession, order: Sequence[int]) -> None:
    position = {entry_id: i for i, entry_id in enumerate(order, start=1)}
    for slot in session.slots:
        slot.position = position[slot.entry_id]


def reproduce_order(session_id: int) -> bool:
    """Does the recorded seed give the stored running order again?"""
    session = get_session(session_id)
    if session.order_seed is None:
        raise DomainError("该场次的出场顺序不是抽签产生的")
    stored = [s.entry_id for s in sorted(session.slots, key=lambda s: s.position or 0)]
    return draw.draw_order(session.order_seed, [s.entry_id for s in session.slots]) == stored


def running_order(session: ContestSession) -> list[RunningSlot]:
    """The printed running order with time slots; before a draw, in public-number order without times."""
    slots = sorted(session.slots, key=lambda s: (s.position is None, s.position or 0, s.entry.public_number))
    start = datetime.combine(session.held_on, session.starts_at)
    holders = _current_holders([s.entry_id for s in slots])
    lines = []
    for slot in slots:
        begins = start + timedelta(minutes=session.slot_minutes * ((slot.position or 1) - 1))
        lines.append(RunningSlot(
            position=slot.position, starts=begins.strftime("%H:%M") if slot.position else "",
            public_number=slot.entry.public_number, unit=slot.entry.unit_name,
            secretary=holders.get(slot.entry_id, ""), county=slot.entry.county.name))
    return lines


def _current_holders(entry_ids: Sequence[int]) -> dict[int, str]:
    rows = db.session.execute(select(EntryHolder.entry_id, User.display_name).join(User).where(
        EntryHolder.entry_id.in_(entry_ids), EntryHolder.ended_on.is_(None))).tuples().all()
    return dict(rows)


def session_counts(round_id: int) -> dict[int, int]:
    rows = db.session.execute(select(SessionSlot.session_id, func.count()).where(
        SessionSlot.round_id == round_id).group_by(SessionSlot.session_id)).tuples().all()
    return dict(rows)


@dataclass(frozen=True)
class MySlot:
    """What a secretary sees of their place in a session."""

    entry_id: int
    round: str
    session: str
    venue: str
    day: str
    starts: str
    position: int | None
    of: int


def slots_of_entries(entry_ids: Sequence[int]) -> list[MySlot]:
    """Each entry's sessions: round, session, place, day, time slot and place in the running order."""
    rows = db.session.execute(select(SessionSlot).where(SessionSlot.entry_id.in_(entry_ids))).scalars().all()
    result = []
    for slot in rows:
        session = slot.session
        begins = datetime.combine(session.held_on, session.starts_at) + timedelta(
            minutes=session.slot_minutes * ((slot.position or 1) - 1))
        result.append(MySlot(
            entry_id=slot.entry_id, round=session.round.name, session=session.name, venue=session.venue,
            day=chinese_date(session.held_on),
            starts=begins.strftime("%H:%M") if slot.position else "", position=slot.position,
            of=len(session.slots)))
    return sorted(result, key=lambda s: (s.day, s.starts))
