"""Contest configuration rows; scoring settings mirror SCORING.md's recompute input."""

from datetime import date, datetime
from decimal import Decimal
from enum import nonmember

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.states import State
from app.timeutil import utcnow

POINTS = Numeric(12, 4)  # exact decimal points, never floats


class ContestStatus(State):
    """A draft is prepared, then runs, then is closed; an ended contest may run again (to correct it), never go
    back to a draft (which takes writes beside the one in progress); a running one goes back to a draft only while
    it has no sheets (services.update_settings checks that)."""

    DRAFT = "draft"
    RUNNING = "running"
    CLOSED = "closed"

    noun = nonmember("比武")
    labels = nonmember({DRAFT: "筹备中", RUNNING: "进行中", CLOSED: "已结束"})
    transitions = nonmember({DRAFT: (RUNNING, CLOSED), RUNNING: (DRAFT, CLOSED), CLOSED: (RUNNING,)})


CONTEST_STATUSES = {s.value: s.label for s in ContestStatus}
# Kinds of competition, each with its own contest in progress (app/contests/current.py). Every contest row is of
# the contest kind; a fund call (资金申报) joins here with a kind column on the contest and its own filter.
COMPETITION_KINDS = {"contest": "比武"}
ROUND_CODES = {"plan": "年初比规划", "service": "年中比服务", "results": "年末比成效"}
ROUND_MODES = {"roadshow": "上台路演", "site_visit": "现场观摩", "exhibition": "成果展示"}
PANEL_METHODS = {"trimmed_mean": "去掉最高最低取平均", "mean": "取平均"}
GROUP_CODES = {"township": "乡镇党委书记组", "village": "村党组织书记组"}


class Contest(db.Model):  # type: ignore[name-defined,misc]
    """One year's contest and its scoring settings (places, absent rounds, ranking, tie-break)."""

    __tablename__ = "contest"
    __table_args__ = (UniqueConstraint("year", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default=ContestStatus.DRAFT.value)
    places: Mapped[int] = mapped_column(default=2)
    absent_round: Mapped[str] = mapped_column(String(16), default="zero")
    ranking: Mapped[str] = mapped_column(String(16), default="competition")
    tie_break: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    groups: Mapped[list["Group"]] = relationship(
        back_populates="contest", order_by="Group.position", cascade="all, delete-orphan"
    )
    rounds: Mapped[list["Round"]] = relationship(
        back_populates="contest", order_by="Round.position", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return ContestStatus.label_of(self.status)

    @property
    def in_preparation(self) -> bool:
        return self.status == ContestStatus.DRAFT

    @property
    def running(self) -> bool:
        return self.status == ContestStatus.RUNNING


class Group(db.Model):  # type: ignore[name-defined,misc]
    """A ranking group (组别); a sub-group (county, training class A/B) has a parent."""

    __tablename__ = "contest_group"
    __table_args__ = (UniqueConstraint("contest_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("contest_group.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)

    contest: Mapped[Contest] = relationship(back_populates="groups")
    parent: Mapped["Group | None"] = relationship(remote_side=[id])


class Round(db.Model):  # type: ignore[name-defined,misc]
    """A round (轮次) with its weight, dates, how it is judged and its panel rule."""

    __tablename__ = "contest_round"
    __table_args__ = (UniqueConstraint("contest_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    mode: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    venue: Mapped[str | None] = mapped_column(String(120))
    panel_method: Mapped[str] = mapped_column(String(16), default="trimmed_mean")
    trim: Mapped[int] = mapped_column(default=1)
    trim_from: Mapped[int] = mapped_column(default=5)
    min_judges: Mapped[int] = mapped_column(default=3)
    normalize: Mapped[str] = mapped_column(String(8), default="none")
    deviation_points: Mapped[Decimal | None] = mapped_column(POINTS)
    deviation_share: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))

    contest: Mapped[Contest] = relationship(back_populates="rounds")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="round", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    adjustment_items: Mapped[list["AdjustmentItem"]] = relationship(
        order_by="AdjustmentItem.id", cascade="all, delete-orphan"
    )
    veto_items: Mapped[list["VetoItem"]] = relationship(order_by="VetoItem.id", cascade="all, delete-orphan")

    @property
    def mode_label(self) -> str:
        return ROUND_MODES.get(self.mode, self.mode)

    @property
    def max_total(self) -> Decimal:
        """The round's sheet maximum: the sum of its criteria maxima."""
        return sum((c.max_points for c in self.criteria), Decimal(0))


class Criterion(db.Model):  # type: ignore[name-defined,misc]
    """A scoring criterion (评分指标) with guidance (评分要点), range and step."""

    __tablename__ = "criterion"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    guidance: Mapped[str] = mapped_column(Text, default="")
    min_points: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))
    max_points: Mapped[Decimal] = mapped_column(POINTS)
    step: Mapped[Decimal] = mapped_column(POINTS)
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="criteria")


class AdjustmentItem(db.Model):  # type: ignore[name-defined,misc]
    """A bonus or penalty item (加减分项): points per unit of a measure, never beyond its cap."""

    __tablename__ = "adjustment_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # bonus | penalty
    rule_text: Mapped[str] = mapped_column(String(200))
    unit_label: Mapped[str] = mapped_column(String(16), default="次")
    unit_size: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(1))
    points_per_unit: Mapped[Decimal] = mapped_column(POINTS)
    cap: Mapped[Decimal] = mapped_column(POINTS)


class VetoItem(db.Model):  # type: ignore[name-defined,misc]
    """A veto item (一票否决): any one takes the contestant out of the ranking."""

    __tablename__ = "veto_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")

