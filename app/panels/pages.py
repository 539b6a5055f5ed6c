"""Read models for the panel pages: what each page shows, loaded in a few queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.contests.current import current_contest
from app.contests.models import Contest, Round
from app.entries.models import Entry
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.judge_fields import JUDGE_FIELDS
from app.judges.models import Judge
from app.panels.forms import DrawForm, ManualPanelForm, PanelForm, RecusalForm, SessionForm
from app.panels.models import Assignment, ContestSession, Panel, Recusal, SessionSlot
from app.panels.services import PanelSpec, get_panel, get_round, reproduce
from app.panels.sessions import get_session, running_order, session_counts, unplaced_entries
from app.places.models import County
from app.timeutil import chinese_date


@dataclass(frozen=True)
class RoundPage:
    round: Round
    sessions: list[ContestSession]
    session_sizes: dict[int, int]
    panels: list[Panel]
    panel_sizes: dict[int, int]
    unplaced: dict[int, int]  # group id -> contestants not yet in a session
    recusals: list[Recusal]
    judges: list[Judge]
    counties: list[County]


def contest_overview() -> Contest | None:
    return current_contest()


def round_page(round_id: int) -> RoundPage:
    rnd = get_round(round_id)
    sessions = list(db.session.execute(select(ContestSession).where(ContestSession.round_id == round_id)
                                       .order_by(ContestSession.held_on, ContestSession.starts_at)).scalars())
    panels = list(db.session.execute(select(Panel).where(Panel.round_id == round_id).options(
        selectinload(Panel.members)).order_by(Panel.id)).scalars())
    sizes = dict(db.session.execute(select(Assignment.panel_id, func.count()).where(
        Assignment.round_id == round_id).group_by(Assignment.panel_id)).tuples().all())
    recusals = list(db.session.execute(select(Recusal).where(Recusal.round_id == round_id, ~Recusal.automatic)
                                       .order_by(Recusal.id)).scalars())
    judges = list(db.session.execute(select(Judge).where(Judge.contest_id == rnd.contest_id, Judge.active)
                                     .options(selectinload(Judge.user)).order_by(Judge.id)).scalars())
    counties = list(db.session.execute(select(County).order_by(County.code)).scalars())
    unplaced = {g.id: len(unplaced_entries(round_id, g.id)) for g in rnd.contest.groups if g.parent_id is None}
    return RoundPage(rnd, sessions, session_counts(round_id), panels, sizes, unplaced, recusals, judges, counties)


def _fill_scope_choices(form: PanelForm, page: RoundPage) -> None:
    form.group_id.choices = [(g.id, g.name) for g in page.round.contest.groups if g.parent_id is None]
    form.session_id.choices = [(0, "不限场次")] + [(s.id, s.name) for s in page.sessions]
    form.county_id.choices = [(0, "不限县区")] + [(c.id, c.name) for c in page.counties]


def round_forms(page: RoundPage) -> dict[str, Any]:
    session_form = SessionForm(prefix="session")
    session_form.group_id.choices = [(g.id, g.name) for g in page.round.contest.groups if g.parent_id is None]
    draw_form, manual_form = DrawForm(prefix="draw"), ManualPanelForm(prefix="manual")
    for form in (draw_form, manual_form):
        _fill_scope_choices(form, page)
    manual_form.judge_ids.choices = [(j.id, f"{j.user.display_name}（{j.unit}）") for j in page.judges]
    recusal_form = RecusalForm(prefix="recusal")
    recusal_form.judge_id.choices = [(j.id, f"{j.user.display_name}（{j.unit}）") for j in page.judges]
    return {"session_form": session_form, "draw_form": draw_form, "manual_form": manual_form,
            "recusal_form": recusal_form, "field_labels": JUDGE_FIELDS}


def panel_spec(round_id: int, form: PanelForm) -> PanelSpec:
    return PanelSpec(round_id=round_id, group_id=form.group_id.data, name=form.name.data or "",
                     session_id=form.session_id.data or None, county_id=form.county_id.data or None,
                     recusal_scope=form.recusal_scope.data or "county")


@dataclass(frozen=True)
class PanelView:
    panel: Panel
    assignments: int
    recusals: int
    reproduced: bool | None


def panel_view(panel_id: int) -> PanelView:
    panel = get_panel(panel_id)
    count = db.session.execute(select(func.count()).select_from(Assignment).where(
        Assignment.panel_id == panel_id)).scalar_one()
    member_ids = [m.judge_id for m in panel.members]
    recused = db.session.execute(select(func.count()).select_from(Recusal).where(
        Recusal.round_id == panel.round_id, Recusal.judge_id.in_(member_ids))).scalar_one()
    return PanelView(panel, count, recused, reproduce(panel_id)[0] if panel.method == "draw" else None)


def entry_ids_for(session_id: int, numbers: Sequence[str]) -> list[int]:
    """Public numbers typed by the organizer, as the session's entry ids (unknown ones refused)."""
    session = get_session(session_id)
    by_number = {slot.entry.public_number: slot.entry_id for slot in session.slots}
    wanted = [n.strip().upper() for n in numbers if n.strip()]
    unknown = [n for n in wanted if n not in by_number]
    if unknown:
        raise DomainError(f"以下编号不在本场次：{'、'.join(unknown[:10])}")
    return [by_number[n] for n in wanted]


