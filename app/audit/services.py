"""Appending to the audit log inside the changing transaction, serialised across workers."""

from collections.abc import Iterable
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import insert, select, text

from app.audit.chain import GENESIS, ChainReport, event_hash, verify_chain
from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutil import utcnow

PG_LOCK_KEY = 7_142_022  # any constant: one advisory lock for the whole chain
MYSQL_LOCK_NAME = "dabiwu_audit_chain"


def _lock_chain() -> None:
    """Serialise appends: only one transaction at a time reads the head and appends."""
    conn = db.session.connection()
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
    elif dialect in ("mysql", "mariadb") and not conn.info.get("audit_lock"):
        # GET_LOCK is held by the connection: released when it goes back to the pool
        # (after commit or rollback), see app.db_setup.
        conn.execute(text("SELECT GET_LOCK(:n, 30)"), {"n": MYSQL_LOCK_NAME})
        conn.info["audit_lock"] = True
    # SQLite: state-changing transactions begin IMMEDIATE (app.db_setup), which already
    # holds the single write lock.


def _actor() -> tuple[int | None, str]:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id, f"{current_user.display_name}（{current_user.username}）"
    return None, "系统"


def record(
    action: str,
    object_type: str,
    object_id: object,
    before: Any = None,
    after: Any = None,
    actor: tuple[int | None, str] | None = None,
) -> AuditEvent:
    """Append one event to the chain; the caller's transaction commits it with the change."""
    _lock_chain()
    prev = _head()
    actor_id, actor_label = actor or _actor()
    at = utcnow()
    oid = str(object_id)
    event = AuditEvent(
        at=at, actor_id=actor_id, actor_label=actor_label, action=action,
        object_type=object_type, object_id=oid, before=before, after=after, prev_hash=prev,
        hash=event_hash(prev, at, actor_id, actor_label, action, object_type, oid, before, after),
    )
    db.session.add(event)
    db.session.flush()
    return event


def _head() -> str:
    """The last event's hash (the caller holds the chain lock)."""
    head = db.session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1).with_for_update()
    ).scalar_one_or_none()
    return head or GENESIS


def record_many(events: Iterable[tuple[str, str, object, Any]], actor: tuple[int | None, str] | None = None) -> int:
    """Append (action, object_type, object_id, after) events in one bulk INSERT: the chain and hashes that
    record() would give one by one, for a bulk write (the demo's generated sheets). Returns how many."""
    _lock_chain()
    prev = _head()
    actor_id, actor_label = actor or _actor()
    at = utcnow()
    rows = []
    for action, object_type, object_id, after in events:
        oid = str(object_id)
        digest = event_hash(prev, at, actor_id, actor_label, action, object_type, oid, None, after)
        rows.append({"at": at, "actor_id": actor_id, "actor_label": actor_label, "action": action,
                     "object_type": object_type, "object_id": oid, "before": None, "after": after,
                     "prev_hash": prev, "hash": digest})
        prev = digest
    if rows:  # one executemany; ids follow the list's order, and the lock keeps any other writer out
        db.session.execute(insert(AuditEvent.__table__), rows)
    return len(rows)


def verify() -> ChainReport:
    """Walk the whole chain in id order (the chain alone: app.audit.integrity.verify also checks the data)."""
    rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000))
    return verify_chain(rows.scalars())
