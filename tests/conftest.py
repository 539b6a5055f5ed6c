"""Shared fixtures: the app on the database named by TEST_DATABASE_URL (a fresh SQLite file when unset)."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.config import normalise_database_url
from app.extensions import db, limiter
from tests.factories import PASSWORD, World, build_world

FAST_HASH = "pbkdf2:sha256:1000"  # tests only: production keeps scrypt's standard cost
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the app touches the database: .ci/run repeats those on PostgreSQL and MariaDB."""
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.database)


def database_url(tmp_dir: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(url) if url else f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def settings_for(url: str, **extra: object) -> dict[str, object]:
    settings: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "RATELIMIT_STORAGE_URI": "memory://",
        "JOBS_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }
    settings.update(extra)
    return settings


class IsolatedClient(FlaskClient):
    """Each request starts with a clean `g`, as in production, although tests keep an app context
    pushed (else Flask-Login's cached user and Flask-WTF's cached token leak between clients)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = database_url(tmp_path_factory.mktemp("db"))
    application = create_app(settings_for(url, DOCUMENTS_FOLDER=str(tmp_path_factory.mktemp("documents"))))
    application.test_client_class = IsolatedClient
    with application.app_context():
        wipe_schema()
        # The suite runs on the models' schema; test_migrations builds it from the migrations
        # separately and checks that both agree.
        db.create_all()
    yield application


def wipe_schema() -> None:
    """Drop every table (and Alembic's version) so the migrations start from empty."""
    engine = db.engine
    db.metadata.drop_all(engine)  # children first, whatever the foreign keys
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            return
        if engine.dialect.name in ("mysql", "mariadb"):
            conn.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        names = [row[0] for row in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            if engine.dialect.name == "sqlite" else "SHOW TABLES"))]
        for name in names:
            conn.execute(text(f"DROP TABLE {engine.dialect.identifier_preparer.quote(name)}"))
        if engine.dialect.name in ("mysql", "mariadb"):
            conn.execute(text("SET FOREIGN_KEY_CHECKS=1"))


def empty_tables() -> None:
    """Delete every row between tests (children first), keeping the schema."""
    db.session.remove()
    engine = db.engine
    tables = list(reversed(db.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        mysql = engine.dialect.name in ("mysql", "mariadb")
        if mysql:  # self-referencing rows (sub-groups) need no particular order then
            conn.execute(text("SET FOREIGN_KEY_CHECKS=0"))
        for table in tables:
            conn.execute(table.delete())
        if mysql:
            conn.execute(text("SET FOREIGN_KEY_CHECKS=1"))


@pytest.fixture()
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context over empty tables and fresh rate limits."""
    with app.app_context():
        empty_tables()
        limiter.reset()
        shutil.rmtree(app.config["DOCUMENTS_FOLDER"], ignore_errors=True)  # no PDF of another test's notice
        yield app
        db.session.remove()


@pytest.fixture()
def world(ctx: Flask) -> World:
    """Two counties, a contest, and one account of every role (password 'Passw0rd!')."""
    return build_world()


@pytest.fixture()
def client(ctx: Flask) -> FlaskClient:
    return ctx.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no csrf_token field"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the real form; returns a CSRF token valid for the session."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return token
