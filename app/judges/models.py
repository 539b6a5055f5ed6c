"""A judge in a contest's pool; home county/township drive automatic recusal (回避)."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.contests.models import Contest
from app.extensions import db
from app.places.models import County, Township

JUDGE_FIELDS = {
    "organization": "组织",
    "agriculture": "农业",
    "finance": "财政金融",
    "tourism": "文化旅游",
    "grassroots": "基层党建",
}


class Judge(db.Model):  # type: ignore[name-defined,misc]
    """A judge of one contest, linked to their account."""

    __tablename__ = "judge"
    __table_args__ = (UniqueConstraint("contest_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(16))
    home_county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"), index=True)
    home_township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    active: Mapped[bool] = mapped_column(default=True)

    contest: Mapped[Contest] = relationship()
    user: Mapped[User] = relationship()
    home_county: Mapped[County | None] = relationship()
    home_township: Mapped[Township | None] = relationship()

    @property
    def field_label(self) -> str:
        return JUDGE_FIELDS.get(self.field, self.field)
