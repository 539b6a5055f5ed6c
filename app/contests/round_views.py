"""A round's page (/organize/contests/rounds/…): settings, panel preview, criteria, adjustment and veto items."""

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app import rules
from app.contests import rounds as service
from app.contests.forms import AdjustmentForm, CriterionForm, RoundForm, VetoForm
from app.contests.models import Criterion, Round
from app.contests.services import LOCKED, plain, round_is_locked, tidy
from app.errors import DomainError
from app.panel_words import panel_sentence
from app.security import access

rounds_bp = Blueprint("rounds", __name__, url_prefix="/rounds")
PREVIEW_JUDGES = 15


def _round_form(rnd: Round) -> RoundForm:
    form = RoundForm(formdata=None, obj=rnd)
    if rnd.deviation_points is not None:
        form.deviation_kind.data, form.deviation_value.data = "points", tidy(rnd.deviation_points)
    elif rnd.deviation_share is not None:
        form.deviation_kind.data, form.deviation_value.data = "share", tidy(rnd.deviation_share * 100)
    return form


def preview(rnd: Round, method: str, trim: int, trim_from: int, min_judges: int, normalize: str,
            judges: int) -> dict[str, Any]:
    """What the preview fragment shows: the sentence and the notes around it."""
    return {"sentence": panel_sentence(method, trim, trim_from, rnd.contest.places, judges),
            "min_judges": min_judges, "zscore": normalize == "zscore", "judges": judges}


def round_page(rnd: Round, status: int = 200, **forms: Any) -> tuple[str, int]:
    """The round's page with fresh forms, except those passed back with their errors."""
    context: dict[str, Any] = {
        "round_form": _round_form(rnd), "criterion_form": CriterionForm(formdata=None, min_points=0),
        "adjustment_form": AdjustmentForm(formdata=None, kind="penalty"), "veto_form": VetoForm(formdata=None),
    } | forms
    preview_values = preview(rnd, rnd.panel_method, rnd.trim, rnd.trim_from, rnd.min_judges, rnd.normalize,
                             PREVIEW_JUDGES)
    return render_template(
        "contests/round.html", contest=rnd.contest, round=rnd, may_change=rules.can_change_setup(current_user),
        locked=round_is_locked(rnd.id), locked_text=LOCKED, preview=preview_values, plain=plain,
        kinds=service.ADJUSTMENT_KINDS, **context), status


def _refused(rnd: Round, error: DomainError, **forms: Any) -> tuple[str, int]:
    flash(error.message, "danger")
    return round_page(rnd, 400, **forms)


def _back(rnd_id: int, message: str, anchor: str) -> Response:
    flash(message, "success")
    return redirect(url_for("contests.rounds.round_detail", round_id=rnd_id, _anchor=anchor))


@rounds_bp.get("/<int:round_id>")
@access("organizer")
def round_detail(round_id: int) -> tuple[str, int]:
    return round_page(service.get_round(round_id))


@rounds_bp.post("/<int:round_id>")
@access("organizer", city_only=True)
def round_save(round_id: int) -> Any:
    rnd = service.get_round(round_id)
    form = RoundForm()
    if not form.validate_on_submit():
        return round_page(rnd, 400, round_form=form)
    deviation_points, deviation_share = form.deviation()
    data = service.RoundSettings(
        name=form.name.data or "", mode=form.mode.data or "", starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, venue=form.venue.data or "", panel_method=form.panel_method.data or "",
        trim=form.trim.data or 0, trim_from=form.trim_from.data or 0, min_judges=form.min_judges.data or 0,
        normalize=form.normalize.data or "", deviation_points=deviation_points, deviation_share=deviation_share)
    try:
        service.update_round(current_user, rnd.id, data)
    except DomainError as error:
        return _refused(rnd, error, round_form=form)
    return _back(rnd.id, "轮次设置已保存。", "settings")


def _int_arg(name: str, default: int) -> int:
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default


@rounds_bp.get("/<int:round_id>/preview")
@access("organizer")
def panel_preview(round_id: int) -> str:
    rnd = service.get_round(round_id)
    method = request.args.get("panel_method", rnd.panel_method)
    trim, trim_from = _int_arg("trim", rnd.trim), _int_arg("trim_from", rnd.trim_from)
    judges = min(max(_int_arg("preview_judges", PREVIEW_JUDGES), 1), 99)
    try:
        service.check_panel(method, trim, trim_from, max(_int_arg("min_judges", rnd.min_judges), 1))
    except DomainError as error:
        return render_template("contests/_panel_preview.html", problem=error.message)
    values = preview(rnd, method, trim, trim_from, _int_arg("min_judges", rnd.min_judges),
                     request.args.get("normalize", rnd.normalize), judges)
    return render_template("contests/_panel_preview.html", preview=values)


def _criterion_input(form: CriterionForm) -> service.CriterionInput:
    return service.CriterionInput(name=form.name.data or "", guidance=form.guidance.data or "",
                                  min_points=form.min_points.data, max_points=form.max_points.data,  # type: ignore[arg-type]
                                  step=form.step.data)  # type: ignore[arg-type]


