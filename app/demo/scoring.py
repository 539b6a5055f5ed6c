"""The demo's published plan round: panels, realistic generated sheets (bulk inserted), sign-off, publication."""

import hashlib
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from app.accounts.models import User
from app.audit import services as audit
from app.contests.demo import demo_contest
from app.contests.models import Contest, Group, Round
from app.entries.models import Entry
from app.errors import DomainError
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import Mark, ScoreSheet, SheetState, SheetVersion
from app.judging.sheets import StoreOptions, submitted_fields
from app.notices.models import ISSUING_BODY, NoticeSettings
from app.panels.models import Assignment, Panel
from app.panels.services import PanelSpec, create_manual
from app.publication.services import PUBLICATIONS
from app.result_scope import result_scope_key
from app.results import services as results

SCOPE = result_scope_key("plan")
SEED = "demo-2022-plan"
DEMO_CONTACT = ("联系电话：0353-2022100（工作日 8:30—12:00，14:30—17:30；演示号码）\n"
                "来信地址：阳泉市委组织部组织一科（邮编 045000），信封请注明“大比武公示异议”")
PANEL_SIZE = 15
PANEL_NAMES = {"township": "乡镇组评委组", "village": "村组评委组"}
CRITERION_OFFSETS = [Decimal("0.4"), Decimal("-0.1"), Decimal("-0.6"), Decimal("-0.3"), Decimal("0.2")]
# Day of the roadshow (UTC 01:00 = 09:00 in Yangquan) for each group's contestants.
FIRST_DAY = {"township": datetime(2022, 3, 15, 1, 0), "village": datetime(2022, 3, 16, 1, 0)}
COMMENTS = [
    "发展思路清晰，目标明确，建议进一步细化项目收益测算。",
    "资源禀赋分析到位，产业定位准确。",
    "项目支撑较为薄弱，建议补充具体实施计划和资金来源。",
    "路演脱稿讲述，条理清楚，回答问题准确。",
    "年度收入目标可量化，体现了“百村百万”要求。",
    "保障措施还需具体到人、到时间节点。",
    "建议加强与周边村的联合发展，放大规模效益。",
    "集体经济增收路径可行，风险防范考虑不足。",
    "汇报超时，内容偏多，重点不够突出。",
    "光伏、文旅等项目前期工作扎实，值得推广。",
    "建议用好衔接资金，盘活闲置资产。",
    "班子分工明确，责任压得实。",
    "目标偏保守，可结合资源优势适当提高。",
    "对市场需求研判不够，建议引入合作企业。",
]


@dataclass(frozen=True)
class DemoPublication:
    """What a call did: counts of what it created and the published version."""

    changed: bool
    panels: int
    sheets: int
    marks: int
    version: int
    seconds: float


def _on_step(value: float) -> Decimal:
    """A mark on the 0.5 step within 6–20 (nobody on stage scores lower in practice)."""
    halves = round(min(20.0, max(6.0, value)) * 2)
    return Decimal(halves) / 2


def _scaled(value: Decimal, maximum: Decimal) -> Decimal:
    """A mark drawn out of 20, as the same share of another maximum, on the 0.5 step."""
    halves = (value * maximum / 20 * 2).to_integral_value()
    return min(maximum, halves / 2)


def generate_marks(rng: random.Random, qualities: dict[int, float], biases: dict[int, float],
                   pairs: list[tuple[int, int, str]], criteria: int) -> dict[tuple[int, int], list[Decimal]]:
    """Each contestant's latent quality plus each judge's small bias plus noise, per criterion."""
    marks = {}
    for entry_id, judge_id, group in pairs:
        base = 15.0 + (0.5 if group == "township" else 0.0) + 1.2 * qualities[entry_id] + biases[judge_id]
        marks[(entry_id, judge_id)] = [
            _on_step(base + float(CRITERION_OFFSETS[i % len(CRITERION_OFFSETS)]) + rng.gauss(0, 0.9))
            for i in range(criteria)]
    return marks


