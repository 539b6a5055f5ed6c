"""Panel, recusal, session and running-order pages (/organize/panels/)."""

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.downloads import download
from app.errorpages import end_failed_transaction, render_error
from app.errors import DomainError
from app.ids import id_arg
from app.judge_fields import JUDGE_FIELDS
from app.panels import pages, services, sessions
from app.panels.forms import DrawForm, ManualPanelForm, RecusalForm, SessionForm
from app.pdf import render_pdf
from app.security import access

bp = Blueprint("panels", __name__, url_prefix="/organize/panels")


def _back(round_id: int) -> BaseResponse:
    return redirect(url_for("panels.round_page", round_id=round_id))


@bp.get("/")
@access("organizer")
def index() -> str:
    return render_template("panels/index.html", overview=pages.contest_overview())


@bp.get("/round/<int:round_id>")
@access("organizer")
def round_page(round_id: int) -> str:
    page = pages.round_page(round_id)
    return render_template("panels/round.html", page=page, **pages.round_forms(page))


def _submit_round_form(round_id: int, key: str, act: Callable[[Any], BaseResponse]) -> Any:
    """The round page's forms: when valid, do the action; else show the page again with the errors (400)."""
    page = pages.round_page(round_id)
    forms = pages.round_forms(page)
    if forms[key].validate_on_submit():
        try:
            return act(forms[key])
        except DomainError as error:
            if error.status != 400:
                raise
            # Refused, nothing stored: the form comes back open and as typed (the judges picked, the scope), with
            # the reason beside it, so that adding a judge is one more click rather than starting again.
            end_failed_transaction()
            forms[key].form_errors.append(error.message)
    return render_template("panels/round.html", page=page, **forms), 400


@bp.post("/round/<int:round_id>/sessions")
@access("organizer", city_only=True)
def session_create(round_id: int) -> Any:
    def create(form: SessionForm) -> BaseResponse:
        spec = sessions.SessionSpec(round_id, form.group_id.data, form.name.data or "", form.held_on.data or date.min,
                                    form.starts_at.data, form.venue.data or "", form.slot_minutes.data or 8)
        sessions.create_session(current_user, spec)
        flash("场次已创建。", "success")
        return _back(round_id)

    return _submit_round_form(round_id, "session_form", create)


@bp.post("/round/<int:round_id>/distribute")
@access("organizer", city_only=True)
def distribute(round_id: int) -> BaseResponse:
    count = sessions.distribute(current_user, round_id, id_arg("group_id", request.form) or 0)
    flash(f"已将 {count} 位参赛人平均分配到各场次。", "success")
    return _back(round_id)


@bp.post("/round/<int:round_id>/panels/draw")
@access("organizer", city_only=True)
def panel_draw(round_id: int) -> Any:
    def drawn(form: DrawForm) -> BaseResponse:
        minimums = {f: getattr(form, f"min_{f}").data or 0 for f in JUDGE_FIELDS}
        panel = services.draw_random(current_user, pages.panel_spec(round_id, form), form.size.data or 0, minimums)
        flash(f"已随机抽取评委组“{panel.name}”（种子 {panel.seed}）。", "success")
        return redirect(url_for("panels.panel_page", panel_id=panel.id))

    return _submit_round_form(round_id, "draw_form", drawn)


@bp.post("/round/<int:round_id>/panels/manual")
@access("organizer", city_only=True)
def panel_manual(round_id: int) -> Any:
    def chosen(form: ManualPanelForm) -> BaseResponse:
        panel = services.create_manual(current_user, pages.panel_spec(round_id, form), form.judge_ids.data or [])
        flash(f"评委组“{panel.name}”已建立。", "success")
        return redirect(url_for("panels.panel_page", panel_id=panel.id))

    return _submit_round_form(round_id, "manual_form", chosen)


@bp.post("/round/<int:round_id>/recusals")
@access("organizer", city_only=True)
def recusal_add(round_id: int) -> Any:
    def recused(form: RecusalForm) -> BaseResponse:
        warning = services.add_recusal(current_user, round_id, form.judge_id.data, form.public_number.data or "",
                                       form.reason.data or "")
        flash("已登记回避。", "success")
        if warning:
            flash(warning, "warning")
        return _back(round_id)

    return _submit_round_form(round_id, "recusal_form", recused)


@bp.get("/panel/<int:panel_id>")
@access("organizer")
def panel_page(panel_id: int) -> str:
    return render_template("panels/panel.html", view=pages.panel_view(panel_id))


@bp.post("/panel/<int:panel_id>/delete")
@access("organizer", city_only=True)
def panel_delete(panel_id: int) -> BaseResponse:
    round_id = services.get_panel(panel_id).round_id
    services.delete_panel(current_user, panel_id)
    flash("评委组已删除。", "success")
    return _back(round_id)


@bp.get("/session/<int:session_id>")
@access("organizer")
def session_page(session_id: int) -> str:
    session = sessions.get_session(session_id)
    return render_template("panels/session.html", session=session, lines=sessions.running_order(session),
                           reproduced=sessions.reproduce_order(session_id) if session.order_seed else None)


@bp.post("/session/<int:session_id>/draw")
@access("organizer", city_only=True)
def session_draw(session_id: int) -> BaseResponse:
    sessions.draw_running_order(current_user, session_id)
    flash("出场顺序已抽签确定。", "success")
    return redirect(url_for("panels.session_page", session_id=session_id))


@bp.post("/session/<int:session_id>/order")
@access("organizer", city_only=True)
def session_order(session_id: int) -> BaseResponse:
    numbers = request.form.get("order", "").replace("，", ",").replace("\n", ",").split(",")
    sessions.set_running_order(current_user, session_id, pages.entry_ids_for(session_id, numbers))
    flash("出场顺序已保存。", "success")
    return redirect(url_for("panels.session_page", session_id=session_id))


@bp.get("/session/<int:session_id>/running-order.pdf")
@access("organizer")
def running_order_pdf(session_id: int) -> Response:
    context = pages.running_order_context(session_id)
    return download(render_pdf("running_order.html", **context), "application/pdf",
                    f"running-order-{session_id}.pdf", inline=True)


@bp.get("/session/<int:session_id>/blank-sheets.pdf")
@access("organizer")
def blank_sheets_pdf(session_id: int) -> Response:
    per = "session" if request.args.get("per") == "session" else "contestant"
    context = pages.blank_sheets_context(session_id, per)
    return download(render_pdf("blank_sheets.html", **context), "application/pdf",
                    f"blank-sheets-{session_id}.pdf", inline=True)


@bp.errorhandler(DomainError)
def on_domain_error(error: DomainError) -> Any:
    """A refused change goes back to the page it came from, with the reason; 403/404 stay error pages."""
    if error.status != 400:
        return render_error(error.status, error.message)
    flash(error.message, "danger")
    referrer = request.referrer or ""
    same_site = referrer.startswith(request.host_url)
    return redirect(referrer if same_site else url_for("panels.index"))
