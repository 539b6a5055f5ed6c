"""The organizers' scoring desk (/organize/desk/): open and close scoring, reopen sheets, accept late ones; progress."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app import rules
from app.downloads import download
from app.errorpages import render_error
from app.errors import DomainError
from app.excel import XLSX_MIMETYPE, table_workbook
from app.ids import id_arg
from app.judging import corrections, progress, windows
from app.judging.desk import desk
from app.judging.history import sheet_chooser, sheet_history
from app.redirects import same_site_path
from app.security import access

bp = Blueprint("desk", __name__, url_prefix="/organize/desk")
# Scoring progress kept its address beside the panels it counts (/organize/panels/round/<id>/progress).
progress_bp = Blueprint("progress", __name__, url_prefix="/organize/panels")


def _back(round_id: int) -> Response:
    return redirect(url_for("desk.round_desk", round_id=round_id))


@bp.get("/round/<int:round_id>")
@access("organizer")
def round_desk(round_id: int) -> str:
    return render_template("judging/desk.html", desk=desk(round_id, rules.county_of(current_user),
                                                          all_reports=request.args.get("reports") == "all"))


@bp.get("/sheets")
@access("organizer")
def sheets() -> str:
    return render_template("judging/sheets.html", detail_endpoint="desk.sheet", **sheet_chooser(
        id_arg("round"), request.args.get("number"), rules.county_of(current_user)))


@bp.get("/sheet/<int:sheet_id>")
@access("organizer")
def sheet(sheet_id: int) -> str:
    return render_template("judging/history.html", h=sheet_history(sheet_id, rules.county_of(current_user)))


@bp.post("/round/<int:round_id>/open")
@access("organizer", city_only=True)
def open_scoring(round_id: int) -> Response:
    windows.open_window(current_user, round_id, id_arg("session_id", request.form),
                        id_arg("entry_id", request.form))
    flash("评分已开放。", "success")
    return _back(round_id)


@bp.post("/round/<int:round_id>/close/<int:window_id>")
@access("organizer", city_only=True)
def close_scoring(round_id: int, window_id: int) -> Response:
    windows.close_window(current_user, window_id)
    flash("评分已关闭。", "success")
    return _back(round_id)


@bp.post("/round/<int:round_id>/sheet/<int:sheet_id>/reopen")
@access("organizer", city_only=True)
def reopen(round_id: int, sheet_id: int) -> Response:
    corrections.reopen(current_user, sheet_id, request.form.get("reason", ""))
    flash("评分表已重新开放，评委可修改后再次提交。", "success")
    return _back(round_id)


@bp.post("/round/<int:round_id>/version/<int:version_id>/accept")
@access("organizer", city_only=True)
def accept_late(round_id: int, version_id: int) -> Response:
    corrections.accept_late(current_user, version_id, request.form.get("reason", ""))
    flash("迟交评分表已接受并计入。", "success")
    return _back(round_id)


@bp.post("/report/<int:report_id>/resolve")
@access("organizer")
def resolve_report(report_id: int) -> Response:
    report = corrections.resolve_report(current_user, report_id)
    flash("已标记为已处理。", "success")
    # Only back to one of our own organizer pages (the desk or the progress page), never elsewhere.
    back = same_site_path(request.form.get("back"), under="/organize/")
    if back:
        return redirect(back)
    return _back(report.round_id) if report.round_id else redirect(url_for("organize.home"))


@bp.errorhandler(DomainError)
def refused(error: DomainError) -> Response | tuple[str, int]:
    if error.status != 400:
        return render_error(error.status, error.message)
    flash(error.message, "danger")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for("organize.home"))


@progress_bp.get("/round/<int:round_id>/progress")
@access("organizer")
def round_progress(round_id: int) -> str:
    county_id = progress.progress_county(id_arg("county"))
    session_id = id_arg("session")
    page = progress.progress_page(round_id)
    data = progress.round_progress(round_id, county_id, session_id)
    template = "judging/_progress.html" if request.headers.get("HX-Request") else "judging/progress.html"
    return render_template(template, page=page, progress=data, county_id=county_id, session_id=session_id)


@progress_bp.get("/round/<int:round_id>/progress.xlsx")
@access("organizer")
def round_progress_xlsx(round_id: int) -> Response:
    county_id = progress.progress_county(id_arg("county"))
    data = progress.round_progress(round_id, county_id, id_arg("session"))
    rows = [(p.name, p.unit, p.expected, p.submitted, p.expected - p.submitted, "、".join(p.owed))
            for p in data.judges]
    body = table_workbook("评分进度", ["评委", "单位", "应评", "已提交", "未提交", "尚未评分的参赛编号"], rows,
                          widths=[10, 18, 8, 8, 8, 60])
    return download(body, XLSX_MIMETYPE, f"progress-{round_id}.xlsx")
