"""Supervisor home, the audit log with its check (chain and covered data), sheets, and fellow supervisors' accounts."""

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from app import jobs
from app.accounts import admin
from app.audit import integrity, integrity_job, labels
from app.audit.models import AuditEvent
from app.extensions import db
from app.ids import id_arg
from app.judging.history import sheet_chooser, sheet_history
from app.security import access
from app.supervise import services

bp = Blueprint("supervise", __name__, url_prefix="/supervise")

PAGE = 50


@bp.get("/")
@access("supervisor")
def home() -> str:
    return render_template("supervise/home.html", overview=services.overview())


@bp.get("/audit")
@access("supervisor")
def audit_log() -> str:
    page = max(id_arg("page") or 1, 1)
    events = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.id.desc()).limit(PAGE).offset((page - 1) * PAGE)
    ).scalars().all()
    total = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    # The same check as `flask audit verify`, in the request for now (seconds on a whole year's data).
    report = integrity.verify() if request.args.get("check") == "1" else None
    return render_template("supervise/audit.html", events=events, page=page, page_size=PAGE, report=report,
                           total=total, has_more=page * PAGE < total, actions=labels.ACTIONS, objects=labels.OBJECTS,
                           check=jobs.latest(integrity_job.KIND, current_user))


@bp.post("/audit/check")
@access("supervisor")
def audit_check() -> Response:
    """The audit check as a job, seen by every supervisor; a second press while one is under way adds none."""
    current = jobs.latest(integrity_job.KIND, current_user)
    if current is None or not current.state.active:
        jobs.enqueue(integrity_job.KIND, integrity_job.audit_check, current_user,
                     page=url_for("supervise.audit_log"), shared=True)
        db.session.commit()
    return redirect(url_for("supervise.audit_log"))


@bp.get("/sheets")
@access("supervisor")
def sheets() -> str:
    return render_template("judging/sheets.html", detail_endpoint="supervise.sheet", **sheet_chooser(
        id_arg("round"), request.args.get("number"), None))


@bp.get("/sheets/<int:sheet_id>")
@access("supervisor")
def sheet(sheet_id: int) -> str:
    return render_template("judging/history.html", h=sheet_history(sheet_id))


# Separation of duties: supervisors' accounts are managed here by fellow supervisors (or by the server's operator
# with `flask accounts`), never by an organizer.
@bp.get("/accounts/")
@access("supervisor")
def account_list() -> str:
    return admin.list_page("supervise")


@bp.route("/accounts/new", methods=["GET", "POST"])
@access("supervisor")
def account_new() -> Any:
    return admin.new_page("supervise")


@bp.post("/accounts/<int:user_id>/active")
@access("supervisor")
def account_active(user_id: int) -> Response:
    return admin.active_post("supervise", user_id)


@bp.post("/accounts/<int:user_id>/code")
@access("supervisor")
def account_code(user_id: int) -> str:
    return admin.code_post("supervise", user_id)
