"""Contest use cases: create or copy a contest, its settings, groups and round weights; the round lock."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select

from app import rules
from app.accounts.models import User
from app.audit import services as audit
from app.audit.rules import record_rules
from app.contests.current import ContestClosed, in_progress, require_writable
from app.contests.models import (
    CONTEST_STATUSES,
    GROUP_CODES,
    ROUND_CODES,
    AdjustmentItem,
    Contest,
    ContestStatus,
    Criterion,
    Group,
    Round,
    VetoItem,
)
from app.decimals import plain
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.signals import (
    answers,
    contest_has_sheets,
    entries_per_contest,
    entries_per_group,
    group_in_use,
    round_has_marks,
)

T = TypeVar("T")
DEFAULT_ROUNDS = [("plan", "30", "roadshow"), ("service", "30", "site_visit"), ("results", "40", "exhibition")]
ABSENT_ROUND = {"zero": "缺席轮次按 0 分计入", "reweight": "只按参加的轮次重新加权"}
RANKING = {"competition": "并列占位（1, 2, 2, 4）", "dense": "并列不占位（1, 2, 2, 3）"}
LOCKED = "本轮已有评分，评分指标、分值和步长已锁定，不能修改"


def tidy(value: Decimal) -> Decimal:
    """The same decimal without trailing zeros or an exponent, for form fields: 20.0000 → 20."""
    return Decimal(plain(value))


def require_city(actor: User) -> None:
    if not rules.can_change_setup(actor):
        raise ForbiddenError("比武设置由市级组织者维护，县区组织者只能查看")


def found(model: type[T], row_id: int, what: str) -> T:
    """The row of set-up with that id, else a 404 naming `what` (比武, 组别, 轮次 …)."""
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFoundError(f"{what}不存在")
    return row


def get_contest(contest_id: int) -> Contest:
    return found(Contest, contest_id, "比武")


def get_group(group_id: int) -> Group:
    return found(Group, group_id, "组别")


def round_is_locked(round_id: int) -> bool:
    """True once any mark exists on a sheet of the round: its criteria, maxima and steps are then fixed."""
    return any(answers(round_has_marks, round_id))  # marking answers: set-up does not read its rows


@dataclass(frozen=True)
class ContestRow:
    contest: Contest
    groups: int
    rounds: int
    criteria: int
    entries: int
    weight_total: str


def list_contests() -> list[ContestRow]:
    """Every contest, newest year first, with its counts."""
    contests = db.session.execute(select(Contest).order_by(Contest.year.desc(), Contest.id.desc())).scalars().all()
    entries = _merged(answers(entries_per_contest, None))
    criteria = dict(db.session.execute(
        select(Round.contest_id, func.count(Criterion.id)).join(Criterion, Criterion.round_id == Round.id)
        .group_by(Round.contest_id)).tuples().all())
    return [ContestRow(c, sum(1 for g in c.groups if g.parent_id is None), len(c.rounds), criteria.get(c.id, 0),
                       entries.get(c.id, 0), plain(sum((r.weight for r in c.rounds), Decimal(0))))
            for c in contests]


def _check_name(year: int, name: str, except_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise DomainError("比武名称不能为空")
    if len(name) > 120:
        raise DomainError("比武名称不能超过 120 个字")
    if not 2000 <= year <= 2100:
        raise DomainError("年度须在 2000–2100 之间")
    clash = select(Contest.id).where(Contest.year == year, Contest.name == name)
    if except_id is not None:
        clash = clash.where(Contest.id != except_id)
    if db.session.execute(clash).first():
        raise DomainError(f"{year} 年度已有名为“{name}”的比武")
    return name


def contest_fields(contest: Contest) -> dict[str, Any]:
    return {"year": contest.year, "name": contest.name, "status": contest.status, "places": contest.places,
            "absent_round": contest.absent_round, "ranking": contest.ranking, "tie_break": list(contest.tie_break)}


def create_contest(actor: User, year: int, name: str) -> Contest:
    """A new contest with the two usual groups and the three usual rounds (30/30/40), no criteria yet."""
    require_city(actor)
    contest = Contest(year=year, name=_check_name(year, name), status=ContestStatus.DRAFT.value, tie_break=[])
    contest.groups = [Group(code=code, name=label, position=i) for i, (code, label) in
                      enumerate(GROUP_CODES.items(), start=1)]
    contest.rounds = [Round(code=code, name=ROUND_CODES[code], position=i, weight=Decimal(weight), mode=mode)
                      for i, (code, weight, mode) in enumerate(DEFAULT_ROUNDS, start=1)]
    db.session.add(contest)
    db.session.flush()
    audit.record("contest_created", "contest", contest.id, after=contest_fields(contest))
    record_rules(contest.rounds)
    db.session.commit()
    return contest


def _shift(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def copy_contest(actor: User, source_id: int, year: int, name: str) -> Contest:
    """Last year's structure for a new year: groups, rounds, criteria, rules; never people or marks."""
    require_city(actor)
    source = get_contest(source_id)
    contest = Contest(year=year, name=_check_name(year, name), status=ContestStatus.DRAFT.value, places=source.places,
                      absent_round=source.absent_round, ranking=source.ranking, tie_break=list(source.tie_break))
    shift = year - source.year
    copies: dict[int, Group] = {}
    for group in sorted(source.groups, key=lambda g: (g.parent_id is not None, g.position, g.id)):
        copies[group.id] = Group(code=group.code, name=group.name, position=group.position,
                                 parent=copies.get(group.parent_id) if group.parent_id else None)
        contest.groups.append(copies[group.id])
    for rnd in source.rounds:
        contest.rounds.append(Round(
            code=rnd.code, name=rnd.name, position=rnd.position, weight=rnd.weight, mode=rnd.mode,
            starts_on=_shift(rnd.starts_on, shift), ends_on=_shift(rnd.ends_on, shift), venue=None,
            panel_method=rnd.panel_method, trim=rnd.trim, trim_from=rnd.trim_from, min_judges=rnd.min_judges,
            normalize=rnd.normalize, deviation_points=rnd.deviation_points, deviation_share=rnd.deviation_share,
            criteria=[Criterion(name=c.name, guidance=c.guidance, min_points=c.min_points, max_points=c.max_points,
                                step=c.step, position=c.position) for c in rnd.criteria],
            adjustment_items=[AdjustmentItem(name=a.name, kind=a.kind, rule_text=a.rule_text, unit_label=a.unit_label,
                                             unit_size=a.unit_size, points_per_unit=a.points_per_unit, cap=a.cap)
                              for a in rnd.adjustment_items],
            veto_items=[VetoItem(name=v.name, description=v.description) for v in rnd.veto_items],
        ))
    db.session.add(contest)
    db.session.flush()
    audit.record("contest_copied", "contest", contest.id,
                 after=contest_fields(contest) | {"copied_from": source.id, "rounds": len(contest.rounds),
                                                  "groups": len(contest.groups)})
    record_rules([*contest.rounds, *(c for r in contest.rounds for c in r.criteria),
                  *(a for r in contest.rounds for a in r.adjustment_items)])
    db.session.commit()
    return contest


