"""Judge pseudonyms per published scope, supervisors' sign-offs and immutable published versions."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.timeutil import utcnow


class JudgeAlias(db.Model):  # type: ignore[name-defined,misc]
    """A judge's public pseudonym (J01…) in one scope, from a random permutation kept private."""

    __tablename__ = "judge_alias"
    __table_args__ = (
        UniqueConstraint("contest_id", "scope", "judge_id", name="uq_judge_alias_judge"),
        UniqueConstraint("contest_id", "scope", "alias", name="uq_judge_alias_alias"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    scope: Mapped[str] = mapped_column(String(32))  # "round:plan" … or "year"
    judge_id: Mapped[int] = mapped_column(ForeignKey("judge.id"))
    alias: Mapped[str] = mapped_column(String(8))


class SignOff(db.Model):  # type: ignore[name-defined,misc]
    """A supervisor's sign-off of exactly one computed result, named by its package hash."""

    __tablename__ = "result_signoff"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    scope: Mapped[str] = mapped_column(String(32))
    package_hash: Mapped[str] = mapped_column(String(64))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(300), default="")

    supervisor: Mapped[User] = relationship()


class ResultVersion(db.Model):  # type: ignore[name-defined,misc]
    """Version N of a published result: the audit package as published; never changed afterwards."""

    __tablename__ = "result_version"
    __table_args__ = (UniqueConstraint("contest_id", "scope", "number", name="uq_result_version_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    scope: Mapped[str] = mapped_column(String(32))
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


class AwardBand(db.Model):  # type: ignore[name-defined,misc]
    """An award band of a group (一等奖 by count, 二等奖 by share, 优秀奖 by minimum total), in order from the top."""

    __tablename__ = "award_band"
    __table_args__ = (UniqueConstraint("group_id", "name", name="uq_award_band_group_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("contest_group.id"), index=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # count | share | min_total
    value: Mapped[str] = mapped_column(String(16))  # a whole number, a share such as 0.2, or a total

