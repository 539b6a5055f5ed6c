"""Organizer and clerk home pages, and account management."""

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts import admin
from app.organize.services import contest_summary
from app.security import access

bp = Blueprint("organize", __name__, url_prefix="/organize")


@bp.get("/")
@access("organizer")
def home() -> str:
    return render_template("organize/home.html", summary=contest_summary(current_user))


@bp.get("/entry/")
@access("clerk")
def clerk_home() -> str:
    return render_template("organize/clerk_home.html")


@bp.get("/accounts/")
@access("organizer")
def account_list() -> str:
    return admin.list_page("organize")


@bp.route("/accounts/new", methods=["GET", "POST"])
@access("organizer")
def account_new() -> Any:
    return admin.new_page("organize")


@bp.post("/accounts/<int:user_id>/active")
@access("organizer")
def account_active(user_id: int) -> Response:
    return admin.active_post("organize", user_id)


@bp.post("/accounts/<int:user_id>/code")
@access("organizer")
def account_code(user_id: int) -> str:
    return admin.code_post("organize", user_id)


@bp.post("/accounts/<int:user_id>/role")
@access("organizer")
def account_role(user_id: int) -> Response:
    return admin.role_post("organize", user_id)