def _session_with_entries(session_id: int) -> ContestSession:
    session = db.session.execute(select(ContestSession).where(ContestSession.id == session_id).options(
        selectinload(ContestSession.slots).selectinload(SessionSlot.entry).selectinload(Entry.county),
        selectinload(ContestSession.slots).selectinload(SessionSlot.entry).selectinload(Entry.township),
        selectinload(ContestSession.slots).selectinload(SessionSlot.entry).selectinload(Entry.village),
    )).scalar()
    if session is None:
        raise NotFoundError("场次不存在")
    return session


def running_order_context(session_id: int) -> dict[str, Any]:
    session = _session_with_entries(session_id)
    return {
        "contest": session.round.contest.name, "round": session.round.name, "session": session.name,
        "group": session.group.name, "date": chinese_date(session.held_on),
        "venue": session.venue, "slot_minutes": session.slot_minutes, "seed": session.order_seed or "",
        "lines": running_order(session),
    }


def blank_sheets_context(session_id: int, per: str) -> dict[str, Any]:
    """Paper score sheets for each judge of the session's panels, in running order."""
    session = _session_with_entries(session_id)
    lines = running_order(session)
    criteria = [(c.name, c.guidance, f"{c.max_points.normalize():f}", f"{c.step.normalize():f}")
                for c in session.round.criteria]
    assigned = set(db.session.execute(select(Assignment.judge_id, Entry.public_number).join(
        Entry, Entry.id == Assignment.entry_id).where(Assignment.round_id == session.round_id)).tuples())
    panels = db.session.execute(select(Panel).where(Panel.round_id == session.round_id).options(
        selectinload(Panel.members))).scalars()
    judges: dict[int, tuple[int, str, str]] = {}
    for panel in panels:
        for member in panel.members:
            judges.setdefault(member.judge_id, (member.seat, member.judge.user.display_name, member.judge.unit))
    sheets = []
    for judge_id, (seat, name, unit) in sorted(judges.items(), key=lambda kv: (kv[1][0], kv[0])):
        mine = [line for line in lines if (judge_id, line.public_number) in assigned]
        if mine:
            sheets.append({"seat": seat, "judge": name, "unit": unit, "lines": mine})
    return {
        "contest": session.round.contest.name, "round": session.round.name, "session": session.name,
        "group": session.group.name, "per": per, "criteria": criteria,
        "max_total": f"{session.round.max_total.normalize():f}", "sheets": sheets,
        "date": chinese_date(session.held_on),
    }
