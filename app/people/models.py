"""An import batch: the validated rows of one uploaded file, kept between preview and commit."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

IMPORT_KINDS = {"contestants": "参赛人", "judges": "评委"}


class ImportBatch(db.Model):  # type: ignore[name-defined,misc]
    """One checked file: its rows wait here until the organizer confirms (committed once)."""

    __tablename__ = "people_import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The uploader's scope: a county organizer's batch belongs to their county (None: the city).
    county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"), index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(200))
    row_count: Mapped[int] = mapped_column()
    # Validated rows (with phone and ID numbers) until commit; emptied once committed.
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column()

    @property
    def kind_label(self) -> str:
        return IMPORT_KINDS.get(self.kind, self.kind)