@dataclass(frozen=True)
class ContestSettings:
    name: str
    year: int
    status: str
    places: int
    absent_round: str
    ranking: str
    tie_break: list[str]


def update_settings(actor: User, contest_id: int, data: ContestSettings) -> Contest:
    """Name, year, status and the contest-wide scoring settings of SCORING.md."""
    require_city(actor)
    contest = get_contest(contest_id)
    name = _check_name(data.year, data.name, except_id=contest.id)
    if data.status not in CONTEST_STATUSES:
        raise DomainError("比武状态无效")
    if data.status != contest.status:  # a draft takes writes beside the one in progress: never back to one once ended
        ContestStatus.check_transition(contest.status, data.status, refused=(
            f"“{contest.name}”已结束，只能改回“进行中”（同一时间只能有一项比武进行中），不能改回“筹备中”"))
    if contest.status == ContestStatus.RUNNING and data.status == ContestStatus.DRAFT and _has_sheets(contest.id):
        raise DomainError(f"“{contest.name}”已有评分，不能改回“筹备中”：评分结束后请设为“已结束”")
    running = in_progress() if data.status == ContestStatus.RUNNING else None
    if running is not None and running.id != contest.id:  # the current contest is one, chosen here
        raise DomainError(f"“{running.name}”正在进行中，同一时间只能有一项比武进行中：请先将其设为已结束")
    if not 0 <= data.places <= 10:
        raise DomainError("保留小数位数须在 0–10 之间")
    if data.absent_round not in ABSENT_ROUND:
        raise DomainError("缺席轮次的计分方式无效")
    if data.ranking not in RANKING:
        raise DomainError("排名方式无效")
    codes = {r.code for r in contest.rounds}
    for code in data.tie_break:
        if code not in codes:
            raise DomainError(f"同分比较的轮次“{code}”不是本比武的轮次")
    if len(set(data.tie_break)) != len(data.tie_break):
        raise DomainError("同分比较的轮次不能重复")
    before = contest_fields(contest)
    contest.name, contest.year, contest.status, contest.places = name, data.year, data.status, data.places
    contest.absent_round, contest.ranking, contest.tie_break = data.absent_round, data.ranking, list(data.tie_break)
    after = contest_fields(contest)
    if before["status"] == ContestStatus.CLOSED and _but_status(after) != _but_status(before):
        db.session.rollback()  # an ended contest's results stay as they were: only its status may change
        raise ContestClosed(f"“{before['name']}”已结束，其设置不能再修改：如确需更改，请先单独将状态改回“进行中”")
    if after != before:
        audit.record("contest_settings_changed", "contest", contest.id, before=before, after=after)
    db.session.commit()
    return contest


