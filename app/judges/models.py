"""A judge in a contest's pool; home county/township drive automatic recusal (回避)."""

from datetime import datetime
from enum import nonmember

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.contests.models import Contest
from app.extensions import db
from app.judge_fields import JUDGE_FIELDS
from app.places.models import County, Township
from app.signals import contest_duties
from app.states import State


class CardState(State):
    """A judge's sign-in card (登录卡): issued, reissued (the old one stops working), revoked; a revoked card is
    issued anew. Derived from the judge's token columns (judges.services.credential_status), never stored."""

    NONE = "none"
    ISSUED = "issued"
    REVOKED = "revoked"

    noun = nonmember("登录卡")
    labels = nonmember({NONE: "未发放", ISSUED: "已发放", REVOKED: "已撤销"})
    transitions = nonmember({NONE: (ISSUED,), ISSUED: (ISSUED, REVOKED), REVOKED: (ISSUED,)})


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
    # Sign-in card (DECISIONS.md): only digests are stored; the token and PIN exist in clear
    # only on the printed card. The token digest is SHA-256 of a 192-bit random token.
    signin_token_digest: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    token_issued_at: Mapped[datetime | None] = mapped_column()
    token_revoked_at: Mapped[datetime | None] = mapped_column()
    # HMAC keyed by the app's secret of "pin:<judge id>:<pin>"; 5 failures lock it for 15 minutes.
    pin_digest: Mapped[str | None] = mapped_column(String(64))
    pin_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    pin_locked_until: Mapped[datetime | None] = mapped_column()

    contest: Mapped[Contest] = relationship()
    user: Mapped[User] = relationship()
    home_county: Mapped[County | None] = relationship()
    home_township: Mapped[Township | None] = relationship()

    @property
    def field_label(self) -> str:
        return JUDGE_FIELDS.get(self.field, self.field)


# Beside the model, so that the answer is connected wherever the table is known.
@contest_duties.connect
def _is_a_judge(user: User) -> bool:
    """An account in a contest's judge pool has a contest duty (app/signals.py)."""
    return db.session.execute(select(Judge.id).where(Judge.user_id == user.id).limit(1)).first() is not None
