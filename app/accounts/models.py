"""The user account: one role and, for organizers and clerks, a scope (city or one county)."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.places.models import County
from app.roles import ROLE_LABELS, SCOPED_ROLES
from app.timeutil import utcnow


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A person who signs in. county_id is the scope of an organizer or clerk (None: the city)."""

    __tablename__ = "user_account"
    # Nor fetched back at insert (RETURNING): see session_epoch.
    __mapper_args__ = {"eager_defaults": False}
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(16), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"), index=True)
    unit: Mapped[str | None] = mapped_column(String(64))
    # Resident ID number, when an import gives one: always shown masked (1403**********1234).
    id_number: Mapped[str | None] = mapped_column(String(18))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # HMAC of a one-time activation code, valid until the first login sets a password.
    activation_digest: Mapped[str | None] = mapped_column(String(64))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()
    # Copied into each session at sign-in and compared at every request: raising it ends every session of the
    # account on every device (sessions are signed cookies, so nothing on the server can be deleted instead).
    # Deferred, with only a server default: inserts and ordinary reads of accounts leave it out (they also run on
    # the schema before it, as the migration tests do); the user loader asks for it.
    session_epoch: Mapped[int] = mapped_column(server_default="0", deferred=True)

    county: Mapped[County | None] = relationship()

    def end_sessions(self) -> None:
        """Sign the account out everywhere (logout, password change or reset, deactivation, role change)."""
        self.session_epoch = (self.session_epoch or 0) + 1

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return self.active

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def scope_label(self) -> str:
        if self.role not in SCOPED_ROLES:
            return ""
        return "全市" if self.county is None else self.county.name
