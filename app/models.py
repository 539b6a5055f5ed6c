"""Imports every capability's models so that SQLAlchemy and Alembic see all tables."""

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.contests.models import AdjustmentItem, Contest, Criterion, Group, Round, VetoItem
from app.entries.models import Entry, EntryHolder
from app.judges.models import Judge
from app.places.models import County, Township, Village

__all__ = [
    "AdjustmentItem", "AuditEvent", "Contest", "County", "Criterion", "Entry", "EntryHolder", "Group", "Judge",
    "Round", "Township", "User", "VetoItem", "Village",
]
