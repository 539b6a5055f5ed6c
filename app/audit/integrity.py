"""`flask audit verify`: the hash chain intact, and every covered row equal to what its audit events recorded."""

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.audit import services as audit
from app.audit.chain import ChainReport, verify_chain
from app.audit.covered import REGISTRY, Covered, Fields, Recorder, Row
from app.audit.labels import OBJECTS
from app.audit.models import AuditEvent
from app.audit.rules import MODELS, rule_fields
from app.extensions import db
from app.jobs import Progress

ABSENT = "（无）"
EVENT_ROWS = 5000  # events fetched at a time


@dataclass(frozen=True)
class Mismatch:
    """A row that does not match its events: which table, row and field, stored vs recorded."""

    table: str
    row_id: str
    field: str
    stored: Any
    recorded: Any

    def describe(self) -> str:
        return (f"表 {self.table} id={self.row_id} 字段 {self.field}：现存 {_shown(self.stored)}，"
                f"审计记录 {_shown(self.recorded)}")


@dataclass(frozen=True)
class IntegrityReport:
    """The chain's report, how many covered rows were compared, and the first that does not match (if any)."""

    chain: ChainReport
    rows: int
    first_mismatch: Mismatch | None
    mismatches: int

    @property
    def ok(self) -> bool:
        return self.chain.first_break is None and self.first_mismatch is None


def _shown(value: Any) -> str:
    return ABSENT if value is None else str(value)


def _recorders() -> dict[str, tuple[str, Recorder]]:
    return {action: (c.table, recorder) for c in REGISTRY for action, recorder in c.events.items()}


def _collect(events: Iterable[Any], recorded: dict[str, dict[Hashable, Fields]]) -> Iterator[Any]:
    """Pass the events on to the chain check, keeping what each covering event recorded (later ones update)."""
    recorders = _recorders()
    for event in events:
        found = recorders.get(event.action)
        if found is not None:
            table, recorder = found
            try:
                key, fields = recorder(event.object_id, event.after)
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # an event that does not say what it should: its row then shows as unrecorded
            else:
                if fields is None:  # the row was removed by the app
                    recorded[table].pop(key, None)
                else:
                    recorded[table].setdefault(key, {}).update(fields)
        yield event


def _compare(covered: Covered, row: Row, recorded: Fields | None) -> Mismatch | None:
    if recorded is None:
        return Mismatch(covered.table, str(row.id), "（审计事件）", "本行", "无对应的审计事件")
    if row.values == recorded:
        return None
    for name in sorted(recorded):  # every field the events recorded (a current row has them all)
        stored, kept = row.values.get(name), recorded.get(name)
        if stored == kept:
            continue
        table, row_id, column = row.elsewhere.get(name, (covered.table, row.id, name))
        if isinstance(stored, dict) or isinstance(kept, dict):  # name the one value of the dict that differs
            stored, kept = stored or {}, kept or {}
            sub = min(k for k in stored.keys() | kept.keys() if stored.get(k) != kept.get(k))
            held = row_id.get(sub) if isinstance(row_id, dict) else None
            if held is None:  # no row holds it (a mark deleted): name the value on the covered row
                return Mismatch(covered.table, str(row.id), f"{name}.{sub}", stored.get(sub), kept.get(sub))
            return Mismatch(table, str(held), column, stored.get(sub), kept.get(sub))
        return Mismatch(table, str(row_id), column, stored, kept)
    return None


def verify(progress: Progress | None = None) -> IntegrityReport:
    """One pass over the events (chain and recorded values), then one streamed pass per covered table;
    `progress` (a job's) hears of each step: the chain, then each covered table."""
    steps = 1 + len(REGISTRY)
    if progress is not None:
        progress(0, steps, "核对审计日志哈希链")
    columns = (AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, AuditEvent.actor_label, AuditEvent.action,
               AuditEvent.object_type, AuditEvent.object_id, AuditEvent.before, AuditEvent.after,
               AuditEvent.prev_hash, AuditEvent.hash)
    # Core rows, streamed; the option on the statement (on the connection it would stay for later statements)
    events = db.session.connection().execute(
        select(*columns).order_by(AuditEvent.id).execution_options(yield_per=EVENT_ROWS))
    recorded: dict[str, dict[Hashable, Fields]] = {c.table: {} for c in REGISTRY}
    walk = _collect(events, recorded)
    chain = verify_chain(walk)
    for _ in walk:  # past a broken link the rest still says what was recorded
        pass
    rows, first, count = 0, None, 0
    for done, covered in enumerate(REGISTRY, 1):
        if progress is not None:
            progress(done, steps, f"核对{OBJECTS.get(covered.table, covered.table)}")
        kept = recorded[covered.table]
        for row in covered.rows():
            rows += 1
            mismatch = _compare(covered, row, kept.pop(row.key, None))
            if mismatch is not None:
                count += 1
                first = first or mismatch
        for key in kept:  # recorded, but the row is gone
            count += 1
            first = first or Mismatch(covered.table, _key_text(key), "（行）", "已不存在", "审计事件记录了此行")
    if progress is not None:
        progress(steps, steps, "核对完毕")
    return IntegrityReport(chain, rows, first, count)


def _key_text(key: Hashable) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def record_unrecorded_rules() -> int:
    """Record the rule values (app.audit.rules) that no event records yet: a database from before the rules were
    covered. A value some event already records is left alone, so a value changed behind the app stays named."""
    tables = set(MODELS.values())
    actions = [action for c in REGISTRY if c.table in tables for action in c.events]
    recorded: dict[str, dict[Hashable, Fields]] = {c.table: {} for c in REGISTRY}
    events = db.session.execute(select(AuditEvent.object_id, AuditEvent.action, AuditEvent.after)
                                .where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id))
    for _ in _collect(events, recorded):
        pass
    missing = []
    for model, table in MODELS.items():
        for row in db.session.execute(select(model).order_by(model.id)).scalars():
            known = recorded[table].get(row.id, {})
            fields = {name: value for name, value in rule_fields(row).items() if name not in known}
            if fields:
                missing.append((f"{table}_recorded", table, row.id, fields))
    count = audit.record_many(missing)
    db.session.commit()
    return count
