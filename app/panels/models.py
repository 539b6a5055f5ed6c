"""Sessions (场次), panels of judges, recusals (回避), assignments, absences (缺席) and scoring windows."""

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.contests.models import Group, Round
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.places.models import County
from app.timeutil import utcnow

ABSENCE_REASON_LIMIT = 200


class ContestSession(db.Model):  # type: ignore[name-defined,misc]
    """One live event of a round: date, time, venue, a group's contestants in running order."""

    __tablename__ = "contest_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("contest_group.id"))
    name: Mapped[str] = mapped_column(String(64))
    held_on: Mapped[date] = mapped_column()
    starts_at: Mapped[time] = mapped_column()
    venue: Mapped[str] = mapped_column(String(120), default="")
    slot_minutes: Mapped[int] = mapped_column(default=8)
    order_seed: Mapped[str | None] = mapped_column(String(32))
    order_drawn_at: Mapped[datetime | None] = mapped_column()

    round: Mapped[Round] = relationship()
    group: Mapped[Group] = relationship()
    slots: Mapped[list["SessionSlot"]] = relationship(
        back_populates="session", order_by="SessionSlot.position", cascade="all, delete-orphan"
    )


class SessionSlot(db.Model):  # type: ignore[name-defined,misc]
    """A contestant's place in a session; position is the running order (None until drawn or set)."""

    __tablename__ = "session_slot"
    __table_args__ = (UniqueConstraint("round_id", "entry_id", name="uq_session_slot_round_entry"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("contest_session.id"), index=True)
    # The round is repeated here so the database itself keeps an entry in one session per round.
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    position: Mapped[int | None] = mapped_column()

    session: Mapped[ContestSession] = relationship(back_populates="slots")
    entry: Mapped[Entry] = relationship()


class Panel(db.Model):  # type: ignore[name-defined,misc]
    """Judges who score a round's group: all of it, one session, or one county (a visiting team)."""

    __tablename__ = "panel"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("contest_group.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("contest_session.id"))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"))
    name: Mapped[str] = mapped_column(String(64))
    recusal_scope: Mapped[str] = mapped_column(String(16), default="county")  # county | township
    method: Mapped[str] = mapped_column(String(8), default="manual")  # manual | draw
    seed: Mapped[str | None] = mapped_column(String(32))
    draw_inputs: Mapped[Any] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    group: Mapped[Group] = relationship()
    session: Mapped[ContestSession | None] = relationship()
    county: Mapped[County | None] = relationship()
    members: Mapped[list["PanelMember"]] = relationship(
        back_populates="panel", order_by="PanelMember.seat", cascade="all, delete-orphan"
    )


class PanelMember(db.Model):  # type: ignore[name-defined,misc]
    """A judge's seat on a panel (评委1…N on the big screen)."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "judge_id", name="uq_panel_member_judge"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"), index=True)
    seat: Mapped[int] = mapped_column()

    panel: Mapped[Panel] = relationship(back_populates="members")
    judge: Mapped[Judge] = relationship()


class Recusal(db.Model):  # type: ignore[name-defined,misc]
    """A judge who must not score a contestant in a round: automatic (home place) or by hand."""

    __tablename__ = "recusal"
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "entry_id", name="uq_recusal_round_judge_entry"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"))
    reason: Mapped[str] = mapped_column(String(200))
    automatic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    judge: Mapped[Judge] = relationship()
    entry: Mapped[Entry] = relationship()


class Assignment(db.Model):  # type: ignore[name-defined,misc]
    """Judge × contestant × round to be scored: panel members times covered entries minus recusals."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "entry_id", name="uq_assignment_round_judge_entry"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)

    judge: Mapped[Judge] = relationship()
    entry: Mapped[Entry] = relationship()


class RoundAbsence(db.Model):  # type: ignore[name-defined,misc]
    """缺席登记: while in effect the contestant is absent from the round (SCORING.md: no marks)."""

    __tablename__ = "round_absence"
    # in_effect is True while the absence holds and NULL once withdrawn: a unique constraint never sees two
    # NULLs as equal (SQLite, PostgreSQL, MariaDB alike), so one absence is in effect per round and contestant
    # while any number of withdrawn ones stay as history. A partial index would not work on MariaDB.
    __table_args__ = (UniqueConstraint("round_id", "entry_id", "in_effect", name="uq_round_absence_in_effect"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    reason: Mapped[str] = mapped_column(String(ABSENCE_REASON_LIMIT))
    # Withdrawing sets it to NULL by UPDATE; a new row given None would get the default True instead.
    in_effect: Mapped[bool | None] = mapped_column(default=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column()

    round: Mapped[Round] = relationship()
    entry: Mapped[Entry] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])


class ScoringWindow(db.Model):  # type: ignore[name-defined,misc]
    """Scoring opened by an organizer for a round, one session, or one contestant (on stage)."""

    __tablename__ = "scoring_window"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("contest_session.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
