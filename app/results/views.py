"""Results pages: organizers preview and publish (/organize/results/), supervisors sign off (/supervise/results/).

Results are computed and published by the city: a county organizer sees only the index (the menu
links it), which sends them to the published 公示 and reports, never the city's unpublished preview.
"""

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app import signals
from app.contests.current import current_contest
from app.downloads import download
from app.errors import DomainError
from app.publication.packages import published_package
from app.results import awards, services
from app.results.assemble import all_scopes
from app.security import access

awards_rows = 5  # bands per group on the form
bp = Blueprint("results", __name__, url_prefix="/organize/results")
supervise_bp = Blueprint("supervise_results", __name__, url_prefix="/supervise/results")


def _index(audience: str) -> str:
    """The scopes of the current contest, each with its newest 公示 (version, phase, objections waiting)."""
    contest = current_contest()
    scopes = [] if contest is None else all_scopes(contest)
    # The notices answer with each scope's newest 公示 (results sit below notices and do not import them).
    states = {} if contest is None else {
        key: line for _, lines in signals.publication_lines.send(contest.id) for key, line in lines.items()}
    return render_template("results/index.html", contest=contest, scopes=scopes, states=states, audience=audience)


@bp.get("/")
@access("organizer")
def index() -> str:
    return _index("organize")


@bp.get("/<int:contest_id>/awards")
@access("organizer", city_only=True)
def awards_page(contest_id: int) -> str:
    contest = services.get_contest(contest_id)
    return render_template("results/awards.html", contest=contest, bands=awards.bands_of(contest),
                           kinds=awards.KINDS, rows=range(1, awards_rows + 1))


@bp.post("/<int:contest_id>/awards/<int:group_id>")
@access("organizer", city_only=True)
def awards_save(contest_id: int, group_id: int) -> BaseResponse:
    contest = services.get_contest(contest_id)
    bands = [awards.BandInput(request.form.get(f"name-{i}", ""), request.form.get(f"kind-{i}", ""),
                              request.form.get(f"value-{i}", "")) for i in range(1, awards_rows + 1)]
    try:
        awards.set_bands(current_user, contest, group_id, bands)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash("奖项设置已保存。", "success")
    return redirect(url_for("results.awards_page", contest_id=contest_id))


@bp.get("/<int:contest_id>/<scope>")
@access("organizer", city_only=True)
def preview(contest_id: int, scope: str) -> str:
    return render_template("results/preview.html", view=services.preview(contest_id, scope), audience="organize",
                           typed={})


@bp.post("/<int:contest_id>/<scope>/publish")
@access("organizer", city_only=True)
def publish(contest_id: int, scope: str) -> BaseResponse | tuple[str, int]:
    confirmed = request.form.get("confirm_after_final") == "y"
    reason = request.form.get("final_reason", "")
    try:
        version = services.publish(current_user, contest_id, scope, request.form.get("package_hash", ""),
                                   confirm_after_final=confirmed, final_reason=reason)
    except DomainError as error:
        if error.status != 400:
            raise
        # The page again, with why and with what was typed: a reason written for a finalized result is kept.
        flash(error.message, "danger")
        return render_template("results/preview.html", view=services.preview(contest_id, scope),
                               audience="organize", typed={"confirmed": confirmed, "reason": reason}), 400
    flash(f"已发布第 {version.number} 版。", "success")
    return redirect(url_for("results.preview", contest_id=contest_id, scope=scope))


@bp.get("/<int:contest_id>/<scope>/v<int:number>/package.json")
@access("organizer", city_only=True)
def package(contest_id: int, scope: str, number: int) -> Response:
    return _package_response(contest_id, scope, number)


@supervise_bp.get("/")
@access("supervisor")
def index_for_supervisor() -> str:
    return _index("supervise")


@supervise_bp.get("/<int:contest_id>/<scope>")
@access("supervisor")
def preview_for_supervisor(contest_id: int, scope: str) -> str:
    return render_template("results/preview.html", view=services.preview(contest_id, scope), audience="supervise",
                           typed={})


@supervise_bp.post("/<int:contest_id>/<scope>/sign")
@access("supervisor")
def sign(contest_id: int, scope: str) -> BaseResponse:
    services.sign_off(current_user, contest_id, scope, request.form.get("package_hash", ""),
                      request.form.get("note", ""))
    flash("已签核：本结果的审计包哈希已记录。", "success")
    return redirect(url_for("supervise_results.preview_for_supervisor", contest_id=contest_id, scope=scope))


@supervise_bp.get("/<int:contest_id>/<scope>/v<int:number>/package.json")
@access("supervisor")
def package_for_supervisor(contest_id: int, scope: str, number: int) -> Response:
    return _package_response(contest_id, scope, number)


def _package_response(contest_id: int, scope: str, number: int) -> Response:
    version = services.get_version(contest_id, scope, number)
    body = json.dumps(dict(published_package(version.id)), ensure_ascii=False, indent=1)
    name = f"package-{contest_id}-{scope.replace(':', '-')}-v{number}.json"
    return download(body, "application/json", name)
