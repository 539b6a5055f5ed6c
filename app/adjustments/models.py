"""Adjustment records and veto records: both versioned, never rewritten; a veto version counts once confirmed."""

from datetime import datetime
from decimal import Decimal
from enum import nonmember

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.accounts.models import User
from app.adjustments.rules import scoring_text
from app.contests.models import POINTS, AdjustmentItem, Round, VetoItem
from app.entries.models import Entry
from app.extensions import db
from app.states import State, StateColumn
from app.timeutil import utcnow
from app.versioning import History


class VetoState(State):
    """The supervisor's decision on a veto version; retracted: the organizers took the proposal back undecided."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    RETRACTED = "retracted"
    noun = nonmember("一票否决")
    labels = nonmember({PROPOSED: "待确认", CONFIRMED: "已确认", REJECTED: "已驳回", RETRACTED: "已撤回"})
    transitions = nonmember({PROPOSED: (CONFIRMED, REJECTED, RETRACTED)})


class AdjustmentRecord(db.Model):  # type: ignore[name-defined,misc]
    """One version of a contestant's bonus or penalty under an item; the highest version is current."""

    __tablename__ = "adjustment_record"
    __table_args__ = (UniqueConstraint("round_id", "entry_id", "item_id", "version", name="uq_adjustment_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("adjustment_item.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("adjustment_record.id"))
    withdrawn: Mapped[bool] = mapped_column(default=False)  # a withdrawal is a new version
    measure: Mapped[Decimal] = mapped_column(POINTS)
    points: Mapped[Decimal] = mapped_column(POINTS)  # signed: penalties negative
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    entry: Mapped[Entry] = relationship()
    item: Mapped[AdjustmentItem] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def points_label(self) -> str:
        """Signed, with the contest's decimals, as shown on pages: +1.00, -0.50, 0.00."""
        text = scoring_text(self.points, self.round.contest.places)
        return f"+{text}" if self.points > 0 else text

    @property
    def measure_label(self) -> str:
        return format(self.measure.normalize(), "f")


class VetoRecord(db.Model):  # type: ignore[name-defined,misc]
    """One version for (round, contestant, veto item): a veto, or (withdrawn) its withdrawal, with its reason.

    What a version says never changes; only the supervisor's decision is recorded on it. The latest
    confirmed version gives the effect: a veto is in force unless that version is a withdrawal.
    """

    __tablename__ = "veto_record"
    __table_args__ = (UniqueConstraint("round_id", "entry_id", "item_id", "version", name="uq_veto_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("veto_item.id"), index=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    withdrawn: Mapped[bool] = mapped_column(default=False, server_default=false())  # a withdrawal of the veto
    reason: Mapped[str] = mapped_column(String(300))
    state: Mapped[VetoState] = mapped_column(StateColumn(VetoState), default=VetoState.PROPOSED, index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_note: Mapped[str] = mapped_column(String(300), default="")

    round: Mapped[Round] = relationship()
    entry: Mapped[Entry] = relationship()
    item: Mapped[VetoItem] = relationship()
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @validates("state")
    def _as_state(self, _key: str, value: str) -> VetoState:
        return VetoState(value)

    @property
    def state_label(self) -> str:
        return VetoState.label_of(self.state)  # a value set bypassing the ORM's events stays a plain string

    @property
    def badge(self) -> str:
        """Confirmed: green for a withdrawal, red for a veto; amber while waiting; plain once rejected or retracted."""
        if self.state == VetoState.CONFIRMED:
            return "text-bg-success" if self.withdrawn else "text-bg-danger"
        return "text-bg-warning" if self.state == VetoState.PROPOSED else "status-badge"

    @property
    def void(self) -> bool:
        """Rejected or retracted: the proposal never took effect."""
        return self.state in (VetoState.REJECTED, VetoState.RETRACTED)

    @property
    def kind_label(self) -> str:
        return "撤销否决申请" if self.withdrawn else "一票否决"


ADJUSTMENT_VERSIONS = History(AdjustmentRecord, AdjustmentRecord.version,
                              (AdjustmentRecord.round_id, AdjustmentRecord.entry_id, AdjustmentRecord.item_id))
VETO_VERSIONS = History(VetoRecord, VetoRecord.version, (VetoRecord.round_id, VetoRecord.entry_id, VetoRecord.item_id))
