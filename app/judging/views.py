"""The judge's phone (/judge/): contestants in running order, the score sheet, PIN confirmation."""

import hashlib
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.wrappers import Response

from app.db_setup import read_first
from app.errorpages import render_error
from app.errors import DomainError
from app.extensions import limiter
from app.ids import id_arg, id_of
from app.judges.services import PinRefused
from app.judging import answers, corrections, overview, pages, sheets  # noqa: F401 (answers connects)
from app.judging.forms import ReasonForm, ReportForm
from app.materials.services import current_file, material_for
from app.materials.views import pdf_response
from app.panels.questions import assigned
from app.redirects import same_site_path
from app.security import access, declaration_of

bp = Blueprint("judging", __name__, url_prefix="/judge")

SIGNED_OUT = "登录已失效，请重新扫码登录"
WRONG_USER = "该评分表属于另一位评委，未提交"
CSRF_EXPIRED = "页面已过期或缺少安全令牌（CSRF），请刷新页面后重新提交。"
# What the service worker keeps for a judge without signal (static/js/sw.js); pages are cached as visited.
OFFLINE_ASSETS = ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css",
                  "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2", "css/app.css", "vendor/htmx/htmx.min.js",
                  "vendor/bootstrap/bootstrap.bundle.min.js", "js/app.js", "js/outbox.js", "js/queue_panel.js",
                  "js/queue.js", "js/sheet.js", "img/favicon.svg")


def _judge_key() -> str:
    return f"judge-user:{current_user.get_id()}"


def _typed_marks() -> dict[int, str]:
    """Marks arrive as m-<criterion id> fields; anything else is ignored here and checked by the service."""
    marks = {}
    for key, value in request.form.items():
        criterion_id = id_of(key[2:]) if key.startswith("m-") else None
        if criterion_id is not None:
            marks[criterion_id] = value
    return marks


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _from_script() -> bool:
    """A fetch from the phone's scripts or an htmx poll: answered in JSON, never with the login page."""
    return _wants_json() or request.headers.get("HX-Request") == "true"


def _signed_out() -> tuple[Response, int]:
    # The phone keeps its unsent sheets and asks the judge to sign in again (static/js/queue.js).
    return jsonify({"stored": False, "error": SIGNED_OUT, "code": "signed_out"}), 401


@bp.before_request
def answer_scripts_of_signed_out_judges() -> Any:
    """A redirect to the login page would be followed by fetch and htmx and shown as if it were the answer."""
    if current_user.is_authenticated or not _from_script():
        return None
    declaration = declaration_of(request.endpoint or "")
    if declaration is not None and declaration.allows(current_user):
        return None  # a public endpoint
    return _signed_out()


@bp.after_request
def name_the_judge(response: Response) -> Response:
    """Whose page this is: the service worker keeps each judge's pages apart on a shared phone (static/js/sw.js)."""
    # Flask-Login's id from the session, not current_user.id: after the commit the user object is expired,
    # and reloading it would open a second (on SQLite, write-locking) transaction on every confirm.
    user_id = session.get("_user_id")
    if user_id:
        response.headers["X-Judge-User"] = str(user_id)
    return response


@bp.errorhandler(CSRFError)
def csrf_refused(error: CSRFError) -> Any:
    """Checked before the view runs: a session that has ended shows up here first (no CSRF secret left)."""
    if not _from_script():
        return render_error(400, CSRF_EXPIRED)
    if not current_user.is_authenticated:
        return _signed_out()
    return jsonify({"stored": False, "error": CSRF_EXPIRED, "code": "csrf"}), 400


def _edited_at() -> int | None:
    """The phone's clock at the draft's last edit, in ms (sheet.js); None when missing or malformed."""
    text = request.form.get("draft_at", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 15 else None


@bp.get("/")
@access("judge")
def home() -> str:
    listing = overview.listing(current_user)
    return render_template("judging/home.html", listing=listing, report_form=ReportForm())


@bp.get("/list")
@access("judge")
def home_list() -> str | Response:
    """The list alone, polled every 5 s so the contestant on stage lights up without a reload. The phone sends
    back the fingerprint of the list it shows (`seen`): 204 No Content, which htmx does not swap, while that is
    still what the list would show."""
    listing = overview.listing(current_user, request.args.get("seen"))
    if listing is None:
        return Response(status=204)
    return render_template("judging/_list.html", listing=listing)


@bp.get("/rounds/<int:round_id>")
@access("judge")
def round_page(round_id: int) -> str:
    """查看全部: all the judge's contestants of one round, not polled."""
    return render_template("judging/round.html", rl=overview.round_of(current_user, round_id))


@bp.get("/session")
@access("judge")
def session_state() -> Response:
    """For the phone's scripts before sending: still signed in (else 401 above), as whom, and a fresh token."""
    return jsonify({"user_id": current_user.id, "csrf_token": generate_csrf()})


@bp.get("/sw.js")
@access("judge")
def service_worker() -> Response:
    """The service worker, served under /judge/ so that its scope covers the judge's pages (static/js/sw.js).

    Judges only, like everything under /judge/: browsers fetch a worker's script with the session cookie."""
    text, version = _service_worker_script()
    settings = {"version": version, "assets": [url_for("static", filename=name) for name in OFFLINE_ASSETS]}
    body = f"self.JUDGE_SW = {json.dumps(settings)};\n{text}"
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = url_for("judging.home")
    return response


@cache
def _service_worker_script() -> tuple[str, str]:
    """The script and a hash of it and of the assets: a deploy that changes any of them installs a new worker,
    which fetches the assets again (they are served from its cache first)."""
    static = Path(current_app.static_folder or "static")
    text = (static / "js" / "sw.js").read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode())
    for name in OFFLINE_ASSETS:
        digest.update((static / name).read_bytes())
    return text, digest.hexdigest()[:16]


