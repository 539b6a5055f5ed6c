"""Organizer and clerk home pages, and account management."""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts import services as accounts
from app.accounts.forms import AccountForm
from app.accounts.models import ROLE_LABELS
from app.accounts.switch import switch_active
from app.errors import DomainError
from app.extensions import db
from app.organize.services import contest_summary
from app.places.models import County
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
    role = request.args.get("role") or None
    if role not in ROLE_LABELS:
        role = None
    users = accounts.list_accounts(current_user, role)
    return render_template("organize/accounts.html", users=users, role=role, role_labels=ROLE_LABELS,
                           manageable={u.id for u in users if accounts.may_manage(current_user, u)})


def _account_form() -> AccountForm:
    form = AccountForm()
    form.role.choices = [(r, ROLE_LABELS[r]) for r in accounts.roles_actor_may_create(current_user)]
    counties = db.session.query(County).order_by(County.code).all()
    if current_user.county_id is None:
        form.county_id.choices = [("", "全市（不限县区）")] + [(str(c.id), c.name) for c in counties]
    else:
        form.county_id.choices = [(str(c.id), c.name) for c in counties if c.id == current_user.county_id]
    return form


@bp.route("/accounts/new", methods=["GET", "POST"])
@access("organizer")
def account_new() -> Any:
    form = _account_form()
    if form.validate_on_submit():
        data = accounts.NewAccount(
            display_name=form.display_name.data or "", username=form.username.data or "",
            phone=form.phone.data or "", role=form.role.data or "",
            county_id=int(form.county_id.data) if form.county_id.data else None, unit=form.unit.data or "",
        )
        try:
            issued = accounts.create_account(current_user, data)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            return render_template("organize/account_code.html", issued=issued, created=True)
    return render_template("organize/account_new.html", form=form)


@bp.post("/accounts/<int:user_id>/active")
@access("organizer")
def account_active(user_id: int) -> Response:
    switch_active(accounts.set_active, user_id, lambda u: f"账号 {u.username}", on_word="启用")
    return redirect(url_for("organize.account_list"))


@bp.post("/accounts/<int:user_id>/code")
@access("organizer")
def account_code(user_id: int) -> str:
    issued = accounts.reissue_code(current_user, user_id)
    return render_template("organize/account_code.html", issued=issued, created=False)
