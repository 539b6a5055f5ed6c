"""Panel use cases: chosen by hand or drawn at random, recusals, and the assignments they produce."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable_round
from app.contests.models import Group, Round
from app.contests.rounds import get_round
from app.entries.models import Entry
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.judge_fields import JUDGE_FIELDS
from app.judges.models import Judge
from app.panels import draw
from app.panels.models import Assignment, ContestSession, Panel, PanelMember, Recusal, SessionSlot
from app.signals import answers, sheets_exist


@dataclass(frozen=True)
class PanelSpec:
    """Where a panel scores: a round's group, optionally one session or one county (a visiting team)."""

    round_id: int
    group_id: int
    name: str
    session_id: int | None = None
    county_id: int | None = None
    recusal_scope: str = "county"


def get_panel(panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None:
        raise NotFoundError("评委组不存在")
    return panel


def covered_entries(round_id: int, group_id: int, session_id: int | None, county_id: int | None) -> list[Entry]:
    """The contestants a panel scores, in public-number order."""
    query = select(Entry).where(Entry.group_id == group_id, Entry.active).order_by(Entry.public_number)
    if session_id is not None:
        query = query.join(SessionSlot, SessionSlot.entry_id == Entry.id).where(
            SessionSlot.session_id == session_id, SessionSlot.round_id == round_id)
    if county_id is not None:
        query = query.where(Entry.county_id == county_id)
    return list(db.session.execute(query).scalars())


def _validate_spec(spec: PanelSpec) -> Round:
    rnd = get_round(spec.round_id)
    group = db.session.get(Group, spec.group_id)
    if group is None or group.contest_id != rnd.contest_id:
        raise DomainError("所选组别不属于本比武")
    if spec.session_id is not None:
        session = db.session.get(ContestSession, spec.session_id)
        if session is None or session.round_id != rnd.id or session.group_id != group.id:
            raise DomainError("所选场次不属于该轮次和组别")
    if spec.recusal_scope not in ("county", "township"):
        raise DomainError("回避范围只能是“同县区”或“同乡镇”")
    if not spec.name.strip() or len(spec.name) > 64:
        raise DomainError("请填写评委组名称（不超过64字）")
    return rnd


def _pool(contest_id: int) -> list[Judge]:
    return list(db.session.execute(
        select(Judge).join(User, User.id == Judge.user_id)
        .where(Judge.contest_id == contest_id, Judge.active, User.active).order_by(Judge.id)).scalars())


def _refuse_if_scored(round_id: int, entry_ids: Sequence[int]) -> None:
    require_writable_round(round_id)  # every change of a panel passes here
    if any(answers(sheets_exist, round_id, entry_ids=list(entry_ids))):
        raise DomainError("该评委组负责的参赛人已有评分，不能再更改评委组")


def create_manual(actor: User, spec: PanelSpec, judge_ids: Sequence[int]) -> Panel:
    """A panel of judges chosen by hand (seat order as given)."""
    rnd = _validate_spec(spec)
    pool = {j.id: j for j in _pool(rnd.contest_id)}
    if not judge_ids:
        raise DomainError("请至少选择一位评委")
    if len(set(judge_ids)) != len(judge_ids) or any(j not in pool for j in judge_ids):
        raise DomainError("所选评委不在本比武的评委库中，或重复选择")
    panel = _store(spec, list(judge_ids), "manual", None, None)
    audit.record("panel_created", "panel", panel.id, after=_summary(panel))
    db.session.commit()
    return panel


def draw_random(actor: User, spec: PanelSpec, size: int, field_minimums: dict[str, int]) -> Panel:
    """A panel drawn at random from the pool; seed, inputs and result go to the audit log."""
    rnd = _validate_spec(spec)
    entries = covered_entries(rnd.id, spec.group_id, spec.session_id, spec.county_id)
    if not entries:
        raise DomainError("该范围内没有参赛人，无法抽取评委组")
    minimums = {k: v for k, v in field_minimums.items() if v > 0}
    if any(k not in JUDGE_FIELDS for k in minimums):
        raise DomainError("领域不存在")
    pool = _pool(rnd.contest_id)
    seed = secrets.token_hex(8)
    inputs = {
        "size": size, "field_minimums": minimums, "min_judges": rnd.min_judges, "scope": spec.recusal_scope,
        "candidates": [[j.id, j.field, j.home_county_id, j.home_township_id] for j in pool],
        "places": [[e.county_id, e.township_id] for e in entries],
    }
    try:
        members = run_recorded_draw(seed, inputs)
    except draw.DrawRefused as refused:
        raise DomainError(f"无法抽取评委组：{refused.reason}") from None
    panel = _store(spec, members, "draw", seed, inputs)
    audit.record("panel_drawn", "panel", panel.id, after=_summary(panel) | {"seed": seed, "inputs": inputs})
    db.session.commit()
    return panel


def run_recorded_draw(seed: str, inputs: dict[str, object]) -> list[int]:
    """Replays a draw from its stored seed and inputs."""
    candidates = [draw.Candidate(int(c[0]), str(c[1]), c[2], c[3]) for c in inputs["candidates"]]  # type: ignore[attr-defined]
    places = [draw.Place(int(p[0]), int(p[1])) for p in inputs["places"]]  # type: ignore[attr-defined]
    # inputs["min_judges"] records the round's minimum at the draw; it is checked when the panel is stored.
    return draw.draw_panel(seed, int(inputs["size"]), dict(inputs["field_minimums"]),  # type: ignore[call-overload,arg-type]
                           str(inputs["scope"]), candidates, places)


def reproduce(panel_id: int) -> tuple[bool, list[int]]:
    """Draw again from the recorded seed and inputs: does it give the stored panel?"""
    panel = get_panel(panel_id)
    if panel.method != "draw" or panel.seed is None:
        raise DomainError("该评委组是手动选定的，没有抽签记录")
    again = run_recorded_draw(panel.seed, panel.draw_inputs)
    return again == [m.judge_id for m in panel.members], again


def _store(spec: PanelSpec, judge_ids: list[int], method: str, seed: str | None, inputs: object) -> Panel:
    entries = covered_entries(spec.round_id, spec.group_id, spec.session_id, spec.county_id)
    _refuse_if_scored(spec.round_id, [e.id for e in entries])
    _refuse_if_short_of_judges(spec, judge_ids, entries)
    panel = Panel(round_id=spec.round_id, group_id=spec.group_id, session_id=spec.session_id,
                  county_id=spec.county_id, name=spec.name.strip(), recusal_scope=spec.recusal_scope,
                  method=method, seed=seed, draw_inputs=inputs)
    panel.members = [PanelMember(judge_id=j, seat=i) for i, j in enumerate(judge_ids, start=1)]
    db.session.add(panel)
    db.session.flush()
    rebuild_assignments(panel, entries)
    return panel


def _refuse_if_short_of_judges(spec: PanelSpec, judge_ids: list[int], entries: Sequence[Entry]) -> None:
    """Drawn or hand-picked, a panel must leave each covered contestant the round's minimum of judges after
    recusal (counting their judges on the round's other panels); else nothing is stored and they are named."""
    rnd = get_round(spec.round_id)
    numbers = {e.id: e.public_number for e in entries}
    judges = db.session.execute(select(Judge).where(Judge.id.in_(judge_ids))).scalars().all()
    members = [draw.Candidate(j.id, j.field, j.home_county_id, j.home_township_id) for j in judges]
    recused = {(judge, numbers[entry]) for judge, entry in db.session.execute(
        select(Recusal.judge_id, Recusal.entry_id).where(Recusal.round_id == rnd.id)).tuples() if entry in numbers}
    elsewhere: dict[str, int] = {}
    for (entry_id,) in db.session.execute(select(Assignment.entry_id).where(
            Assignment.round_id == rnd.id, Assignment.entry_id.in_(list(numbers)))).tuples():
        elsewhere[numbers[entry_id]] = elsewhere.get(numbers[entry_id], 0) + 1
    covered = {e.public_number: draw.Place(e.county_id, e.township_id) for e in entries}
    short = draw.short_of_judges(members, covered, spec.recusal_scope, rnd.min_judges, recused, elsewhere)
    if short:
        named = "、".join(f"{number}（{left}人）" for number, left in list(short.items())[:10])
        more = f"等 {len(short)} 人" if len(short) > 10 else f"共 {len(short)} 人"
        raise DomainError(f"回避后以下参赛人的评委少于本轮最少评委数（{rnd.min_judges}人）：{named}，{more}。"
                          "请增加评委或调整回避范围后再试，评委组未保存。")


def rebuild_assignments(panel: Panel, entries: Sequence[Entry] | None = None) -> int:
    """Members × covered entries − recusals; automatic recusals are recorded as rows with a reason."""
    if entries is None:
        entries = covered_entries(panel.round_id, panel.group_id, panel.session_id, panel.county_id)
    db.session.execute(delete(Assignment).where(Assignment.panel_id == panel.id))
    recused = set(db.session.execute(select(Recusal.judge_id, Recusal.entry_id).where(
        Recusal.round_id == panel.round_id)).tuples())
    member_ids = [m.judge_id for m in panel.members]
    taken = set(db.session.execute(select(Assignment.judge_id, Assignment.entry_id).where(
        Assignment.round_id == panel.round_id, Assignment.panel_id != panel.id,
        Assignment.judge_id.in_(member_ids))).tuples())
    scope_label = "同乡镇" if panel.recusal_scope == "township" else "同县区"
    rows = []
    for member in panel.members:
        judge = member.judge
        cand = draw.Candidate(judge.id, judge.field, judge.home_county_id, judge.home_township_id)
        for entry in entries:
            if (judge.id, entry.id) in recused:
                continue
            if draw.conflicts(cand, draw.Place(entry.county_id, entry.township_id), panel.recusal_scope):
                db.session.add(Recusal(round_id=panel.round_id, judge_id=judge.id, entry_id=entry.id,
                                       reason=f"自动回避：评委与参赛人{scope_label}", automatic=True))
                recused.add((judge.id, entry.id))
                continue
            if (judge.id, entry.id) in taken:
                raise DomainError(f"评委{judge.user.display_name}已在本轮其他评委组中负责参赛人{entry.public_number}")
            rows.append({"round_id": panel.round_id, "panel_id": panel.id, "judge_id": judge.id,
                         "entry_id": entry.id})
    if rows:
        db.session.execute(Assignment.__table__.insert(), rows)
    return len(rows)


def add_recusal(actor: User, round_id: int, judge_id: int, public_number: str, reason: str) -> str | None:
    """A recusal by hand, with a reason; the judge is taken off that contestant's sheet.

    A conflict of interest is never refused; when it leaves the contestant below the round's minimum of
    judges, the answer is the warning to show (the result cannot be computed until a judge is added)."""
    rnd = get_round(round_id)
    judge = db.session.get(Judge, judge_id)
    entry = db.session.execute(select(Entry).where(Entry.contest_id == rnd.contest_id,
                                                   Entry.public_number == public_number.strip().upper())).scalar()
    if judge is None or judge.contest_id != rnd.contest_id:
        raise NotFoundError("评委不存在")
    if entry is None:
        raise DomainError(f"参赛编号“{public_number}”不存在")
    entry_id = entry.id
    if not reason.strip() or len(reason) > 200:
        raise DomainError("请填写回避理由（不超过200字）")
    _refuse_if_scored_by(round_id, judge_id, entry_id)
    if db.session.execute(select(Recusal.id).where(Recusal.round_id == round_id, Recusal.judge_id == judge_id,
                                                   Recusal.entry_id == entry_id)).first():
        raise DomainError("该评委已对该参赛人回避")
    recusal = Recusal(round_id=round_id, judge_id=judge_id, entry_id=entry_id, reason=reason.strip())
    db.session.add(recusal)
    db.session.execute(delete(Assignment).where(Assignment.round_id == round_id, Assignment.judge_id == judge_id,
                                                Assignment.entry_id == entry_id))
    db.session.flush()
    audit.record("recusal_added", "recusal", recusal.id,
                 after={"round": rnd.code, "judge_id": judge_id, "entry_id": entry_id, "reason": recusal.reason})
    db.session.commit()
    left = db.session.execute(select(func.count()).select_from(Assignment).where(
        Assignment.round_id == round_id, Assignment.entry_id == entry_id)).scalar_one()
    if left >= rnd.min_judges:
        return None
    return (f"{entry.public_number} 回避后只剩 {left} 位评委，少于本轮最少评委数（{rnd.min_judges}人）："
            "请为其增加评委，否则本轮成绩无法计算。")


def _refuse_if_scored_by(round_id: int, judge_id: int, entry_id: int) -> None:
    require_writable_round(round_id)
    if any(answers(sheets_exist, round_id, entry_ids=[entry_id], judge_id=judge_id)):
        raise DomainError("该评委已对该参赛人评分，回避须由组织者先处理该评分表")


def delete_panel(actor: User, panel_id: int) -> None:
    panel = get_panel(panel_id)
    entries = covered_entries(panel.round_id, panel.group_id, panel.session_id, panel.county_id)
    _refuse_if_scored(panel.round_id, [e.id for e in entries])
    summary = _summary(panel)
    db.session.execute(delete(Assignment).where(Assignment.panel_id == panel.id))
    db.session.delete(panel)
    audit.record("panel_deleted", "panel", panel_id, before=summary)
    db.session.commit()


def _summary(panel: Panel) -> dict[str, object]:
    return {"round_id": panel.round_id, "group_id": panel.group_id, "session_id": panel.session_id,
            "county_id": panel.county_id, "name": panel.name, "method": panel.method,
            "members": [m.judge_id for m in panel.members], "scope": panel.recusal_scope}
