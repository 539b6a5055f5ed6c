"""Organizers open and close scoring for a round, a session or one contestant (is it open: panels/questions)."""

from enum import nonmember

from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable_round
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.panels.models import ScoringWindow
from app.states import State
from app.timeutil import utcnow


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
