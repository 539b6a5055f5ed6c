"""The published-version record (any kind: a round's or year's result, later a fund allocation) and its sign-off."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.publication.states import PublicationState
from app.timeutil import utcnow

RECOMPUTE = "recompute"  # SCORING.md's package kinds: a round's or the year's result
ALLOCATE = "allocate"  # a fund allocation
KINDS = (RECOMPUTE, ALLOCATE)


class SignOff(db.Model):  # type: ignore[name-defined,misc]
    """A supervisor's sign-off of exactly one computed package, named by its hash."""

    __tablename__ = "result_signoff"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    scope: Mapped[str] = mapped_column(String(32))
    package_hash: Mapped[str] = mapped_column(String(64))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(300), default="")

    supervisor: Mapped[User] = relationship()


class Publication(db.Model):  # type: ignore[name-defined,misc]
    """Version N of a published package in one scope: stored as published and never changed afterwards.

    The 公示 (app.notices), and later certificates and fund allocations, hang from it. Only
    app.publication.services writes it."""

    __tablename__ = "result_version"
    __table_args__ = (UniqueConstraint("contest_id", "scope", "number", name="uq_result_version_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), server_default=RECOMPUTE)  # one of KINDS
    scope: Mapped[str] = mapped_column(String(32))  # a result scope's key (app.result_scope), for recompute
    number: Mapped[int] = mapped_column()
    # Deferred: a year's package is ~10 MB of JSON, read only when it is downloaded or shown.
    package: Mapped[Any] = mapped_column(JSON, deferred=True)
    package_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signoff_id: Mapped[int] = mapped_column(ForeignKey("result_signoff.id"))
    causes: Mapped[Any] = mapped_column(JSON, nullable=True)
    notice_starts_on: Mapped[date | None] = mapped_column()
    notice_ends_on: Mapped[date | None] = mapped_column()
    finalized_at: Mapped[datetime | None] = mapped_column()
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    published_by: Mapped[User] = relationship(foreign_keys=[published_by_id])
    signoff: Mapped[SignOff] = relationship()

    @property
    def state(self) -> PublicationState:
        return PublicationState.PUBLISHED if self.finalized_at is None else PublicationState.FINALIZED
