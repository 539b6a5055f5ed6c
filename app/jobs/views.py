"""A job's status panel (polled by htmx) and 重新运行, under each audience's prefix with its roles."""

from flask import Blueprint, abort, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from app.extensions import db
from app.jobs import services
from app.redirects import same_site_path
from app.security import access

# Audience prefix -> the roles its pages are for (tests/web/test_access.py: a route lives under its audience).
AREAS: dict[str, tuple[str, ...]] = {"supervise": ("supervisor",), "organize": ("organizer", "clerk")}


def panel_endpoint(area: str) -> str:
    return f"{area}_jobs.panel"


def area_blueprint(area: str, roles: tuple[str, ...]) -> Blueprint:
    """`<area>_jobs.panel` and `<area>_jobs.rerun` at /<area>/jobs/<id>, for the area's roles."""
    bp = Blueprint(f"{area}_jobs", __name__, url_prefix=f"/{area}/jobs")

    @bp.get("/<int:job_id>")
    @access(*roles)
    def panel(job_id: int) -> str:
        job = services.visible(job_id, current_user) or abort(404)
        return render_template("jobs/panel.html", job=job, area=area)

    @bp.post("/<int:job_id>/rerun")
    @access(*roles)
    def rerun(job_id: int) -> str | Response:
        job = services.visible(job_id, current_user) or abort(404)
        again = services.rerun(job, current_user)
        db.session.commit()
        if request.headers.get("HX-Request"):
            return render_template("jobs/panel.html", job=services.visible(again, current_user), area=area)
        return redirect(same_site_path(job.page) or f"/{area}/")

    return bp


BLUEPRINTS = [area_blueprint(area, roles) for area, roles in AREAS.items()]
