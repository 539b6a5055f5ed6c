"""Round use cases: dates, mode, panel rule, deviation threshold, criteria, adjustment and veto items."""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable, require_writable_round
from app.contests.models import PANEL_METHODS, ROUND_MODES, AdjustmentItem, Criterion, Round, VetoItem
from app.contests.services import LOCKED, found, plain, require_city, round_is_locked
from app.errors import DomainError
from app.extensions import db

NORMALIZE = {"none": "不标准化", "zscore": "按评委标准化（z 分数）"}
ADJUSTMENT_KINDS = {"bonus": "加分项", "penalty": "扣分项"}


def get_round(round_id: int) -> Round:
    return found(Round, round_id, "轮次")


def get_criterion(criterion_id: int) -> Criterion:
    return found(Criterion, criterion_id, "评分指标")


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (plain(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, date) else v)
            for k, v in values.items()}


def _text(value: str, what: str, limit: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise DomainError(f"{what}不能为空")
    if len(value) > limit:
        raise DomainError(f"{what}不能超过 {limit} 个字")
    return value


@dataclass(frozen=True)
class RoundSettings:
    name: str
    mode: str
    starts_on: date | None
    ends_on: date | None
    venue: str
    panel_method: str
    trim: int
    trim_from: int
    min_judges: int
    normalize: str
    deviation_points: Decimal | None
    deviation_share: Decimal | None  # a share of the round's sheet maximum, 0 < share ≤ 1


def round_fields(rnd: Round) -> dict[str, Any]:
    return _jsonable({"name": rnd.name, "mode": rnd.mode, "starts_on": rnd.starts_on, "ends_on": rnd.ends_on,
                      "venue": rnd.venue or "", "panel_method": rnd.panel_method, "trim": rnd.trim,
                      "trim_from": rnd.trim_from, "min_judges": rnd.min_judges, "normalize": rnd.normalize,
                      "deviation_points": rnd.deviation_points, "deviation_share": rnd.deviation_share})


def check_panel(method: str, trim: int, trim_from: int, min_judges: int) -> None:
    """SCORING.md's panel rule: trim ≥ 0, trim_from ≥ 2·trim + 1, min_judges ≥ 1."""
    if method not in PANEL_METHODS:
        raise DomainError("计分方法无效")
    if trim < 0:
        raise DomainError("去掉的最高分（最低分）个数不能为负数")
    if trim_from < 2 * trim + 1:
        raise DomainError(f"去掉 {trim} 个最高分和 {trim} 个最低分时，启用人数至少为 {2 * trim + 1} 位")
    if min_judges < 1:
        raise DomainError("最少评委人数至少为 1 位")


def update_round(actor: User, round_id: int, data: RoundSettings) -> Round:
    """Everything of a round except its weight (set with all weights together) and its criteria."""
    require_city(actor)
    rnd = get_round(round_id)
    require_writable(rnd)
    name = _text(data.name, "轮次名称", 64)
    venue = _text(data.venue, "地点", 120, required=False)
    if data.mode not in ROUND_MODES:
        raise DomainError("评比方式无效")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise DomainError("结束日期不能早于开始日期")
    check_panel(data.panel_method, data.trim, data.trim_from, data.min_judges)
    if data.normalize not in NORMALIZE:
        raise DomainError("标准化方式无效")
    if data.deviation_points is not None and data.deviation_share is not None:
        raise DomainError("偏离阈值只能按分数或按比例设置一种")
    if data.deviation_points is not None and data.deviation_points <= 0:
        raise DomainError("偏离阈值（分）须大于 0")
    if data.deviation_share is not None and not 0 < data.deviation_share <= 1:
        raise DomainError("偏离阈值（比例）须大于 0% 且不超过 100%")
    before = round_fields(rnd)
    rnd.name, rnd.mode, rnd.starts_on, rnd.ends_on, rnd.venue = name, data.mode, data.starts_on, data.ends_on, venue
    rnd.panel_method, rnd.trim, rnd.trim_from = data.panel_method, data.trim, data.trim_from
    rnd.min_judges, rnd.normalize = data.min_judges, data.normalize
    rnd.deviation_points, rnd.deviation_share = data.deviation_points, data.deviation_share
    after = round_fields(rnd)
    if after != before:
        audit.record("round_changed", "round", rnd.id, before=before, after=after)
    db.session.commit()
    return rnd


@dataclass(frozen=True)
class CriterionInput:
    name: str
    guidance: str
    min_points: Decimal
    max_points: Decimal
    step: Decimal


def criterion_fields(c: Criterion) -> dict[str, Any]:
    return _jsonable({"round": c.round_id, "name": c.name, "guidance": c.guidance, "min_points": c.min_points,
                      "max_points": c.max_points, "step": c.step, "position": c.position})


def _check_criterion(data: CriterionInput) -> None:
    _text(data.name, "评分指标名称", 64)
    _text(data.guidance, "评分要点", 2000, required=False)
    if data.max_points <= 0:
        raise DomainError("满分须大于 0")
    if data.step <= 0:
        raise DomainError("步长须大于 0")
    if data.min_points < 0:
        raise DomainError("最低分不能为负数")
    if data.min_points > data.max_points:
        raise DomainError("最低分不能高于满分")
    if (data.max_points - data.min_points) % data.step != 0:
        raise DomainError(f"满分与最低分之差（{plain(data.max_points - data.min_points)}）"
                          f"须是步长 {plain(data.step)} 的整数倍")


def add_criterion(actor: User, round_id: int, data: CriterionInput) -> Criterion:
    require_city(actor)
    rnd = get_round(round_id)
    require_writable(rnd)
    if round_is_locked(rnd.id):
        raise DomainError(LOCKED)
    _check_criterion(data)
    criterion = Criterion(name=data.name.strip(), guidance=data.guidance.strip(), min_points=data.min_points,
                          max_points=data.max_points, step=data.step,
                          position=max((c.position for c in rnd.criteria), default=0) + 1)
    rnd.criteria.append(criterion)
    db.session.flush()
    audit.record("criterion_added", "criterion", criterion.id, after=criterion_fields(criterion))
    db.session.commit()
    return criterion


def update_criterion(actor: User, criterion_id: int, data: CriterionInput) -> Criterion:
    """Name and guidance may always change; range and step only while the round has no marks."""
    require_city(actor)
    criterion = found(Criterion, criterion_id, "评分指标")
    require_writable(criterion.round)
    _check_criterion(data)
    points = (criterion.min_points, criterion.max_points, criterion.step)
    if (data.min_points, data.max_points, data.step) != points and round_is_locked(criterion.round_id):
        raise DomainError(LOCKED)
    before = criterion_fields(criterion)
    criterion.name, criterion.guidance = data.name.strip(), data.guidance.strip()
    criterion.min_points, criterion.max_points, criterion.step = data.min_points, data.max_points, data.step
    after = criterion_fields(criterion)
    if after != before:
        audit.record("criterion_changed", "criterion", criterion.id, before=before, after=after)
    db.session.commit()
    return criterion


def remove_criterion(actor: User, criterion_id: int) -> Round:
    require_city(actor)
    criterion = found(Criterion, criterion_id, "评分指标")
    require_writable(criterion.round)
    rnd = criterion.round
    if round_is_locked(rnd.id):
        raise DomainError(LOCKED)
    before = criterion_fields(criterion)
    rnd.criteria.remove(criterion)
    db.session.flush()
    audit.record("criterion_removed", "criterion", criterion_id, before=before)
    db.session.commit()
    return rnd


def reorder_criteria(actor: User, round_id: int, ids: list[int]) -> Round:
    """The round's criteria in the order given; the ids must be exactly the round's criteria."""
    require_city(actor)
    rnd = get_round(round_id)
    require_writable(rnd)
    if sorted(ids) != sorted(c.id for c in rnd.criteria):
        raise DomainError("提交的评分指标与本轮的评分指标不一致，请刷新页面后重试")
    before = [c.id for c in rnd.criteria]
    by_id = {c.id: c for c in rnd.criteria}
    for position, cid in enumerate(ids, start=1):
        by_id[cid].position = position
    if ids != before:
        audit.record("criteria_reordered", "round", rnd.id, before=before, after=ids)
    db.session.commit()
    db.session.refresh(rnd)
    return rnd


@dataclass(frozen=True)
class AdjustmentInput:
    name: str
    kind: str
    rule_text: str
    unit_label: str
    unit_size: Decimal
    points_per_unit: Decimal
    cap: Decimal


def adjustment_rule(data: AdjustmentInput) -> str:
    """每30秒扣0.5分，最多扣2分 — the default wording when the organizer writes none."""
    verb = "加" if data.kind == "bonus" else "扣"
    return (f"每{plain(data.unit_size)}{data.unit_label.strip()}{verb}{plain(abs(data.points_per_unit))}分，"
            f"最多{verb}{plain(data.cap)}分")


def add_adjustment(actor: User, round_id: int, data: AdjustmentInput) -> AdjustmentItem:
    require_city(actor)
    rnd = get_round(round_id)
    require_writable(rnd)
    name = _text(data.name, "加减分项名称", 64)
    unit_label = _text(data.unit_label, "计量单位", 16)
    rule_text = _text(data.rule_text, "规则说明", 200, required=False) or adjustment_rule(data)
    if data.kind not in ADJUSTMENT_KINDS:
        raise DomainError("请选择加分项或扣分项")
    if data.unit_size <= 0:
        raise DomainError("每单位的数量须大于 0")
    if data.points_per_unit == 0:
        raise DomainError("每单位的分值不能为 0")
    if data.kind == "bonus" and data.points_per_unit < 0:
        raise DomainError("加分项的每单位分值须为正数")
    if data.kind == "penalty" and data.points_per_unit > 0:
        raise DomainError("扣分项的每单位分值须为负数（如 -0.5）")
    if data.cap <= 0:
        raise DomainError("最多加（扣）分须大于 0")
    item = AdjustmentItem(name=name, kind=data.kind, rule_text=rule_text, unit_label=unit_label,
                          unit_size=data.unit_size, points_per_unit=data.points_per_unit, cap=data.cap)
    rnd.adjustment_items.append(item)
    db.session.flush()
    audit.record("adjustment_item_added", "adjustment_item", item.id,
                 after=_jsonable(asdict(data) | {"round": rnd.id, "name": name, "rule_text": rule_text}))
    db.session.commit()
    return item


def _records_of(table: str, item_id: int) -> int:
    """How many adjustment or veto records use an item. By table name: app.adjustments imports this
    package, so importing its models here would make a cycle."""
    records = db.metadata.tables[table]
    return int(db.session.execute(select(func.count()).select_from(records)
                                  .where(records.c.item_id == item_id)).scalar_one())


def remove_adjustment(actor: User, item_id: int) -> Round:
    require_city(actor)
    item = found(AdjustmentItem, item_id, "加减分项")
    require_writable_round(item.round_id)
    if used := _records_of("adjustment_record", item_id):
        raise DomainError(f"加减分项“{item.name}”已有 {used} 条记录，不能删除（记录和审计包要引用它）")
    rnd = get_round(item.round_id)
    before = {"round": rnd.id, "name": item.name, "kind": item.kind, "rule_text": item.rule_text}
    rnd.adjustment_items.remove(item)
    db.session.flush()
    audit.record("adjustment_item_removed", "adjustment_item", item_id, before=before)
    db.session.commit()
    return rnd


def add_veto(actor: User, round_id: int, name: str, description: str) -> VetoItem:
    require_city(actor)
    rnd = get_round(round_id)
    require_writable(rnd)
    item = VetoItem(name=_text(name, "否决事项名称", 64), description=_text(description, "说明", 2000, required=False))
    rnd.veto_items.append(item)
    db.session.flush()
    audit.record("veto_item_added", "veto_item", item.id,
                 after={"round": rnd.id, "name": item.name, "description": item.description})
    db.session.commit()
    return item


def remove_veto(actor: User, item_id: int) -> Round:
    require_city(actor)
    item = found(VetoItem, item_id, "一票否决事项")
    require_writable_round(item.round_id)
    if used := _records_of("veto_record", item_id):
        raise DomainError(f"一票否决事项“{item.name}”已有 {used} 条记录，不能删除（记录和审计包要引用它）")
    rnd = get_round(item.round_id)
    before = {"round": rnd.id, "name": item.name, "description": item.description}
    rnd.veto_items.remove(item)
    db.session.flush()
    audit.record("veto_item_removed", "veto_item", item_id, before=before)
    db.session.commit()
    return rnd
