"""The Chinese error page renders even after a database error left the request's transaction failed."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_login import current_user
from sqlalchemy import select

from app import create_app
from app.accounts.models import User
from app.extensions import db
from app.security import AUTHENTICATED, access
from tests.conftest import IsolatedClient, database_url, login, settings_for, wipe_schema
from tests.factories import build_world

GENERIC = "系统出现错误，已记录。请稍后再试，或联系组织者。"


@pytest.fixture()
def live(tmp_path: Path) -> Iterator[Flask]:
    """The app as in production (errors handled, not raised to the test), with two views that fail."""
    application = create_app(settings_for(database_url(tmp_path), TESTING=False, SQLITE_BUSY_TIMEOUT_MS=50))
    application.test_client_class = IsolatedClient

    @application.route("/organize/crash-flush", methods=["GET", "POST"])
    @access(AUTHENTICATED)
    def crash_flush() -> str:
        """A write that fails and leaves the transaction failed: on SQLite the write lock is held elsewhere
        ("database is locked": at the first statement of a POST, mid-transaction for a GET, which begins
        reading); on PostgreSQL and MariaDB the name is longer than its column."""
        user = db.session.get(User, int(current_user.get_id()))
        assert user is not None
        user.display_name = "改名" if db.engine.dialect.name == "sqlite" else "改" * 100
        db.session.flush()
        return "unreachable"

    @application.post("/organize/crash-render")
    @access(AUTHENTICATED)
    def crash_render() -> str:
        application.jinja_env.globals["url_for"] = None  # from now on every template fails to render
        raise RuntimeError("a bug")

    with application.app_context():
        wipe_schema()
        db.create_all()
        build_world()
        db.session.remove()
        yield application
        db.session.remove()


def _send(app: Flask, path: str, method: str = "POST") -> tuple[int, str]:
    client = app.test_client()
    token = login(client, "city")
    db.session.remove()  # the requests share the test's app context: end the login's transaction as teardown would
    holder = None
    if path.endswith("flush") and db.engine.dialect.name == "sqlite":
        holder = sqlite3.connect(db.engine.url.database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_write_that_fails_mid_transaction_ends_in_the_chinese_error_page(live: Flask, method: str) -> None:
    status, html = _send(live, "/organize/crash-flush", method)
    assert status == 500
    assert "系统错误" in html and GENERIC in html and "Internal Server Error" not in html
    assert '<html lang="zh-CN">' in html and "返回首页" in html  # the product's page, with its layout
    db.session.remove()
    names = db.session.execute(select(User.display_name)).scalars().all()
    assert names and not any(name.startswith("改") for name in names)


def test_an_error_page_that_cannot_render_falls_back_to_a_static_chinese_page(live: Flask) -> None:
    status, html = _send(live, "/organize/crash-render")
    assert status == 500
    assert GENERIC in html and "Internal Server Error" not in html
