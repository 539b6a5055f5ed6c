"""Adjustment use cases (record, change, withdraw — always a new version) and the scoring core's inputs."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import rules
from app.accounts.models import User
from app.adjustments.models import ADJUSTMENT_VERSIONS, VETO_VERSIONS, AdjustmentRecord, VetoRecord, VetoState
from app.adjustments.rules import fits_places, points_for, scoring_text
from app.audit import services as audit
from app.contests.current import require_writable_round
from app.contests.models import AdjustmentItem, Round
from app.contests.rounds import get_round
from app.contests.services import plain
from app.entries.models import Entry
from app.errors import DomainError, NotFoundError
from app.extensions import db

CONCURRENT = "该记录刚被他人修改，请刷新页面后重试"


NOTE_LIMIT = 200


def scoped_entry(actor: User, rnd: Round, entry_id: int) -> Entry:
    """The round's contestant; another county's contestant is unknown to a county organizer."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.contest_id != rnd.contest_id:
        raise NotFoundError("参赛人不存在")
    if not rules.may_see(actor, entry.county_id):
        raise NotFoundError("参赛人不存在")
    return entry


def adjustment_item(rnd: Round, item_id: int | None) -> AdjustmentItem:
    item = db.session.get(AdjustmentItem, item_id) if item_id else None
    if item is None or item.round_id != rnd.id:
        raise DomainError("请选择本轮的加减分项")
    return item


def rule_explanation(item: AdjustmentItem) -> str:
    """The item's rule with the rounding of part units spelled out."""
    unit = f"{plain(item.unit_size)}{item.unit_label}"
    return f"{item.rule_text}（不足{unit}按{unit}计）"


def compute(rnd: Round, item: AdjustmentItem, measure: Decimal | None) -> Decimal:
    """The signed points of a measure under the item, checked against the contest's decimals."""
    if measure is None:
        raise DomainError(f"请填写{item.unit_label}数")
    if not measure.is_finite() or measure < 0:
        raise DomainError(f"{item.unit_label}数不能为负数")
    if measure.as_tuple().exponent < -4:  # type: ignore[operator]
        raise DomainError("最多保留 4 位小数")
    if measure >= Decimal("1e8"):
        raise DomainError("数量过大")
    points = points_for(measure, item.unit_size, item.points_per_unit, item.cap)
    places = rnd.contest.places
    if not fits_places(points, places):
        raise DomainError(f"按该项规则计算为 {plain(points)} 分，超出本比武保留的 {places} 位小数，"
                          "请联系市级组织者调整该加减分项的规则")
    return points


def preview(actor: User, round_id: int, item_id: int | None, measure: Decimal | None) -> dict[str, Any]:
    """What the form shows before saving: the points and the rule, or the problem."""
    rnd = get_round(round_id)
    item = adjustment_item(rnd, item_id)
    try:
        points = compute(rnd, item, measure)
    except DomainError as error:
        return {"problem": error.message, "rule": rule_explanation(item)}
    return {"points": scoring_text(points, rnd.contest.places), "rule": rule_explanation(item),
            "measure": plain(measure or Decimal(0)), "unit": item.unit_label}


def record_fields(record: AdjustmentRecord) -> dict[str, Any]:
    return {"round": record.round_id, "entry": record.entry_id, "item": record.item_id, "version": record.version,
            "measure": plain(record.measure), "points": plain(record.points), "note": record.note,
            "withdrawn": record.withdrawn}


def history(round_id: int, entry_ids: Iterable[int] | None = None) -> list[AdjustmentRecord]:
    """Every version, newest first."""
    return versions_newest_first(AdjustmentRecord, round_id, entry_ids, AdjustmentRecord.entry,
                                 AdjustmentRecord.item, AdjustmentRecord.created_by)


def versions_newest_first(model: Any, round_id: int, entry_ids: Iterable[int] | None, *loaded: Any) -> list[Any]:
    """Every version of a round's records (adjustments or vetoes), of some entries or all, newest first, with the
    relationships `loaded` read in one query each."""
    query = select(model).where(model.round_id == round_id)
    if entry_ids is not None:
        query = query.where(model.entry_id.in_(list(entry_ids)))
    query = query.options(*(selectinload(relationship) for relationship in loaded))
    return list(db.session.execute(query.order_by(model.id.desc())).scalars())


def current(round_id: int, entry_ids: Iterable[int] | None = None) -> list[AdjustmentRecord]:
    """The latest version per contestant and item, unless it is a withdrawal; oldest first."""
    latest = ADJUSTMENT_VERSIONS.latest_of(history(round_id, entry_ids))
    return sorted((r for r in latest.values() if not r.withdrawn), key=lambda r: r.id)


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise DomainError(f"备注不能超过 {NOTE_LIMIT} 个字")
    return note


