"""Per-database connection settings: SQLite WAL and write locks, MariaDB lock release."""

from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
        # A state-changing request (or CLI work) takes the write lock up front: two writers
        # never read the same audit head, and no deferred transaction fails on upgrade.
        writes = not has_request_context() or request.method not in SAFE_METHODS
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


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
