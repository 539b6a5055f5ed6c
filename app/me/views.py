"""The secretary's home: the entries they hold."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.entries.models import Entry, EntryHolder
from app.extensions import db
from app.panels.sessions import slots_of_entries
from app.security import access

bp = Blueprint("me", __name__, url_prefix="/me")


@bp.get("/")
@access("secretary")
def home() -> str:
    entries = db.session.execute(
        select(Entry).join(EntryHolder).where(EntryHolder.user_id == current_user.id, EntryHolder.ended_on.is_(None))
    ).scalars().all()
    slots = slots_of_entries([e.id for e in entries])
    return render_template("me/home.html", entries=entries, slots=slots)
