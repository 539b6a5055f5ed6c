"""Paper score sheets typed twice by different clerks, and the reconciliation of a mismatch."""

from datetime import datetime
from enum import nonmember
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.states import State
from app.timeutil import utcnow


class PaperStage(State):
    """Where a paper sheet stands, derived from its entries (services.stage_of), never stored: a first entry,
    then a second one that agrees (counted) or not (mismatch, until a third person reconciles it); reopened,
    a counted sheet takes a first entry again for its next version. `absent` is shown instead while the
    contestant is recorded absent (nothing can be typed): no move leads to it."""

    FIRST = "first"
    SECOND = "second"
    MISMATCH = "mismatch"
    COUNTED = "counted"
    ABSENT = "absent"

    noun = nonmember("纸质评分表")
    labels = nonmember({ABSENT: "已登记缺席", FIRST: "待录入第1遍", SECOND: "待录入第2遍", MISMATCH: "不一致·待核对",
                        COUNTED: "已计分"})
    transitions = nonmember({FIRST: (SECOND,), SECOND: (COUNTED, MISMATCH), MISMATCH: (COUNTED,), COUNTED: (FIRST,)})

    @property
    def counted(self) -> bool:
        return self is PaperStage.COUNTED

    @property
    def mismatched(self) -> bool:
        return self is PaperStage.MISMATCH

    @property
    def waits_second(self) -> bool:
        return self is PaperStage.SECOND

    @property
    def settled(self) -> bool:
        """Nothing to type: counted, or the contestant recorded absent."""
        return self in (PaperStage.COUNTED, PaperStage.ABSENT)

    @property
    def attempt(self) -> int:
        """The entry to type next while the sheet waits for one (1 or 2)."""
        return 1 if self is PaperStage.FIRST else 2


class PaperSheet(db.Model):  # type: ignore[name-defined,misc]
    """One clerk's typing of one paper sheet (judge × contestant × round), never changed afterwards.

    `feeds_version` is the sheet version the pair of entries will create: 1 at first, the next number
    after an organizer reopens the sheet. The database refuses a third entry and a clerk's second one."""

    __tablename__ = "paper_entry"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id", "judge_id", "feeds_version", "attempt", name="uq_paper_entry_attempt"),
        UniqueConstraint("round_id", "entry_id", "judge_id", "feeds_version", "clerk_id", name="uq_paper_entry_clerk"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"), index=True)
    feeds_version: Mapped[int] = mapped_column(Integer, default=1)
    attempt: Mapped[int] = mapped_column(Integer)  # 1 or 2
    clerk_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    marks: Mapped[Any] = mapped_column(JSON)  # {"<criterion id>": "decimal text"}
    comment: Mapped[str] = mapped_column(Text, default="")
    # The scan of the signed paper sheet: a path relative to the upload folder, outside static/.
    scan_path: Mapped[str | None] = mapped_column(String(80))
    scan_mime: Mapped[str | None] = mapped_column(String(32))
    scan_size: Mapped[int | None] = mapped_column(Integer)
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    clerk: Mapped[User] = relationship()


class Reconciliation(db.Model):  # type: ignore[name-defined,misc]
    """A third person's reading of a paper sheet whose two entries disagree, with the reason."""

    __tablename__ = "paper_reconciliation"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id", "judge_id", "feeds_version", name="uq_paper_reconciliation_sheet"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"), index=True)
    feeds_version: Mapped[int] = mapped_column(Integer)
    reconciler_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(200))
    marks: Mapped[Any] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int] = mapped_column(ForeignKey("sheet_version.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reconciler: Mapped[User] = relationship()
