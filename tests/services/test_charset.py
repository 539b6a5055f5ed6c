"""A MariaDB database that cannot hold every Chinese character is refused at start and at upgrade."""

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, make_url, text

from app import check_database, create_app
from app.config import normalise_database_url
from app.db_setup import charset_problem
from app.extensions import db
from tests.conftest import MIGRATIONS, settings_for

SERVER_URL = normalise_database_url(os.environ.get("TEST_DATABASE_URL", ""))
ON_MARIADB = SERVER_URL.startswith("mysql")


def test_a_database_that_holds_chinese_text_passes_the_check(app: Flask) -> None:
    """SQLite and PostgreSQL store Unicode whatever their settings (no check); MariaDB's test database is utf8mb4."""
    with app.app_context(), db.engine.connect() as connection:
        assert charset_problem(connection) is None


@pytest.fixture(params=["latin1", "utf8mb3"])
def narrow(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """A database of its own beside the test database (test_h5 -> test_h5_latin1), in a narrow character set."""
    charset = request.param
    server = make_url(SERVER_URL)
    name = f"{server.database}_{charset}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET {charset}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False), name
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.mark.skipif(not ON_MARIADB, reason="the character set of a database is a MariaDB setting")
def test_a_narrow_mariadb_database_is_refused_at_start_and_at_upgrade(
    narrow: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    url, name = narrow
    fix = f"ALTER DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    application = create_app(settings_for(url))
    with pytest.raises(SystemExit) as stopped:
        check_database(application)
    assert stopped.value.code == 1
    assert capsys.readouterr().err.strip().endswith(fix)
    with application.app_context():
        with pytest.raises(SystemExit):
            upgrade(directory=MIGRATIONS)
        lines = capsys.readouterr().err.strip().splitlines()
        assert lines[-1].endswith(fix)
        assert inspect(db.engine).get_table_names() == []  # no migration ran
        with db.engine.begin() as connection:
            connection.execute(text(fix))
        with db.engine.connect() as connection:
            assert charset_problem(connection) is None
        with db.engine.begin() as connection:  # a table made before the database was altered keeps its set
            connection.execute(text("CREATE TABLE person (id INT PRIMARY KEY, name VARCHAR(20)) CHARACTER SET latin1"))
        with db.engine.connect() as connection:
            assert charset_problem(connection) == (
                "数据表 person 的列 name 的字符集是 latin1，存不下全部中文：请执行 "
                "ALTER TABLE `person` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        db.engine.dispose()
