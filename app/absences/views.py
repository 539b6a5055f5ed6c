"""Organizer pages for absences (/organize/absences/): a round's list, the form, withdrawing."""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.absences import services
from app.absences.forms import AbsenceForm, WithdrawForm
from app.errors import DomainError
from app.security import access

bp = Blueprint("absences", __name__, url_prefix="/organize/absences")


@bp.get("/")
@access("organizer")
def index() -> str:
    contests, counts = services.contests(current_user)
    return render_template("absences/index.html", contests=contests, counts=counts)


def _round_page(round_id: int, form: AbsenceForm | None = None, status: int = 200) -> tuple[str, int]:
    page = services.round_absences(current_user, round_id)
    return render_template("absences/round.html", page=page, form=form or AbsenceForm(formdata=None)), status


@bp.get("/rounds/<int:round_id>")
@access("organizer")
def round_absences(round_id: int) -> tuple[str, int]:
    return _round_page(round_id)


@bp.post("/rounds/<int:round_id>")
@access("organizer")
def record(round_id: int) -> Any:
    form = AbsenceForm()
    if not form.validate_on_submit():
        return _round_page(round_id, form, 400)
    try:
        absence = services.record_absence(current_user, round_id, form.public_number.data or "",
                                          form.reason.data or "")
    except DomainError as error:
        if error.status == 404:
            form.public_number.errors = [error.message]
        else:
            flash(error.message, "danger")
        return _round_page(round_id, form, error.status)
    flash(f"已登记 {absence.entry.public_number} 本轮缺席。", "success")
    return redirect(url_for("absences.round_absences", round_id=round_id))


@bp.post("/<int:absence_id>/withdraw")
@access("organizer")
def withdraw(absence_id: int) -> Response:
    if not WithdrawForm().validate_on_submit():
        raise DomainError("页面已过期，请刷新后重试")
    absence = services.withdraw_absence(current_user, absence_id)
    flash(f"已撤销 {absence.entry.public_number} 的缺席登记，其评分表重新计为应评。", "success")
    return redirect(url_for("absences.round_absences", round_id=absence.round_id))