def _contest() -> tuple[Contest, Round]:
    contest = demo_contest()
    if contest is None:
        raise DomainError("请先加载演示数据（flask demo load）")
    rnd = next(r for r in contest.rounds if r.code == "plan")
    return contest, rnd


def _user(username: str) -> User:
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise DomainError(f"演示账号 {username} 不存在")
    return user


def _ensure_panels(contest: Contest, rnd: Round, admin: User) -> int:
    """Fifteen city-department judges per group (no recusals): the first and the last fifteen of the pool."""
    city_judges = list(db.session.execute(select(Judge.id).where(
        Judge.contest_id == contest.id, Judge.home_county_id.is_(None), Judge.active).order_by(Judge.id)).scalars())
    if len(city_judges) < PANEL_SIZE:
        raise DomainError("演示评委库不足15位市直评委")
    choice = {"township": city_judges[:PANEL_SIZE], "village": city_judges[-PANEL_SIZE:]}
    created = 0
    for group in contest.groups:
        if group.parent_id is not None or group.code not in choice:
            continue
        if db.session.execute(select(Panel.id).where(Panel.round_id == rnd.id, Panel.group_id == group.id)).first():
            continue
        create_manual(admin, PanelSpec(rnd.id, group.id, PANEL_NAMES[group.code]), choice[group.code])
        created += 1
    return created