@rounds_bp.post("/<int:round_id>/criteria")
@access("organizer", city_only=True)
def criterion_add(round_id: int) -> Any:
    rnd = service.get_round(round_id)
    form = CriterionForm()
    if not form.validate_on_submit():
        return round_page(rnd, 400, criterion_form=form)
    try:
        criterion = service.add_criterion(current_user, rnd.id, _criterion_input(form))
    except DomainError as error:
        return _refused(rnd, error, criterion_form=form)
    return _back(rnd.id, f"已添加评分指标“{criterion.name}”。", "criteria")


@rounds_bp.get("/criteria/<int:criterion_id>")
@access("organizer")
def criterion_edit(criterion_id: int) -> Any:
    criterion = service.get_criterion(criterion_id)
    form = CriterionForm(formdata=None, name=criterion.name, guidance=criterion.guidance,
                         min_points=tidy(criterion.min_points), max_points=tidy(criterion.max_points),
                         step=tidy(criterion.step))
    return _criterion_page(criterion, form)


def _criterion_page(criterion: Criterion, form: CriterionForm, status: int = 200) -> tuple[str, int]:
    rnd = criterion.round
    return render_template("contests/criterion.html", contest=rnd.contest, round=rnd, criterion=criterion,
                           form=form, locked=round_is_locked(rnd.id), locked_text=LOCKED,
                           may_change=rules.can_change_setup(current_user)), status


@rounds_bp.post("/criteria/<int:criterion_id>")
@access("organizer", city_only=True)
def criterion_save(criterion_id: int) -> Any:
    criterion = service.get_criterion(criterion_id)
    form = CriterionForm()
    if not form.validate_on_submit():
        return _criterion_page(criterion, form, 400)
    try:
        service.update_criterion(current_user, criterion.id, _criterion_input(form))
    except DomainError as error:
        flash(error.message, "danger")
        return _criterion_page(criterion, form, 400)
    return _back(criterion.round_id, f"评分指标“{criterion.name}”已保存。", "criteria")


@rounds_bp.post("/criteria/<int:criterion_id>/remove")
@access("organizer", city_only=True)
def criterion_remove(criterion_id: int) -> Any:
    criterion = service.get_criterion(criterion_id)
    rnd = criterion.round
    try:
        service.remove_criterion(current_user, criterion.id)
    except DomainError as error:
        return _refused(rnd, error)
    return _back(rnd.id, "评分指标已删除。", "criteria")


@rounds_bp.post("/<int:round_id>/criteria/order")
@access("organizer", city_only=True)
def criteria_order(round_id: int) -> Any:
    rnd = service.get_round(round_id)
    try:
        ids = [int(value) for value in request.form.getlist("ids")]
    except ValueError:
        ids = []
    service.reorder_criteria(current_user, rnd.id, ids)  # a DomainError answers 400 with its message
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"message": "顺序已保存", "ids": ids})
    return _back(rnd.id, "评分指标顺序已保存。", "criteria")


@rounds_bp.post("/<int:round_id>/adjustments")
@access("organizer", city_only=True)
def adjustment_add(round_id: int) -> Any:
    rnd = service.get_round(round_id)
    form = AdjustmentForm()
    if not form.validate_on_submit():
        return round_page(rnd, 400, adjustment_form=form)
    data = service.AdjustmentInput(
        name=form.name.data or "", kind=form.kind.data or "", rule_text=form.rule_text.data or "",
        unit_label=form.unit_label.data or "", unit_size=form.unit_size.data,  # type: ignore[arg-type]
        points_per_unit=form.points_per_unit.data, cap=form.cap.data)  # type: ignore[arg-type]
    try:
        item = service.add_adjustment(current_user, rnd.id, data)
    except DomainError as error:
        return _refused(rnd, error, adjustment_form=form)
    return _back(rnd.id, f"已添加加减分项“{item.name}”。", "adjustments")


@rounds_bp.post("/adjustments/<int:item_id>/remove")
@access("organizer", city_only=True)
def adjustment_remove(item_id: int) -> Response:
    rnd = service.remove_adjustment(current_user, item_id)
    return _back(rnd.id, "加减分项已删除。", "adjustments")


@rounds_bp.post("/<int:round_id>/vetoes")
@access("organizer", city_only=True)
def veto_add(round_id: int) -> Any:
    rnd = service.get_round(round_id)
    form = VetoForm()
    if not form.validate_on_submit():
        return round_page(rnd, 400, veto_form=form)
    try:
        item = service.add_veto(current_user, rnd.id, form.name.data or "", form.description.data or "")
    except DomainError as error:
        return _refused(rnd, error, veto_form=form)
    return _back(rnd.id, f"已添加一票否决事项“{item.name}”。", "vetoes")


@rounds_bp.post("/vetoes/<int:item_id>/remove")
@access("organizer", city_only=True)
def veto_remove(item_id: int) -> Response:
    rnd = service.remove_veto(current_user, item_id)
    return _back(rnd.id, "一票否决事项已删除。", "vetoes")
