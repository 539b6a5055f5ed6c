"""The application factory: reads like a table of contents."""

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config
from app.capabilities import Capability, install
from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(test_config: Mapping[str, Any] | None = None,
               capabilities: Sequence[Capability] | None = None) -> Flask:
    """The app with `capabilities` plugged in (by default the product's, capability_list())."""
    app = Flask(
        __name__, instance_relative_config=True, template_folder="../templates", static_folder="../static"
    )
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)
    register_extensions(app)
    register_converters(app)
    register_capabilities(app, capability_list() if capabilities is None else capabilities)
    register_errorhandlers(app)
    register_template_helpers(app)
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
    from app.jobs import init_app as init_jobs
    from app.ratelimit import log_storage_warnings

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    log_storage_warnings()
    init_jobs(app)  # the job queue's storage (app/jobs)
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


def capability_list() -> tuple[Capability, ...]:
    """The capabilities, in order: the order mounts their blueprints and commands, and `flask audit verify` checks
    their covered tables in it (those of scores and money first, then the rules; tests/services/test_audit_covered.py
    pins the result). A capability declares itself in its package's capability.py; adding one adds one line here."""
    from app.absences.capability import CAPABILITY as absences
    from app.accounts.capability import CAPABILITY as accounts
    from app.adjustments.capability import CAPABILITY as adjustments
    from app.audit.capability import CAPABILITY as audit
    from app.contests.capability import CAPABILITY as contests
    from app.demo.capability import CAPABILITY as demo
    from app.entries.capability import CAPABILITY as entries
    from app.feedback.capability import CAPABILITY as feedback
    from app.jobs.capability import CAPABILITY as jobs
    from app.judges.capability import CAPABILITY as judges
    from app.judging.capability import CAPABILITY as judging
    from app.materials.capability import CAPABILITY as materials
    from app.me.capability import CAPABILITY as me
    from app.notices.capability import CAPABILITY as notices
    from app.organize.capability import CAPABILITY as organize
    from app.panels.capability import CAPABILITY as panels
    from app.paper.capability import CAPABILITY as paper
    from app.people.capability import CAPABILITY as people
    from app.public.capability import CAPABILITY as public
    from app.publication.capability import CAPABILITY as publication
    from app.reports.capability import CAPABILITY as reports
    from app.results.capability import CAPABILITY as results
    from app.supervise.capability import CAPABILITY as supervise

    return (accounts, organize, contests, people, judges, panels, judging, adjustments, absences, publication, results,
            paper, materials, entries, notices, feedback, reports, supervise, me, public, audit, jobs, demo)


def register_capabilities(app: Flask, capabilities: Sequence[Capability]) -> None:
    """Blueprints, commands and menu (app.capabilities); audit names and covered tables (app.audit)."""
    from app.audit import covered, labels

    install(app, capabilities)
    labels.compose(capabilities)
    covered.compose(capabilities)


def register_errorhandlers(app: Flask) -> None:
    from app.errorpages import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app.templating import register

    register(app)


def register_security(app: Flask) -> None:
    from app.security import register_security as register

    register(app)
