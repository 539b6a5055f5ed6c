"""Score sheets: one per judge, contestant and round; every confirmed version kept, never overwritten."""

from datetime import datetime
from decimal import Decimal
from enum import nonmember
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.extensions import db
from app.states import State, StateColumn
from app.timeutil import utcnow
from app.versioning import History

POINTS = Numeric(12, 4)
REASON_TEXT = 500  # a version's reason holds both the judge's request and the organizer's reopen reason


class SheetState(State):
    """Where a sheet stands: a confirmed version locks it (submitted; late until an organizer accepts it) until
    an organizer reopens it for the next version."""

    OPEN = "open"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REOPENED = "reopened"
    LATE = "late"
    noun = nonmember("评分表")
    labels = nonmember({OPEN: "未评", DRAFT: "草稿", SUBMITTED: "已提交", REOPENED: "待更正", LATE: "迟交待审"})
    transitions = nonmember({OPEN: (DRAFT, SUBMITTED, LATE), DRAFT: (SUBMITTED, LATE), SUBMITTED: (REOPENED,),
                             REOPENED: (SUBMITTED, LATE), LATE: (SUBMITTED,)})

    @property
    def locked(self) -> bool:
        """A confirmed version holds: no draft, no new version until reopened."""
        return self in (SheetState.SUBMITTED, SheetState.LATE)


class ScoreSheet(db.Model):  # type: ignore[name-defined,misc]
    """The sheet (评分表) of one judge for one contestant in one round; its versions hold the marks."""

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("round_id", "entry_id", "judge_id", name="uq_sheet_round_entry_judge"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"), index=True)
    state: Mapped[SheetState] = mapped_column(StateColumn(SheetState), default=SheetState.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A draft is the judge's work in progress, not a mark: it is replaced freely until confirmed.
    draft: Mapped[Any] = mapped_column(JSON, nullable=True)
    correction_requested_at: Mapped[datetime | None] = mapped_column()
    # While a correction is asked: the judge's reason. Once reopened: the reason the next version carries
    # (评委申请：…；组织者重新开放：…); each part, with who and when, is kept in SheetReopening.
    correction_reason: Mapped[str] = mapped_column(String(REASON_TEXT), default="", server_default="")
    # The number of the version the judge was asked to look again at (deviation prompt): asked once per version.
    deviation_prompted: Mapped[int | None] = mapped_column()

    versions: Mapped[list["SheetVersion"]] = relationship(
        back_populates="sheet", order_by="SheetVersion.number", cascade="all, delete-orphan"
    )

    @validates("state")
    def _as_state(self, _key: str, value: str) -> SheetState:
        """A state set as its stored string is held as the member, as one read from the database is."""
        return SheetState(value)


class SheetVersion(db.Model):  # type: ignore[name-defined,misc]
    """One confirmed submission of a sheet; results use the latest counted version."""

    __tablename__ = "sheet_version"
    __table_args__ = (UniqueConstraint("sheet_id", "number", name="uq_sheet_version_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id"), index=True)
    number: Mapped[int] = mapped_column()
    # The client's idempotency token: a retry or double tap stores one version, not two.
    client_token: Mapped[str] = mapped_column(String(64), unique=True)
    total: Mapped[Decimal] = mapped_column(POINTS)
    comment: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="phone")  # phone | paper | offline
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    deviation_flag: Mapped[bool] = mapped_column(default=False)
    late: Mapped[bool] = mapped_column(default=False)
    counted: Mapped[bool] = mapped_column(default=True)  # a late sheet counts once an organizer accepts it
    reason: Mapped[str] = mapped_column(String(REASON_TEXT), default="")  # why this version replaced the last
    # The phone's claimed time of an offline confirmation (UTC), checked against the scoring windows on arrival.
    confirmed_offline_at: Mapped[datetime | None] = mapped_column()

    sheet: Mapped[ScoreSheet] = relationship(back_populates="versions")
    marks: Mapped[list["Mark"]] = relationship(back_populates="version", cascade="all, delete-orphan")


SHEET_VERSIONS = History(SheetVersion, SheetVersion.number, (SheetVersion.sheet_id,))


class SheetReopening(db.Model):  # type: ignore[name-defined,misc]
    """An organizer reopened a submitted sheet: the judge's request (if any) and the organizer's reason, both kept."""

    __tablename__ = "sheet_reopening"
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id"), index=True)
    version_number: Mapped[int] = mapped_column()  # the version reopened; the next one replaces it
    requested_at: Mapped[datetime | None] = mapped_column()
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    request_reason: Mapped[str] = mapped_column(String(200), default="")
    reopened_at: Mapped[datetime] = mapped_column(default=utcnow)
    reopened_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(200))


class Mark(db.Model):  # type: ignore[name-defined,misc]
    """One criterion's points on one sheet version."""

    __tablename__ = "mark"
    __table_args__ = (UniqueConstraint("version_id", "criterion_id", name="uq_mark_version_criterion"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("sheet_version.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    value: Mapped[Decimal] = mapped_column(POINTS)

    version: Mapped[SheetVersion] = relationship(back_populates="marks")


class DeskReport(db.Model):  # type: ignore[name-defined,misc]
    """A judge's "反馈问题" to the organizers' desk (wrong contestant on stage, a sheet that will not submit)."""

    __tablename__ = "desk_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("contest_round.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"))
    message: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
