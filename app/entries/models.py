"""Contest entries and the history of the secretaries who held them (换届)."""

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.contests.models import Group
from app.extensions import db
from app.places.models import County, Township, Village
from app.signals import contest_duties


class Entry(db.Model):  # type: ignore[name-defined,misc]
    """A contestant (参赛人): the entry of one township or village; scores stay with it."""

    __tablename__ = "entry"
    __table_args__ = (
        UniqueConstraint("contest_id", "public_number"),
        UniqueConstraint("contest_id", "township_id", "village_id", name="uq_entry_place"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("contest_group.id"), index=True)
    subgroup_id: Mapped[int | None] = mapped_column(ForeignKey("contest_group.id"))
    public_number: Mapped[str] = mapped_column(String(16))
    # County is stored with the entry so that county scoping is one indexed filter.
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    active: Mapped[bool] = mapped_column(default=True)

    group: Mapped[Group] = relationship(foreign_keys=[group_id])
    subgroup: Mapped[Group | None] = relationship(foreign_keys=[subgroup_id])
    county: Mapped[County] = relationship()
    township: Mapped[Township] = relationship()
    village: Mapped[Village | None] = relationship()
    holders: Mapped[list["EntryHolder"]] = relationship(
        back_populates="entry", order_by="EntryHolder.started_on", cascade="all, delete-orphan"
    )

    @property
    def unit_name(self) -> str:
        """The unit as printed: 平定县冠山镇 or 平定县冠山镇某某村."""
        parts = [self.county.name, self.township.name]
        if self.village is not None:
            parts.append(self.village.name)
        return "".join(parts)

    @property
    def current_holder(self) -> "EntryHolder | None":
        return next((h for h in reversed(self.holders) if h.ended_on is None), None)


class EntryHolder(db.Model):  # type: ignore[name-defined,misc]
    """Who held an entry and when; the current holder has no end date."""

    __tablename__ = "entry_holder"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    started_on: Mapped[date] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()

    entry: Mapped[Entry] = relationship(back_populates="holders")
    user: Mapped[User] = relationship()


# Beside the model, so that the answer is connected wherever the table is known.
@contest_duties.connect
def _holds_an_entry(user: User) -> bool:
    """An account that holds or held an entry (its secretary) has a contest duty (app/signals.py)."""
    return db.session.execute(select(EntryHolder.id).where(EntryHolder.user_id == user.id).limit(1)).first() is not None
