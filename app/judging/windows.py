"""Scoring windows: organizers open and close scoring for a round, a session or one contestant."""

from datetime import datetime, timedelta
from enum import nonmember

from sqlalchemy import ColumnElement, or_, select

from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable_round
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.judging.models import ScoringWindow
from app.panels.models import SessionSlot
from app.states import State
from app.timeutil import utcnow


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


def on_stage(round_id: int) -> set[int]:
    """Entries with a window of their own open: the contestant now on stage."""
    rows = db.session.execute(select(ScoringWindow.entry_id).where(
        ScoringWindow.round_id == round_id, ScoringWindow.closed_at.is_(None),
        ScoringWindow.entry_id.is_not(None))).scalars()
    return {entry_id for entry_id in rows if entry_id is not None}


def open_window(actor: User, round_id: int, session_id: int | None = None, entry_id: int | None = None
                ) -> ScoringWindow:
    require_writable_round(round_id)
    existing = db.session.execute(select(ScoringWindow).where(
        ScoringWindow.round_id == round_id, ScoringWindow.closed_at.is_(None),
        ScoringWindow.session_id.is_(session_id) if session_id is None else ScoringWindow.session_id == session_id,
        ScoringWindow.entry_id.is_(entry_id) if entry_id is None else ScoringWindow.entry_id == entry_id,
    )).scalar_one_or_none()
    if existing is not None:
        raise DomainError("评分已开放，无需重复开放")
    window = ScoringWindow(round_id=round_id, session_id=session_id, entry_id=entry_id, opened_by_id=actor.id)
    db.session.add(window)
    db.session.flush()
    audit.record("scoring_opened", "scoring_window", window.id,
                 after={"round_id": round_id, "session_id": session_id, "entry_id": entry_id})
    db.session.commit()
    return window


class WindowState(State):
    """A scoring window is open until closed; scoring again opens a new window, so every opening is kept."""

    OPEN = "open"
    CLOSED = "closed"
    noun = nonmember("评分窗口")
    labels = nonmember({OPEN: "开放中", CLOSED: "已关闭"})
    transitions = nonmember({OPEN: (CLOSED,)})

    @classmethod
    def of(cls, window: ScoringWindow) -> "WindowState":
        return cls.OPEN if window.closed_at is None else cls.CLOSED


def close_window(actor: User, window_id: int) -> ScoringWindow:
    window = db.session.get(ScoringWindow, window_id)
    if window is None:
        raise NotFoundError("评分窗口不存在")
    require_writable_round(window.round_id)
    WindowState.check_transition(WindowState.of(window), WindowState.CLOSED, refused="评分已关闭")
    window.closed_at, window.closed_by_id = utcnow(), actor.id
    audit.record("scoring_closed", "scoring_window", window.id,
                 after={"round_id": window.round_id, "session_id": window.session_id, "entry_id": window.entry_id})
    db.session.commit()
    return window