def _has_sheets(contest_id: int) -> bool:
    """Whether any sheet version of the contest is stored: such a contest set back to a draft would keep taking
    sheets beside the next one in progress."""
    return any(answers(contest_has_sheets, contest_id))


def _but_status(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if key != "status"}


def set_weights(actor: User, contest_id: int, weights: dict[int, Decimal]) -> Contest:
    """All round weights at once, as percentages; they must sum to exactly 100."""
    require_city(actor)
    contest = get_contest(contest_id)
    require_writable(contest)
    if set(weights) != {r.id for r in contest.rounds}:
        raise DomainError("须同时填写本比武每一轮的权重")
    for rnd in contest.rounds:
        if weights[rnd.id] <= 0:
            raise DomainError(f"“{rnd.name}”的权重须大于 0")
    total = sum(weights.values(), Decimal(0))
    if total != 100:
        raise DomainError(f"权重合计为 {plain(total)}%，须为 100%")
    before = {r.code: plain(r.weight) for r in contest.rounds}
    for rnd in contest.rounds:
        rnd.weight = weights[rnd.id]
    after = {r.code: plain(r.weight) for r in contest.rounds}
    if after != before:
        audit.record("round_weights_changed", "contest", contest.id, before=before, after=after)
        db.session.flush()
        record_rules(contest.rounds)
    db.session.commit()
    return contest


def _group_name(contest: Contest, name: str, parent_id: int | None, except_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise DomainError("组别名称不能为空")
    if len(name) > 64:
        raise DomainError("组别名称不能超过 64 个字")
    if any(g.name == name and g.parent_id == parent_id and g.id != except_id for g in contest.groups):
        raise DomainError(f"已有名为“{name}”的组别")
    return name


def add_group(actor: User, contest_id: int, name: str, parent_id: int | None = None) -> Group:
    """A ranking group, or a sub-group (e.g. a county, a training class) of one."""
    require_city(actor)
    contest = get_contest(contest_id)
    require_writable(contest)
    if parent_id is not None:
        parent = next((g for g in contest.groups if g.id == parent_id), None)
        if parent is None:
            raise DomainError("所选上级组别不属于本比武")
        if parent.parent_id is not None:
            raise DomainError("子组别下不能再设子组别")
    name = _group_name(contest, name, parent_id)
    codes = {g.code for g in contest.groups}
    number = len(contest.groups) + 1
    while f"g{number}" in codes:
        number += 1
    group = Group(code=f"g{number}", name=name, parent_id=parent_id,
                  position=max((g.position for g in contest.groups), default=0) + 1)
    contest.groups.append(group)
    db.session.flush()
    audit.record("group_added", "group", group.id,
                 after={"contest": contest.id, "code": group.code, "name": name, "parent": parent_id})
    db.session.commit()
    return group


def rename_group(actor: User, group_id: int, name: str) -> Group:
    require_city(actor)
    group = get_group(group_id)
    require_writable(group.contest)
    name = _group_name(group.contest, name, group.parent_id, except_id=group.id)
    before = group.name
    group.name = name
    if name != before:
        audit.record("group_renamed", "group", group.id, before={"name": before}, after={"name": name})
    db.session.commit()
    return group


def entries_by_group(contest_id: int) -> dict[int, int]:
    """How many entries use each group or sub-group of a contest (a group in use cannot be removed)."""
    return _merged(answers(entries_per_group, contest_id))  # entries answer: set-up does not read their rows


def _merged(counts: list[dict[int, int]]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for answer in counts:
        for key, count in answer.items():
            merged[key] = merged.get(key, 0) + count
    return merged


def remove_group(actor: User, group_id: int) -> Contest:
    """Only a group that no entry uses and that has no sub-groups may go."""
    require_city(actor)
    group = get_group(group_id)
    contest = group.contest
    require_writable(contest)
    if any(g.parent_id == group.id for g in contest.groups):
        raise DomainError(f"“{group.name}”下还有子组别，请先删除子组别")
    if any(answers(group_in_use, group.id)):
        raise DomainError(f"“{group.name}”已有参赛人，不能删除")
    before = {"contest": contest.id, "code": group.code, "name": group.name, "parent": group.parent_id}
    contest.groups.remove(group)
    db.session.flush()
    audit.record("group_removed", "group", group_id, before=before)
    db.session.commit()
    return contest
