"""Judge pseudonyms per published result scope and award bands (the published versions: app.publication)."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


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