def _append(actor: User, previous: AdjustmentRecord | None, record: AdjustmentRecord, action: str) -> None:
    """Add the next version (the database refuses two writers of the same version) and audit it."""
    require_writable_round(record.round_id)
    record.supersedes_id = previous.id if previous else None
    record.created_by_id = actor.id
    ADJUSTMENT_VERSIONS.append(record, refused=CONCURRENT, after=previous.version if previous else 0)
    audit.record(action, "adjustment_record", record.id,
                 before=record_fields(previous) if previous else None, after=record_fields(record))
    db.session.commit()


@dataclass(frozen=True)
class AdjustmentInput:
    item_id: int | None
    measure: Decimal | None
    note: str


def record_adjustment(actor: User, round_id: int, entry_id: int, data: AdjustmentInput) -> AdjustmentRecord:
    """Record or change a contestant's adjustment under an item: a new version supersedes the current one."""
    rnd = get_round(round_id)
    entry = scoped_entry(actor, rnd, entry_id)
    item = adjustment_item(rnd, data.item_id)
    points = compute(rnd, item, data.measure)
    note = _note(data.note)
    previous = ADJUSTMENT_VERSIONS.latest(rnd.id, entry.id, item.id)
    assert data.measure is not None  # checked by compute
    if previous and not previous.withdrawn and previous.measure == data.measure and previous.note == note:
        raise DomainError("与现有记录相同，未作修改")
    record = AdjustmentRecord(round_id=rnd.id, entry_id=entry.id, item_id=item.id, measure=data.measure,
                              points=points, note=note)
    _append(actor, previous, record, "adjustment_changed" if previous and not previous.withdrawn
            else "adjustment_recorded")
    return record


def withdraw_adjustment(actor: User, record_id: int, note: str) -> AdjustmentRecord:
    """Withdraw a current adjustment: a new version marked withdrawn, with zero points."""
    old = db.session.get(AdjustmentRecord, record_id)
    if old is None:
        raise NotFoundError("加减分记录不存在")
    rnd = get_round(old.round_id)
    scoped_entry(actor, rnd, old.entry_id)
    previous = ADJUSTMENT_VERSIONS.latest(old.round_id, old.entry_id, old.item_id)
    if previous is None or previous.id != old.id or old.withdrawn:
        raise DomainError("该记录已被更新或撤销，请刷新页面后查看当前记录")
    record = AdjustmentRecord(round_id=old.round_id, entry_id=old.entry_id, item_id=old.item_id, withdrawn=True,
                              measure=old.measure, points=Decimal(0), note=_note(note) or "撤销")
    _append(actor, previous, record, "adjustment_withdrawn")
    return record


def scoring_adjustments(round_id: int) -> list[dict[str, str]]:
    """SCORING.md's `adjustments` of a round: current, non-zero records, by public number then item."""
    rnd = get_round(round_id)
    places = rnd.contest.places
    rows = sorted((r for r in current(round_id) if r.points != 0),
                  key=lambda r: (r.entry.public_number, r.item_id))
    for r in rows:
        if not fits_places(r.points, places):
            raise DomainError(f"参赛人 {r.entry.public_number} 的“{r.item.name}”为 {plain(r.points)} 分，"
                              f"超出本比武保留的 {places} 位小数")
    return [{"contestant": r.entry.public_number, "value": scoring_text(r.points, places), "reason": r.item.name}
            for r in rows]


def veto_effects(versions: Iterable[VetoRecord]) -> dict[tuple[int, int], VetoRecord]:
    """The latest confirmed version per (contestant, item): a veto in force, or the withdrawal that ended it."""
    latest = VETO_VERSIONS.latest_of(veto for veto in versions if veto.state == VetoState.CONFIRMED)
    return {(veto.entry_id, veto.item_id): veto for veto in latest.values()}


def vetoes_in_force(round_id: int, entry_ids: Iterable[int] | None = None) -> list[VetoRecord]:
    """The round's vetoes in force: a pending proposal (veto or withdrawal) changes nothing until confirmed."""
    query = select(VetoRecord).where(VetoRecord.round_id == round_id, VetoRecord.state == VetoState.CONFIRMED)
    if entry_ids is not None:
        query = query.where(VetoRecord.entry_id.in_(list(entry_ids)))
    query = query.options(selectinload(VetoRecord.entry), selectinload(VetoRecord.item))
    effects = veto_effects(db.session.execute(query).scalars())
    return sorted((v for v in effects.values() if not v.withdrawn), key=lambda v: v.id)


def scoring_vetoes(round_id: int) -> list[dict[str, str]]:
    """SCORING.md's `vetoes` of a round: the vetoes in force, by public number then item."""
    vetoes = sorted(vetoes_in_force(round_id), key=lambda v: (v.entry.public_number, v.item_id))
    return [{"contestant": v.entry.public_number, "reason": v.item.name} for v in vetoes]
