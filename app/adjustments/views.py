"""Organizer pages for adjustments and vetoes (/organize/adjustments/) and the supervisor's veto review."""

from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app import decimals
from app.adjustments import pages, services, vetoes
from app.adjustments.forms import AdjustmentForm, DecisionForm, VetoForm, VetoWithdrawalForm, WithdrawForm
from app.errors import DomainError
from app.ids import id_arg
from app.security import access

bp = Blueprint("adjustments", __name__, url_prefix="/organize/adjustments")
review_bp = Blueprint("veto_review", __name__, url_prefix="/supervise/vetoes")


@bp.get("/")
@access("organizer")
def index() -> str:
    return render_template("adjustments/index.html", contests=pages.contests())


@bp.get("/rounds/<int:round_id>")
@access("organizer")
def round_table(round_id: int) -> str:
    q = request.args.get("q", "")[:40]
    rnd, rows = pages.round_rows(current_user, round_id, q)
    return render_template("adjustments/round.html", round=rnd, rows=rows, q=q)


def _forms(page: pages.EntryPage, **given: Any) -> dict[str, Any]:
    adjustment_form = given.get("adjustment_form") or AdjustmentForm(formdata=None)
    veto_form = given.get("veto_form") or VetoForm(formdata=None)
    _choices(page, adjustment_form, veto_form)
    # Offer only the items with neither a veto in force nor a proposal waiting (the service refuses those).
    busy = {status.item.id for status in page.vetoes}
    veto_form.item_id.choices = [(i.id, i.name) for i in page.round.veto_items if i.id not in busy]
    return {"adjustment_form": adjustment_form, "veto_form": veto_form, "withdraw_form": WithdrawForm(formdata=None),
            "withdrawal_form": given.get("withdrawal_form") or VetoWithdrawalForm(formdata=None),
            "withdrawal_of": given.get("withdrawal_of")}


def _choices(page: pages.EntryPage, adjustment_form: AdjustmentForm, veto_form: VetoForm) -> None:
    adjustment_form.item_id.choices = [(i.id, i.name) for i in page.round.adjustment_items]
    veto_form.item_id.choices = [(i.id, i.name) for i in page.round.veto_items]


def _entry_page(round_id: int, entry_id: int, status: int = 200, **given: Any) -> tuple[str, int]:
    page = pages.entry_page(current_user, round_id, entry_id)
    return render_template("adjustments/entry.html", page=page, rule=services.rule_explanation,
                           **_forms(page, **given)), status


@bp.get("/rounds/<int:round_id>/entries/<int:entry_id>")
@access("organizer")
def entry_detail(round_id: int, entry_id: int) -> tuple[str, int]:
    return _entry_page(round_id, entry_id)


def _decimal_arg(name: str) -> Decimal | None:
    """None when left empty; a number typed wrong is refused with what is wrong (nothing rounded)."""
    text = request.args.get(name, "")
    try:
        return decimals.parse(text, decimals.MEASURE) if text.strip() else None
    except ValueError as error:
        raise DomainError(str(error)) from None


@bp.get("/rounds/<int:round_id>/preview")
@access("organizer")
def preview(round_id: int) -> str:
    """The computed points for the chosen item and measure, nothing stored (htmx fragment)."""
    try:
        values = services.preview(current_user, round_id, id_arg("item_id"),
                                  _decimal_arg("measure"))
    except DomainError as error:
        values = {"problem": error.message}
    return render_template("adjustments/_preview.html", preview=values)


def _back(round_id: int, entry_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("adjustments.entry_detail", round_id=round_id, entry_id=entry_id))


