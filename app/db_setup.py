"""Per-database connection settings: SQLite WAL and write locks, MariaDB lock release and character set."""

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

from app.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
F = TypeVar("F", bound=Callable[..., Any])


def configure_engine(app: Flask, engine: Engine) -> None:
    """Attach the listeners each dialect needs; called once per app."""
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))
    elif engine.dialect.name in ("mysql", "mariadb"):
        _configure_mysql(engine)


def _configure_sqlite(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, emit BEGIN, so we can choose IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _takes_write_lock() else "BEGIN")


def _takes_write_lock() -> bool:
    """SQLite: a state-changing request (or CLI work) takes the write lock up front, so two writers never
    read the same audit head and no deferred transaction fails on upgrade. A hot view marked read_first
    validates in a plain read transaction and takes the lock only when it calls start_write_phase()."""
    if has_app_context() and g.get("reads_only"):  # a request or a background job that only reads
        return False
    if not has_request_context() or g.get("write_phase"):
        return True
    if request.method in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "read_first", False)


def read_first(view: F) -> F:
    """Mark a view whose reads run without the SQLite write lock until start_write_phase()."""
    view.read_first = True  # type: ignore[attr-defined]
    return view


def reads_only_from_now() -> None:
    """The rest of the request (an error page) or job (the audit check) only reads: on SQLite it must not take
    or wait for the write lock."""
    g.reads_only = True


def start_write_phase() -> None:
    """End the read-only transaction; the next one takes the write lock (SQLite) before reading again.

    Objects read so far stay loaded (not expired): the writing phase re-reads explicitly what must be
    current (the client token, the sheet's state, the PIN counters) instead of reloading everything."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()  # nothing was written: this only ends the read snapshot
    finally:
        session.expire_on_commit = True
    g.write_phase = True


def _configure_mysql(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def on_checkin(dbapi_conn: Any, record: Any) -> None:
        # The audit chain's GET_LOCK belongs to the connection: release it once the
        # transaction has ended and the connection is back in the pool.
        if record.info.pop("audit_lock", False) and dbapi_conn is not None:
            try:
                cur = dbapi_conn.cursor()
                cur.execute("SELECT RELEASE_ALL_LOCKS()")
                cur.close()
            except Exception:  # noqa: S110  (a dead connection holds no lock any more)
                pass


def charset_problem(connection: Connection) -> str | None:
    """MariaDB and MySQL: what stops the database from holding every Chinese character, with the statement
    that fixes it; None when the database and its text columns are utf8mb4, and on every other database.

    A latin1 database takes the migrations and fails on the first Chinese name, a utf8mb3 one on the first
    four-byte character (𠮷): refused at start and at upgrade instead."""
    if connection.dialect.name not in ("mysql", "mariadb"):
        return None
    name, charset = connection.execute(text("SELECT DATABASE(), @@character_set_database")).one()
    if charset != "utf8mb4":
        return (f"数据库 {name} 的字符集是 {charset}，存不下全部中文（如“𠮷”）：请先执行 "
                f"ALTER DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    column = connection.execute(text(
        "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4' "
        "ORDER BY TABLE_NAME, ORDINAL_POSITION LIMIT 1")).first()
    if column is not None:
        table, field, charset = column
        return (f"数据表 {table} 的列 {field} 的字符集是 {charset}，存不下全部中文：请执行 "
                f"ALTER TABLE `{table}` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    return None


def refuse_unless_utf8mb4(connection: Connection) -> None:
    """At start and at `flask db upgrade`: stop with one line naming the fix (see charset_problem)."""
    problem = charset_problem(connection)
    if problem is not None:
        print(problem, file=sys.stderr)
        raise SystemExit(1)
