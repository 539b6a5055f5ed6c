"""The judge's home: what they will score."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.judges.models import Judge
from app.security import access

bp = Blueprint("judging", __name__, url_prefix="/judge")


@bp.get("/")
@access("judge")
def home() -> str:
    judges = db.session.execute(select(Judge).where(Judge.user_id == current_user.id)).scalars().all()
    return render_template("judging/home.html", judges=judges)
