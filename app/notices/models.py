"""A public notice (公示) of one published result version, and the objections filed against it."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.notices.states import NoticeState, ObjectionState
from app.timeutil import utcnow

ISSUING_BODY = "中共阳泉市委组织部"
DEFAULT_PERIOD_DAYS = 5


# A notice's phase as staff, secretaries and the public read it (services.phase_of: "ended" is an open notice
# whose period is over, waiting for the organizer to finalize it).
PHASE_LABELS = {"open": "公示中", "ended": "公示期已满，待终结", "finalized": "已终结", "superseded": "已被新版本取代"}
PHASE_BADGES = {"open": "danger", "ended": "warning", "finalized": "success", "superseded": "secondary"}


def lines_of(text: str | None) -> list[str]:
    """Contact text line by line, so templates print it with its line breaks and still escaped."""
    return [line for line in (text or "").splitlines() if line.strip()]


class Notice(db.Model):  # type: ignore[name-defined,misc]
    """The 公示 of a result version: N working days, then finalized unless superseded by a correction."""

    __tablename__ = "notice"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("result_version.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    period_days: Mapped[int] = mapped_column(default=5)
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    fallback_calendar: Mapped[bool] = mapped_column(default=False)
    issuing_body: Mapped[str] = mapped_column(String(100), default=ISSUING_BODY)
    contact: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | ended | finalized | superseded
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Public number -> the secretary's name as published, so a later 换届 never changes this notice.
    # NULL only for notices started before names were frozen: those show the current holders.
    names: Mapped[Any] = mapped_column(JSON, nullable=True, deferred=True)

    objections: Mapped[list["Objection"]] = relationship(back_populates="notice", order_by="Objection.id")

    @property
    def contact_lines(self) -> list[str]:
        return lines_of(self.contact)

    @property
    def is_open(self) -> bool:
        """Stored as open (its period may be over: services.phase_of says `ended` then)."""
        return self.state == NoticeState.OPEN

    @property
    def is_finalized(self) -> bool:
        return self.state == NoticeState.FINALIZED


class NoticeSettings(db.Model):  # type: ignore[name-defined,misc]
    """A contest's 公示 settings, copied into each notice when a version is published; no row means defaults."""

    __tablename__ = "notice_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), unique=True)
    period_days: Mapped[int] = mapped_column(default=DEFAULT_PERIOD_DAYS)
    contact: Mapped[str] = mapped_column(String(300), default="")
    issuing_body: Mapped[str] = mapped_column(String(100), default=ISSUING_BODY)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def contact_lines(self) -> list[str]:
        return lines_of(self.contact)


class Objection(db.Model):  # type: ignore[name-defined,misc]
    """An objection to a notice, filed on the web or entered by staff; reviewed (复核) with an answer."""

    __tablename__ = "objection"
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    receipt: Mapped[str] = mapped_column(String(16), unique=True)
    channel: Mapped[str] = mapped_column(String(8), default="web")  # web | phone | letter | visit
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))
    public_number: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | maintained | corrected
    answer: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handled_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="objections")

    @property
    def awaiting_review(self) -> bool:
        return self.state == ObjectionState.OPEN

    @property
    def is_corrected(self) -> bool:
        return self.state == ObjectionState.CORRECTED
