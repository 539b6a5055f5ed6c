"""Canonical encoding and hashing of audit events (pure functions)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoring.canonical import canonical_sha256

GENESIS = "0" * 64


def event_hash(
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
) -> str:
    """SHA-256 over the previous hash and the event's canonical JSON (the scoring core's, one encoding)."""
    return canonical_sha256(
        {
            "prev": prev_hash,
            "at": at.replace(microsecond=0).isoformat(),
            "actor_id": actor_id,
            "actor": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": before,
            "after": after,
        }
    )


@dataclass(frozen=True)
class ChainBreak:
    """The first event whose link or content does not match."""

    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None
    # The last intact event's hash: written down elsewhere (a supervisor's notes), it also shows a chain
    # recomputed from some event on by someone who could write to the database.
    head: str = GENESIS


def verify_chain(events: Iterable[Any]) -> ChainReport:
    """Walk events in id order; stop at the first broken link."""
    prev = GENESIS
    checked = 0
    for ev in events:
        if ev.prev_hash != prev:
            return ChainReport(checked, ChainBreak(ev.id, "与上一条事件的哈希不衔接（事件被删除、插入或改动）"), prev)
        expected = event_hash(
            ev.prev_hash, ev.at, ev.actor_id, ev.actor_label, ev.action,
            ev.object_type, ev.object_id, ev.before, ev.after,
        )
        if expected != ev.hash:
            return ChainReport(checked, ChainBreak(ev.id, "事件内容与其哈希不符（事件被改动）"), prev)
        prev = ev.hash
        checked += 1
    return ChainReport(checked, None, prev)