@bp.post("/rounds/<int:round_id>/entries/<int:entry_id>/adjustments")
@access("organizer")
def adjustment_add(round_id: int, entry_id: int) -> Any:
    page = pages.entry_page(current_user, round_id, entry_id)
    form = AdjustmentForm()
    _choices(page, form, VetoForm(formdata=None))
    if not form.validate_on_submit():
        return _entry_page(round_id, entry_id, 400, adjustment_form=form)
    data = services.AdjustmentInput(form.item_id.data, form.measure.data, form.note.data or "")
    try:
        record = services.record_adjustment(current_user, round_id, entry_id, data)
    except DomainError as error:
        flash(error.message, "danger")
        return _entry_page(round_id, entry_id, 400, adjustment_form=form)
    return _back(round_id, entry_id, f"已记录“{record.item.name}”：{record.points.normalize():f} 分。")


@bp.post("/records/<int:record_id>/withdraw")
@access("organizer")
def adjustment_withdraw(record_id: int) -> Response:
    form = WithdrawForm()
    if not form.validate_on_submit():
        raise DomainError("撤销说明不超过200字")
    record = services.withdraw_adjustment(current_user, record_id, form.note.data or "")
    return _back(record.round_id, record.entry_id, f"已撤销“{record.item.name}”。")


@bp.post("/rounds/<int:round_id>/entries/<int:entry_id>/vetoes")
@access("organizer")
def veto_propose(round_id: int, entry_id: int) -> Any:
    page = pages.entry_page(current_user, round_id, entry_id)
    form = VetoForm()
    _choices(page, AdjustmentForm(formdata=None), form)
    if not form.validate_on_submit():
        return _entry_page(round_id, entry_id, 400, veto_form=form)
    try:
        vetoes.propose_veto(current_user, round_id, entry_id, form.item_id.data, form.reason.data or "")
    except DomainError as error:
        flash(error.message, "danger")
        return _entry_page(round_id, entry_id, 400, veto_form=form)
    return _back(round_id, entry_id, "已提出一票否决，须经监督员确认后生效。")


@bp.post("/vetoes/<int:veto_id>/retract")
@access("organizer")
def veto_retract(veto_id: int) -> Response:
    veto = vetoes.retract(current_user, veto_id)
    return _back(veto.round_id, veto.entry_id, f"已撤回该{veto.kind_label}。")


@bp.post("/vetoes/<int:veto_id>/withdrawal")
@access("organizer")
def veto_withdrawal(veto_id: int) -> Any:
    """Ask to withdraw a veto in force (the id of the version in force): a supervisor must confirm it."""
    veto = vetoes.get_veto(veto_id)
    form = VetoWithdrawalForm()
    if not form.validate_on_submit():
        return _entry_page(veto.round_id, veto.entry_id, 400, withdrawal_form=form, withdrawal_of=veto.id)
    try:
        vetoes.propose_withdrawal(current_user, veto_id, form.reason.data or "")
    except DomainError as error:
        flash(error.message, "danger")
        return _entry_page(veto.round_id, veto.entry_id, 400, withdrawal_form=form, withdrawal_of=veto.id)
    return _back(veto.round_id, veto.entry_id, "已申请撤销该一票否决，须经监督员确认后生效；确认前否决仍然有效。")


@review_bp.get("/")
@access("supervisor")
def review() -> str:
    return render_template("adjustments/review.html", review=vetoes.for_review())


def _decide(veto_id: int, confirm: bool) -> Response:
    form = DecisionForm()
    if not form.validate_on_submit():
        raise DomainError("意见不超过300字")
    veto = vetoes.decide_veto(current_user, veto_id, confirm, form.note.data or "")
    if veto.withdrawn:
        flash("已确认撤销该一票否决，即时生效。" if confirm else "已驳回该撤销否决申请，否决仍然有效。", "success")
    else:
        flash("已确认该一票否决，即时生效。" if confirm else "已驳回该一票否决。", "success")
    return redirect(url_for("veto_review.review"))


@review_bp.post("/<int:veto_id>/confirm")
@access("supervisor")
def confirm(veto_id: int) -> Response:
    return _decide(veto_id, True)


@review_bp.post("/<int:veto_id>/reject")
@access("supervisor")
def reject(veto_id: int) -> Response:
    return _decide(veto_id, False)
