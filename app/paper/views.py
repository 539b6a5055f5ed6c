"""Paper entry pages (/organize/paper/, clerks and organizers) and scans for supervisors (/supervise/paper/)."""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app import rules
from app.downloads import as_download
from app.errors import DomainError
from app.ids import id_arg, id_of
from app.judging.sheets import MarksRefused
from app.panels.questions import is_absent
from app.paper import pages, services, storage
from app.paper.forms import PaperForm, ReconcileForm
from app.paper.models import PaperStage
from app.security import access

bp = Blueprint("paper", __name__, url_prefix="/organize/paper")
supervise_bp = Blueprint("paper_supervise", __name__, url_prefix="/supervise/paper")

# Only the scan itself, shown inline: an image or the browser's PDF viewer, nothing else.
SCAN_CSP = "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def _typed_marks() -> dict[int, str]:
    """Marks arrive as m-<criterion id> fields; the service checks every criterion."""
    keyed = ((id_of(k[2:]), v) for k, v in request.form.items() if k.startswith("m-"))
    return {criterion_id: v for criterion_id, v in keyed if criterion_id is not None}


def _scan_bytes() -> bytes | None:
    upload = request.files.get("scan")
    if upload is None or not upload.filename:
        return None
    return upload.stream.read(storage.SCAN_LIMIT + 1)  # one byte more tells "too large"


@bp.get("/")
@access("clerk", "organizer")
def home() -> str:
    round_id = id_arg("round")
    judge_id = id_arg("judge")
    judges = pages.judges_for(current_user, round_id) if round_id else []
    if judge_id not in {j.id for j in judges}:
        judge_id = None
    rows = pages.contestants(current_user, round_id, judge_id) if round_id and judge_id else []
    recent = pages.recent(current_user) if rules.can_see_scans(current_user) else []
    return render_template("paper/home.html", rounds=pages.rounds_for(current_user), judges=judges, rows=rows,
                           round_id=round_id, judge_id=judge_id, waiting=pages.waiting(current_user), recent=recent)


@bp.get("/waiting")
@access("clerk", "organizer")
def waiting() -> str:
    """The work waiting, alone: the clerk's home page loads it."""
    return render_template("paper/_waiting.html", waiting=pages.waiting(current_user))


@bp.get("/find")
@access("clerk", "organizer")
def find() -> Response:
    round_id = id_arg("round") or 0
    judge_id = id_arg("judge") or 0
    try:
        entry_id = pages.find_entry(current_user, round_id, request.args.get("number", ""))
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("paper.home", round=round_id or None, judge=judge_id or None))
    return redirect(url_for("paper.entry_form", round_id=round_id, judge_id=judge_id, entry_id=entry_id))


def _render_entry(sheet: services.Sheet, form: PaperForm, typed: dict[int, str], status: int = 200,
                  bad: dict[int, str] | None = None) -> Any:
    stage = services.stage_of(sheet)
    may_reconcile = stage.state == PaperStage.MISMATCH and rules.can_reconcile(current_user, stage.typists)
    return render_template("paper/entry.html", sheet=sheet, stage=stage, form=form, typed=typed,
                           absent=is_absent(sheet.round.id, sheet.entry.id),
                           mine=stage.entered_by(current_user.id), may_reconcile=may_reconcile,
                           labels=pages.STATE_LABELS, bad=bad or {}), status


@bp.route("/r/<int:round_id>/j/<int:judge_id>/e/<int:entry_id>", methods=["GET", "POST"])
@access("clerk", "organizer")
def entry_form(round_id: int, judge_id: int, entry_id: int) -> Any:
    sheet = services.locate(current_user, round_id, judge_id, entry_id)
    form = PaperForm()
    if request.method == "GET":
        return _render_entry(sheet, form, {})
    typed = _typed_marks()
    if not form.validate_on_submit():
        return _render_entry(sheet, form, typed, 400)
    try:
        outcome = services.enter(current_user, services.PaperInput(
            round_id, judge_id, entry_id, typed, form.comment.data or "", _scan_bytes()))
    except DomainError as error:
        flash(error.message, "danger")
        return _render_entry(sheet, form, typed, error.status,
                             error.by_criterion if isinstance(error, MarksRefused) else {})
    number = sheet.entry.public_number
    if outcome.state == PaperStage.COUNTED and outcome.version is not None:
        flash(f"{number}：两遍录入一致，评分表已计分（合计 {outcome.version.total.normalize():f} 分）。", "success")
    elif outcome.state == PaperStage.MISMATCH:
        flash(f"{number}：两遍录入不一致，已转交第三人对照纸质表核对。", "warning")
    else:
        flash(f"{number}：第1遍录入已保存，须由另一名录入员录入第2遍。", "success")
    return redirect(url_for("paper.home", round=round_id, judge=judge_id))


@bp.route("/r/<int:round_id>/j/<int:judge_id>/e/<int:entry_id>/reconcile", methods=["GET", "POST"])
@access("clerk", "organizer")
def reconcile(round_id: int, judge_id: int, entry_id: int) -> Any:
    sheet = services.locate(current_user, round_id, judge_id, entry_id)
    stage = services.stage_of(sheet)
    services.may_reconcile(current_user, stage)
    form = ReconcileForm()
    view = pages.mismatch(sheet, stage)
    typed = {line.criterion.id: line.first for line in view.lines if not line.differs}
    if request.method == "GET" and not view.comment_differs:
        form.comment.data = view.first_comment
    status = 200
    if request.method == "POST":
        typed, status = _typed_marks(), 400
        if form.validate_on_submit():
            try:
                settled = services.reconcile(current_user, round_id, judge_id, entry_id, typed,
                                             form.comment.data or "", form.reason.data or "",
                                             no_comment=bool(form.no_comment.data))
            except DomainError as error:
                flash(error.message, "danger")
                status = error.status
            else:
                flash(f"{sheet.entry.public_number}：已按纸质表核对并计分（核对理由：{settled.reason}）。", "success")
                return redirect(url_for("paper.home", round=round_id, judge=judge_id))
    return render_template("paper/reconcile.html", sheet=sheet, view=view, form=form, typed=typed,
                           show_scans=rules.can_see_scans(current_user)), status


def _send_scan(paper_id: int) -> Response:
    path, mime, name = services.scan_file(current_user, paper_id)
    response = send_file(path, mimetype=mime)
    response.headers["Content-Security-Policy"] = SCAN_CSP
    return as_download(response, name, inline=True, fallback="scan")


@bp.get("/scan/<int:paper_id>")
@access("organizer")
def scan(paper_id: int) -> Response:
    return _send_scan(paper_id)


@supervise_bp.get("/")
@access("supervisor")
def supervise_list() -> str:
    return render_template("paper/supervise.html", recent=pages.recent(current_user, limit=200))


@supervise_bp.get("/scan/<int:paper_id>")
@access("supervisor")
def supervise_scan(paper_id: int) -> Response:
    return _send_scan(paper_id)
