"""The application factory: reads like a table of contents."""

import os
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config
from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__, instance_relative_config=True, template_folder="../templates", static_folder="../static"
    )
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_security(app)
    if test_config is None:
        check_database(app)
    return app


def load_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    app.config.from_mapping(config.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(config.from_environment())
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set: run `make setup` (writes instance/config.py) or set SECRET_KEY")
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]


def check_database(app: Flask) -> None:
    """Fail at start with one clear line when the database cannot be reached or cannot hold Chinese text."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.db_setup import refuse_unless_utf8mb4

    with app.app_context():
        try:
            with db.engine.connect() as connection:
                refuse_unless_utf8mb4(connection)
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            url = db.engine.url.render_as_string(hide_password=True)
            print(f"无法连接数据库 {url}：{reason}", file=sys.stderr)
            raise SystemExit(1) from None


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table, for SQLAlchemy and Alembic)
    from app.db_setup import configure_engine
    from app.ratelimit import log_storage_warnings

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    log_storage_warnings()
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"
    with app.app_context():
        configure_engine(app, db.engine)


def register_converters(app: Flask) -> None:
    """Before any route: every `<int:…>` id is bounded (app/ids.py)."""
    from app.ids import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from app.absences.views import bp as absences_bp
    from app.accounts import loader  # noqa: F401  (registers the user loader)
    from app.accounts.views import bp as accounts_bp
    from app.adjustments.views import bp as adjustments_bp
    from app.adjustments.views import review_bp as veto_review_bp
    from app.contests.views import bp as contests_bp
    from app.feedback.views import bp as feedback_bp
    from app.judges.views import bp as judges_bp
    from app.judges.views import signin_bp as judge_signin_bp
    from app.judging.desk_views import bp as desk_bp
    from app.judging.views import bp as judging_bp
    from app.materials.views import bp as materials_bp
    from app.me.views import bp as me_bp
    from app.notices.views import bp as notices_bp
    from app.notices.views import supervise_bp as supervise_notices_bp
    from app.organize.views import bp as organize_bp
    from app.panels.views import bp as panels_bp
    from app.paper.views import bp as paper_bp
    from app.paper.views import supervise_bp as paper_supervise_bp
    from app.people.views import bp as people_bp
    from app.public.notices import public_bp as public_notices_bp
    from app.public.views import bp as public_bp
    from app.public.views import health_bp, screen_bp, verify_bp
    from app.reports.views import bp as reports_bp
    from app.reports.views import supervise_bp as reports_supervise_bp
    from app.results.views import bp as results_bp
    from app.results.views import supervise_bp as results_supervise_bp
    from app.supervise.views import bp as supervise_bp

    for blueprint in (
        accounts_bp, organize_bp, contests_bp, people_bp, judges_bp, panels_bp, desk_bp, judging_bp, judge_signin_bp,
        paper_bp, me_bp, supervise_bp, paper_supervise_bp, public_bp, verify_bp, screen_bp, health_bp, adjustments_bp,
        veto_review_bp, materials_bp, results_bp, results_supervise_bp, feedback_bp,
        notices_bp, public_notices_bp, supervise_notices_bp, reports_bp, reports_supervise_bp, absences_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_security(app: Flask) -> None:
    from app.security import register_security as register

    register(app)
