"""An absence of a contestant from a round; a withdrawal keeps the row, so the history stays."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.contests.models import Round
from app.entries.models import Entry
from app.extensions import db
from app.timeutil import utcnow

REASON_LIMIT = 200


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
    reason: Mapped[str] = mapped_column(String(REASON_LIMIT))
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
