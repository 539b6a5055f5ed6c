"""Secretaries' feedback pages under /me/feedback/: their own entries only, once published."""

from flask import Blueprint, Response, render_template
from flask_login import current_user

from app.downloads import download
from app.feedback import services
from app.feedback.document import feedback_pdf
from app.security import access

bp = Blueprint("feedback", __name__, url_prefix="/me/feedback")


@bp.get("/")
@access("secretary")
def index() -> str:
    return render_template("feedback/index.html", entries=services.overview(current_user))


@bp.get("/<int:entry_id>")
@access("secretary")
def detail(entry_id: int) -> str:
    return render_template("feedback/detail.html", feedback=services.feedback_for(current_user, entry_id))


@bp.get("/<int:entry_id>.pdf")
@access("secretary")
def pdf(entry_id: int) -> Response:
    name, body = feedback_pdf(current_user, entry_id)
    return download(body, "application/pdf", name, inline=True)
