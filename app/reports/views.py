"""Report pages and downloads: organizers under /organize/reports/, supervisors read-only under /supervise/reports/."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from app.contests.current import current_contest
from app.downloads import download
from app.excel import XLSX_MIMETYPE
from app.ids import id_arg
from app.reports import exports, figures
from app.reports.services import latest_by_scope
from app.results.assemble import scope_label
from app.security import access

bp = Blueprint("reports", __name__, url_prefix="/organize/reports")
supervise_bp = Blueprint("supervise_reports", __name__, url_prefix="/supervise/reports")


def _stem(contest_id: int, scope: str, number: int) -> str:
    return f"{contest_id}-{scope.replace(':', '-')}-v{number}"


def index() -> str:
    contest = current_contest()
    return render_template("reports/index.html", contest=contest,
                           scopes=latest_by_scope(contest) if contest else [], ep=request.blueprint)


def ranking_xlsx(contest_id: int, scope: str, number: int) -> Response:
    body = exports.ranking_xlsx(current_user, contest_id, scope, number)
    return download(body, XLSX_MIMETYPE, f"ranking-{_stem(contest_id, scope, number)}.xlsx")


def matrix_xlsx(contest_id: int, scope: str, number: int) -> Response:
    body = exports.matrix_xlsx(current_user, contest_id, scope, number)
    return download(body, XLSX_MIMETYPE, f"score-matrix-{_stem(contest_id, scope, number)}.xlsx")


def summary_pdf(contest_id: int, scope: str, number: int, group: str) -> Response:
    body = exports.summary_pdf(current_user, contest_id, scope, number, group)
    return download(body, "application/pdf", f"score-summary-{_stem(contest_id, scope, number)}-{group}.pdf")


def judges(contest_id: int, scope: str, number: int) -> str:
    published, rounds = figures.consistency(current_user, contest_id, scope, number)
    return render_template("reports/judges.html", published=published, rounds=rounds, ep=request.blueprint,
                           label=scope_label(published.contest, scope))


def _version_args() -> tuple[str | None, int | None]:
    scope = request.args.get("scope") or None
    number = id_arg("v")
    return scope, number if scope else None


def appraisal(contest_id: int) -> str:
    view = figures.appraisal_view(current_user, contest_id, *_version_args())
    return render_template("reports/appraisal.html", view=view, ep=request.blueprint,
                           label=scope_label(view.published.contest, view.published.version.scope))


def appraisal_county(contest_id: int, county_id: int) -> str:
    view = figures.appraisal_view(current_user, contest_id, *_version_args(), county_id=county_id)
    return render_template("reports/appraisal.html", view=view, ep=request.blueprint,
                           label=scope_label(view.published.contest, view.published.version.scope))


def appraisal_xlsx(contest_id: int) -> Response:
    body = exports.appraisal_xlsx(current_user, contest_id, *_version_args())
    return download(body, XLSX_MIMETYPE, f"appraisal-{contest_id}.xlsx")


ROUTES: list[tuple[str, Callable[..., Any]]] = [
    ("/", index),
    ("/<int:contest_id>/<scope>/v<int:number>/ranking.xlsx", ranking_xlsx),
    ("/<int:contest_id>/<scope>/v<int:number>/score-matrix.xlsx", matrix_xlsx),
    ("/<int:contest_id>/<scope>/v<int:number>/summary-<group>.pdf", summary_pdf),
    ("/<int:contest_id>/<scope>/v<int:number>/judges", judges),
    ("/<int:contest_id>/appraisal", appraisal),
    ("/<int:contest_id>/appraisal/county/<int:county_id>", appraisal_county),
    ("/<int:contest_id>/appraisal.xlsx", appraisal_xlsx),
]

# The same read-only views twice: organizers (county organizers see their county's rows) and supervisors.
for _rule, _view in ROUTES:
    bp.add_url_rule(_rule, _view.__name__, access("organizer")(_view), methods=["GET"])
    supervise_bp.add_url_rule(_rule, _view.__name__, access("supervisor")(_view), methods=["GET"])