@bp.get("/r/<int:round_id>/e/<int:entry_id>")
@access("judge")
def sheet(round_id: int, entry_id: int) -> str:
    judge, rnd, entry = assigned(current_user, round_id, entry_id)
    return render_template("judging/sheet.html", page=pages.sheet_page(rnd, entry, judge),
                           reason_form=ReasonForm(), material=material_for(round_id, entry_id),
                           draft_at=sheets.draft_time_of(judge.id, rnd.id, entry.id))


@bp.post("/r/<int:round_id>/e/<int:entry_id>/draft")
@access("judge")
@limiter.limit("120 per minute", key_func=_judge_key)
def draft(round_id: int, entry_id: int) -> Any:
    sheets.save_draft(current_user, round_id, entry_id, _typed_marks(), request.form.get("comment", ""),
                      _edited_at())
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
    sheets.save_draft(current_user, round_id, entry_id, typed, comment, _edited_at())  # "返回修改" finds them
    return render_template("judging/review.html", page=pages.sheet_page(rnd, entry, judge, typed, comment),
                           marks=marks, total=sum(marks.values()), deviation=False,
                           client_token=request.form.get("client_token", ""))


@bp.post("/r/<int:round_id>/e/<int:entry_id>/confirm")
@access("judge")
@limiter.limit("60 per minute", key_func=_judge_key)
@read_first
def confirm(round_id: int, entry_id: int) -> Any:
    """Step 2 of 2: the PIN confirms the sheet; the server checks everything again."""
    queued = request.form.get("queued") == "1"  # sent from the phone's queue: no flash for a page not shown
    # A sheet confirmed by another judge on a shared phone: refused before the PIN is checked, so the judge
    # signed in now gets no PIN failure counted for it. Pages from before this field did not send it.
    claimed = request.form.get("judge_user")
    if claimed is not None and claimed != str(current_user.id):
        if _wants_json():
            return jsonify({"stored": False, "error": WRONG_USER, "code": "wrong_user"}), 400
        raise DomainError(WRONG_USER)
    try:
        submission = sheets.Submission(
            round_id=round_id, entry_id=entry_id, marks=_typed_marks(), comment=request.form.get("comment", ""),
            client_token=request.form.get("client_token", ""), pin=request.form.get("pin", ""),
            acknowledge_deviation=request.form.get("acknowledge_deviation") == "1",
            confirmed_offline_at=_parse_time(request.form.get("confirmed_offline_at") or None),
        )
        outcome = sheets.submit(current_user, submission)
    except DomainError as error:
        if _wants_json():
            refusal: dict[str, object] = {"stored": False, "error": error.message}
            if isinstance(error, PinRefused):  # the review page marks the PIN field, and stops while locked
                refusal |= {"code": "pin", "locked": error.locked}
            return jsonify(refusal), error.status
        raise
    stored = outcome.version is not None
    if _wants_json():
        if stored and not queued:  # the phone goes back to the list, which shows this message
            flash(_stored_message(outcome), "warning" if outcome.late else "success")
        answer = {"stored": stored, "duplicate": outcome.duplicate, "late": outcome.late,
                  "deviation": outcome.needs_deviation_check,
                  "message": sheets.DEVIATION_MESSAGE if outcome.needs_deviation_check else ""}
        if outcome.flagged:  # stored as is (confirmed offline): the phone tells the judge it was flagged
            answer["deviation_flag"] = True
        return jsonify(answer)
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
    return "该评分表已提交成功（重复的提交未再次保存）" if outcome.duplicate else "评分表已提交并锁定。"


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        if len(text) > 40 or not text.isascii():  # bounded, and ASCII digits only (the phone's toISOString)
            raise ValueError(text[:40])
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        # Stored as naive UTC: a time with an offset (+08:00) is converted, one without is taken as UTC.
        # Converting year 1 or 9999 with an offset leaves the calendar: OverflowError, refused like a misspelling.
        return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
    except (ValueError, OverflowError):
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


@bp.get("/materials/<int:round_id>/<int:entry_id>")
@access("judge")
def material(round_id: int, entry_id: int) -> Response:
    """A contestant's current material, for a judge the contestant is assigned to (403/404 otherwise)."""
    assigned(current_user, round_id, entry_id)
    return pdf_response(current_file(round_id, entry_id))


@bp.post("/report")
@access("judge")
def report() -> Response:
    form = ReportForm()
    if not form.validate_on_submit():
        raise DomainError("请填写问题（不超过300字）")
    corrections.report_problem(current_user, id_arg("round_id", request.form),
                               id_arg("entry_id", request.form), form.message.data or "")
    flash("问题已发送到组织者工作台。", "success")
    return redirect(same_site_path(request.form.get("back"), under="/judge/") or url_for("judging.home"))
