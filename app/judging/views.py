"""The judge's phone (/judge/): contestants in running order, the score sheet, PIN confirmation."""

from datetime import datetime
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.db_setup import read_first
from app.errors import DomainError
from app.extensions import limiter
from app.judging import corrections, pages, sheets
from app.judging.access import assigned
from app.judging.forms import ReasonForm, ReportForm
from app.materials.services import material_for
from app.security import access

bp = Blueprint("judging", __name__, url_prefix="/judge")


def _judge_key() -> str:
    return f"judge-user:{current_user.get_id()}"


def _typed_marks() -> dict[int, str]:
    """Marks arrive as m-<criterion id> fields; anything else is ignored here and checked by the service."""
    marks = {}
    for key, value in request.form.items():
        if key.startswith("m-") and key[2:].isdigit():
            marks[int(key[2:])] = value
    return marks


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/")
@access("judge")
def home() -> str:
    return render_template("judging/home.html", rounds=pages.my_rounds(current_user), report_form=ReportForm())


@bp.get("/list")
@access("judge")
def home_list() -> str:
    """The list alone, polled every few seconds so the contestant on stage lights up without a reload."""
    return render_template("judging/_list.html", rounds=pages.my_rounds(current_user))


@bp.get("/r/<int:round_id>/e/<int:entry_id>")
@access("judge")
def sheet(round_id: int, entry_id: int) -> str:
    judge, rnd, entry = assigned(current_user, round_id, entry_id)
    return render_template("judging/sheet.html", page=pages.sheet_page(rnd, entry, judge),
                           reason_form=ReasonForm(), material=material_for(round_id, entry_id))


@bp.post("/r/<int:round_id>/e/<int:entry_id>/draft")
@access("judge")
@limiter.limit("120 per minute", key_func=_judge_key)
def draft(round_id: int, entry_id: int) -> Any:
    sheets.save_draft(current_user, round_id, entry_id, _typed_marks(), request.form.get("comment", ""))
    return jsonify({"saved": True})


@bp.post("/r/<int:round_id>/e/<int:entry_id>/review")
@access("judge")
def review(round_id: int, entry_id: int) -> Any:
    """Step 1 of 2: check the marks and show the summary with the PIN field; nothing is stored."""
    judge, rnd, entry = assigned(current_user, round_id, entry_id)
    typed, comment = _typed_marks(), request.form.get("comment", "")
    try:
        marks = sheets.parse_marks(rnd, typed)
    except DomainError as error:
        flash(error.message, "danger")
        return render_template("judging/sheet.html", page=pages.sheet_page(rnd, entry, judge, typed, comment),
                               reason_form=ReasonForm(), material=material_for(round_id, entry_id)), 400
    sheets.save_draft(current_user, round_id, entry_id, typed, comment)  # "返回修改" finds them again
    return render_template("judging/review.html", page=pages.sheet_page(rnd, entry, judge, typed, comment),
                           marks=marks, total=sum(marks.values()), deviation=False,
                           client_token=request.form.get("client_token", ""))


@bp.post("/r/<int:round_id>/e/<int:entry_id>/confirm")
@access("judge")
@limiter.limit("60 per minute", key_func=_judge_key)
@read_first
def confirm(round_id: int, entry_id: int) -> Any:
    """Step 2 of 2: the PIN confirms the sheet; the server checks everything again."""
    offline = request.form.get("confirmed_offline_at") or None
    submission = sheets.Submission(
        round_id=round_id, entry_id=entry_id, marks=_typed_marks(), comment=request.form.get("comment", ""),
        client_token=request.form.get("client_token", ""), pin=request.form.get("pin", ""),
        acknowledge_deviation=request.form.get("acknowledge_deviation") == "1",
        confirmed_offline_at=_parse_time(offline),
    )
    try:
        outcome = sheets.submit(current_user, submission)
    except DomainError as error:
        if _wants_json():
            return jsonify({"stored": False, "error": error.message}), error.status
        raise
    if _wants_json():
        if outcome.version is not None:  # the phone goes back to the list, which shows this message
            flash(_stored_message(outcome), "warning" if outcome.late else "success")
        return jsonify({"stored": outcome.version is not None, "duplicate": outcome.duplicate,
                        "late": outcome.late, "deviation": outcome.needs_deviation_check,
                        "message": sheets.DEVIATION_MESSAGE if outcome.needs_deviation_check else ""})
    if outcome.needs_deviation_check:
        judge, rnd, entry = assigned(current_user, round_id, entry_id)
        marks = sheets.parse_marks(rnd, submission.marks)
        return render_template("judging/review.html", page=pages.sheet_page(
            rnd, entry, judge, dict(submission.marks), submission.comment), marks=marks, total=sum(marks.values()),
            deviation=True, client_token=submission.client_token)
    flash(_stored_message(outcome), "warning" if outcome.late else "success")
    return redirect(url_for("judging.home"))


def _stored_message(outcome: sheets.Outcome) -> str:
    if outcome.late:
        return "评分已保存，但提交时评分窗口已关闭：作为迟交评分表，由组织者审核后计入。"
    return "该评分表此前已提交成功，未重复保存。" if outcome.duplicate else "评分表已提交并锁定。"


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        raise DomainError("离线确认时间格式无效") from None


@bp.post("/r/<int:round_id>/e/<int:entry_id>/correction")
@access("judge")
def correction(round_id: int, entry_id: int) -> Response:
    form = ReasonForm()
    if not form.validate_on_submit():
        raise DomainError("请填写申请更正的理由（不超过200字）")
    corrections.request_correction(current_user, round_id, entry_id, form.reason.data or "")
    flash("已申请更正，组织者重新开放后即可修改并再次提交。", "info")
    return redirect(url_for("judging.sheet", round_id=round_id, entry_id=entry_id))


@bp.post("/report")
@access("judge")
def report() -> Response:
    form = ReportForm()
    if not form.validate_on_submit():
        raise DomainError("请填写问题（不超过300字）")
    corrections.report_problem(current_user, request.form.get("round_id", type=int),
                               request.form.get("entry_id", type=int), form.message.data or "")
    flash("问题已发送到组织者工作台。", "success")
    back = request.form.get("back") or ""
    return redirect(back if back.startswith("/judge/") else url_for("judging.home"))