def _insert_sheets(contest: Contest, rnd: Round) -> tuple[int, int]:
    """Every assignment's sheet, version 1 and marks, by Core bulk inserts; each version's audit event in one
    bulk append, and one event summarising the generation."""
    pairs = db.session.execute(
        select(Assignment.entry_id, Assignment.judge_id, Group.code, Entry.public_number, Judge.user_id)
        .join(Entry, Entry.id == Assignment.entry_id).join(Group, Group.id == Entry.group_id)
        .join(Judge, Judge.id == Assignment.judge_id)
        .where(Assignment.round_id == rnd.id).order_by(Entry.public_number, Assignment.judge_id)).tuples().all()
    rng = random.Random(SEED)
    entries = sorted({(number, entry_id) for entry_id, _, _, number, _ in pairs})
    qualities = {entry_id: rng.gauss(0, 1) for _, entry_id in entries}
    biases = {judge_id: rng.gauss(0, 0.6) for judge_id in sorted({p[1] for p in pairs})}
    marks = generate_marks(rng, qualities, biases, [(e, j, g) for e, j, g, _, _ in pairs], len(rnd.criteria))
    maxima = [c.max_points for c in rnd.criteria]
    if any(m != 20 for m in maxima):  # marks are drawn on a 20-point scale: bring them to each maximum
        marks = {key: [_scaled(v, m) for v, m in zip(values, maxima, strict=True)] for key, values in marks.items()}
    order = {entry_id: i for i, (_, entry_id) in enumerate(entries)}
    when = {e: FIRST_DAY[g] + timedelta(minutes=3 * (order[e] % 200), days=order[e] // 200 if g == "village" else 0)
            for e, _, g, _, _ in pairs}
    db.session.execute(insert(ScoreSheet.__table__), [
        {"round_id": rnd.id, "entry_id": e, "judge_id": j, "state": SheetState.SUBMITTED, "created_at": when[e],
         "correction_reason": ""} for e, j, _, _, _ in pairs])
    sheet_ids = dict(((e, j), s) for s, e, j in db.session.execute(select(
        ScoreSheet.id, ScoreSheet.entry_id, ScoreSheet.judge_id).where(ScoreSheet.round_id == rnd.id)).tuples())
    db.session.execute(insert(SheetVersion.__table__), [
        {"sheet_id": sheet_ids[(e, j)], "number": 1, "client_token": f"demo-plan-{sheet_ids[(e, j)]}",
         "total": sum(marks[(e, j)], Decimal(0)), "source": "phone", "entered_by_id": user_id,
         "confirmed_at": when[e] + timedelta(minutes=2, seconds=j % 50), "deviation_flag": False, "late": False,
         "counted": True, "reason": "", "comment": rng.choice(COMMENTS) if rng.random() < 1 / 3 else ""}
        for e, j, _, _, user_id in pairs])
    version_ids = dict(db.session.execute(select(SheetVersion.sheet_id, SheetVersion.id).join(
        ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id).where(ScoreSheet.round_id == rnd.id)).tuples().all())
    criterion_ids = [c.id for c in rnd.criteria]
    rows = [{"version_id": version_ids[sheet_ids[(e, j)]], "criterion_id": cid, "value": value}
            for e, j, _, _, _ in pairs for cid, value in zip(criterion_ids, marks[(e, j)], strict=True)]
    db.session.execute(insert(Mark.__table__), rows)
    # Each version's sheet_submitted event, as store_version() writes it, in one bulk append.
    audit.record_many(("sheet_submitted", "score_sheet", sheet_ids[(e, j)], submitted_fields(
        (rnd.id, rnd.code), (e, number), j, 1, dict(zip(criterion_ids, marks[(e, j)], strict=True)),
        StoreOptions(client_token=f"demo-plan-{sheet_ids[(e, j)]}", source="phone", entered_by_id=user_id)))
        for e, j, _, number, user_id in pairs)
    digest = hashlib.sha256("".join(
        f"{number},{j},{i},{value}\n" for e, j, _, number, _ in pairs
        for i, value in enumerate(marks[(e, j)], start=1)).encode()).hexdigest()
    comments = db.session.execute(select(func.count(SheetVersion.id)).join(ScoreSheet).where(
        ScoreSheet.round_id == rnd.id, SheetVersion.comment != "")).scalar_one()
    audit.record("demo_sheets_generated", "round", rnd.id, after={
        "contest_id": contest.id, "round": rnd.code, "sheets": len(pairs), "marks": len(rows),
        "comments": comments, "seed": SEED, "marks_sha256": digest})
    db.session.commit()
    return len(pairs), len(rows)


def publish_demo_plan_round() -> DemoPublication:
    """Panels, sheets, sup1's sign-off and admin's publication of the plan round; a second call changes nothing."""
    started = time.perf_counter()
    contest, rnd = _contest()
    existing = PUBLICATIONS.latest_number(contest.id, SCOPE)
    if existing:
        return DemoPublication(False, 0, 0, 0, existing, time.perf_counter() - started)
    admin, supervisor = _user("admin"), _user("sup1")
    panels = _ensure_panels(contest, rnd, admin)
    sheets = marks = 0
    if not db.session.execute(select(ScoreSheet.id).where(ScoreSheet.round_id == rnd.id).limit(1)).first():
        sheets, marks = _insert_sheets(contest, rnd)
    current = results.preview(contest.id, SCOPE)
    if current.package_hash is None or current.problems:
        raise DomainError("演示规划轮成绩不完整：" + "；".join(current.problems[:3]))
    if not current.signed:
        results.sign_off(supervisor, contest.id, SCOPE, current.package_hash, "演示数据：已核对评分表与计算结果")
    _notice_settings(contest)
    version = results.publish(admin, contest.id, SCOPE, current.package_hash)
    return DemoPublication(True, panels, sheets, marks, version.number, time.perf_counter() - started)


def _notice_settings(contest: Contest) -> None:
    """The contact lines a real 公示 carries, so the demo notice shows how to object by phone or letter."""
    if db.session.execute(select(NoticeSettings.id).where(NoticeSettings.contest_id == contest.id)).first():
        return
    db.session.add(NoticeSettings(contest_id=contest.id, period_days=5, issuing_body=ISSUING_BODY,
                                  contact=DEMO_CONTACT))
    db.session.flush()
