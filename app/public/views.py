"""Public pages: home, certificate check and big screen entry points, and the health check (the 公示: notices.py)."""

from flask import Blueprint, render_template
from sqlalchemy import text

from app.extensions import db, limiter
from app.notices.services import current_notices, phase_of
from app.ratelimit import storage_health
from app.security import PUBLIC, access
from app.timeutil import today

bp = Blueprint("public", __name__, url_prefix="/public")
verify_bp = Blueprint("verify", __name__, url_prefix="/verify")
screen_bp = Blueprint("screen", __name__, url_prefix="/screen")
health_bp = Blueprint("health", __name__)


@bp.get("/", endpoint="home")
@access(PUBLIC)
@limiter.limit("120 per minute")
def public_home() -> str:
    return render_template("public/home.html", notices=current_notices(), phase_of=phase_of, today=today())


@verify_bp.get("/", endpoint="home")
@access(PUBLIC)
@limiter.limit("60 per minute")
def verify_home() -> str:
    return render_template("public/verify.html")


@screen_bp.get("/", endpoint="home")
@access(PUBLIC)
@limiter.limit("120 per minute")
def screen_home() -> str:
    return render_template("public/screen.html")


@health_bp.get("/healthz")
@access(PUBLIC)
def healthz() -> tuple[dict[str, str], int]:
    """200 while the product serves; "status" says "degraded" when a part runs on a fallback (monitor that)."""
    db.session.execute(text("SELECT 1"))
    rate_limit = storage_health(limiter)
    return {"status": "ok" if rate_limit == "ok" else "degraded", "database": "ok", "rate_limit": rate_limit}, 200
