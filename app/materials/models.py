"""Uploaded materials, one version per upload; the highest version of a round and entry is current."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.contests.models import Round
from app.entries.models import Entry
from app.extensions import db
from app.timeutil import utcnow


class Material(db.Model):  # type: ignore[name-defined,misc]
    """A PDF stored under the instance folder by its SHA-256; a replacement is a new version, the old row stays."""

    __tablename__ = "material"
    __table_args__ = (UniqueConstraint("round_id", "entry_id", "version", name="uq_material_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("material.id"))
    stored_name: Mapped[str] = mapped_column(String(80))  # <sha256>.pdf
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200))  # display only
    income_target: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # 元, plan round only
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    entry: Mapped[Entry] = relationship()
    uploaded_by: Mapped[User] = relationship()

    @property
    def size_label(self) -> str:
        """1.2 MB, 350 KB."""
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB"
        return f"{max(self.size // 1024, 1)} KB"
