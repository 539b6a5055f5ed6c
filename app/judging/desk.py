"""The organizers' desk for a round: scoring windows, sheets that need attention, judges' reports."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import aliased, selectinload

from app import rules
from app.accounts.models import User
from app.contests.models import Round
from app.entries.models import Entry
from app.errors import NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import DeskReport, ScoreSheet, SheetState, SheetVersion
from app.panels.models import Assignment, ContestSession, ScoringWindow, SessionSlot
from app.signals import answers, round_publication


@dataclass(frozen=True)
class Attention:
    """A sheet an organizer should look at, and why."""

    sheet: ScoreSheet
    version: SheetVersion | None
    judge: str
    why: str
    entry: str  # V001 平定县冠山镇西关村
    # A late sheet: when scoring that was open at the phone's claimed confirmation time closed (None: unknown).
    window_closed_at: datetime | None = None

    @property
    def awaits_reopen(self) -> bool:
        return self.sheet.state == SheetState.SUBMITTED and self.sheet.correction_requested_at is not None

    @property
    def awaits_acceptance(self) -> bool:
        return self.version is not None and self.version.late and not self.version.counted


@dataclass(frozen=True)
class ReportLine:
    """A judge's 反馈问题 as the desk and the progress page show it."""

    report: DeskReport
    judge: str
    public_number: str  # the contestant it is about, if the judge named one
    resolved_by: str


@dataclass(frozen=True)
class Desk:
    round: Round
    county_id: int | None  # a county organizer's desk shows their county only, and no city actions
    windows: list[ScoringWindow]
    sessions: list[ContestSession]
    slots: list[SessionSlot]
    attention: list[Attention]
    reports: list[ReportLine]
    all_reports: bool
    entry_labels: dict[int, str]
    session_names: dict[int, str]
    published: str = ""  # "第 1 版，公示中" once the round's result is published: opening scoring again is asked

    @property
    def city(self) -> bool:
        return rules.is_city_wide(self.county_id)

    @property
    def open_warning(self) -> str:
        """The question asked before opening scoring on a round whose result is published."""
        if not self.published:
            return ""
        return (f"本轮成绩已发布（{self.published}）。重新开放评分后，新提交或更正的评分表会使成绩与已发布版本不同，"
                "须经监督员重新签核、发布新版本并重新公示。确定开放评分？")


def _judge_scores_in(county_id: int) -> ColumnElement[bool]:
    """A report naming no contestant, from a judge who scores someone of the county in that round: a county
    organizer sees it beside the reports about their county's contestants (the query joins the report's entry,
    outer, for those)."""
    scored = aliased(Entry)
    scores_here = exists(select(Assignment.id).join(scored, scored.id == Assignment.entry_id).where(
        Assignment.round_id == DeskReport.round_id, Assignment.judge_id == DeskReport.judge_id,
        scored.county_id == county_id))
    return and_(DeskReport.entry_id.is_(None), scores_here)


def report_in_scope(report: DeskReport, county_id: int | None) -> bool:
    query = select(DeskReport.id).outerjoin(Entry, Entry.id == DeskReport.entry_id).where(DeskReport.id == report.id)
    query = rules.visible(query, Entry.county_id, county_id, also=_judge_scores_in)
    return db.session.execute(query).first() is not None


def reports(round_id: int, county_id: int | None, include_resolved: bool = False, limit: int = 50) -> list[ReportLine]:
    """The round's reports, newest first; handled ones only when asked for."""
    resolver = aliased(User)
    query = (select(DeskReport, User.display_name, Entry.public_number, resolver.display_name)
             .join(Judge, Judge.id == DeskReport.judge_id).join(User, User.id == Judge.user_id)
             .outerjoin(Entry, Entry.id == DeskReport.entry_id)
             .outerjoin(resolver, resolver.id == DeskReport.resolved_by_id)
             .where(DeskReport.round_id == round_id).order_by(DeskReport.id.desc()).limit(limit))
    if not include_resolved:
        query = query.where(DeskReport.resolved_at.is_(None))
    return [ReportLine(report, judge, number or "", resolved_by or "") for report, judge, number, resolved_by
            in db.session.execute(rules.visible(query, Entry.county_id, county_id, also=_judge_scores_in)).tuples()]


def _labels(entry_ids: set[int]) -> dict[int, str]:
    entries = db.session.execute(select(Entry).where(Entry.id.in_(entry_ids)).options(
        selectinload(Entry.county), selectinload(Entry.township), selectinload(Entry.village))).scalars()
    return {e.id: f"{e.public_number} {e.unit_name}" for e in entries}


def _attention(round_id: int, county_id: int | None) -> list[tuple[ScoreSheet, str]]:
    """Sheets that may need someone: a correction asked or under way, a late arrival, a confirmed deviation."""
    flagged = exists(select(SheetVersion.id).where(SheetVersion.sheet_id == ScoreSheet.id,
                                                   SheetVersion.deviation_flag))
    query = (select(ScoreSheet, User.display_name).join(Judge, Judge.id == ScoreSheet.judge_id)
             .join(User, User.id == Judge.user_id).join(Entry, Entry.id == ScoreSheet.entry_id)
             .where(ScoreSheet.round_id == round_id, or_(
                 ScoreSheet.state.in_((SheetState.LATE, SheetState.REOPENED)),
                 ScoreSheet.correction_requested_at.is_not(None), flagged))
             .options(selectinload(ScoreSheet.versions)).order_by(Entry.public_number, User.display_name))
    return list(db.session.execute(rules.visible(query, Entry.county_id, county_id)).tuples())


def _closed_after(round_id: int, asked: dict[int, tuple[int, datetime]]) -> dict[int, datetime | None]:
    """`windows.closed_after` for many late sheets at once (sheet id -> (entry id, claimed time)), in two queries
    however many they are: the round's windows that cover any of the entries, then the same rule per sheet."""
    if not asked:
        return {}
    entry_ids = {entry_id for entry_id, _ in asked.values()}
    sessions: dict[int, set[int]] = {}
    for entry_id, session_id in db.session.execute(select(SessionSlot.entry_id, SessionSlot.session_id).where(
            SessionSlot.round_id == round_id, SessionSlot.entry_id.in_(sorted(entry_ids)))).tuples():
        sessions.setdefault(entry_id, set()).add(session_id)
    windows = db.session.execute(select(
        ScoringWindow.session_id, ScoringWindow.entry_id, ScoringWindow.opened_at, ScoringWindow.closed_at).where(
        ScoringWindow.round_id == round_id, or_(
            ScoringWindow.session_id.is_(None) & ScoringWindow.entry_id.is_(None),
            ScoringWindow.session_id.in_(sorted(set().union(*sessions.values()))),
            ScoringWindow.entry_id.in_(sorted(entry_ids))))
    ).tuples().all()
    found: dict[int, datetime | None] = {}
    for sheet_id, (entry_id, at) in asked.items():
        closes = [closed for session_id, window_entry, opened, closed in windows
                  if ((session_id is None and window_entry is None) or session_id in sessions.get(entry_id, ())
                      or window_entry == entry_id) and opened <= at and (closed is None or closed >= at)]
        # As closed_after: None while one of them is still open (or none was open then), else the last close.
        found[sheet_id] = None if not closes or any(c is None for c in closes) else max(
            c for c in closes if c is not None)
    return found


def desk(round_id: int, county_id: int | None = None, all_reports: bool = False) -> Desk:
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError("轮次不存在")
    window_query = (select(ScoringWindow).outerjoin(Entry, Entry.id == ScoringWindow.entry_id)
                    .where(ScoringWindow.round_id == round_id, ScoringWindow.closed_at.is_(None))
                    .order_by(ScoringWindow.id))
    # Another county's contestant on stage is not theirs to see; a window over no one contestant is.
    window_query = rules.visible(window_query, Entry.county_id, county_id,
                                 also=lambda _: ScoringWindow.entry_id.is_(None))
    windows = list(db.session.execute(window_query).scalars())
    sessions = list(db.session.execute(select(ContestSession).where(ContestSession.round_id == round_id)
                                       .order_by(ContestSession.held_on, ContestSession.starts_at)).scalars())
    # The slots feed the "open scoring for the one on stage" form, a city action.
    slots = [] if not rules.is_city_wide(county_id) else list(db.session.execute(
        select(SessionSlot).join(ContestSession, ContestSession.id == SessionSlot.session_id)
        .where(SessionSlot.round_id == round_id)
        .options(*(selectinload(SessionSlot.entry).selectinload(place)
                   for place in (Entry.county, Entry.township, Entry.village)))
        .order_by(ContestSession.held_on, ContestSession.starts_at, SessionSlot.session_id, SessionSlot.position)
    ).scalars())
    sheets = _attention(round_id, county_id)
    labels = _labels({s.entry_id for s, _ in sheets} | {w.entry_id for w in windows if w.entry_id is not None})
    late: dict[int, tuple[int, datetime]] = {}
    for sheet, _ in sheets:
        if sheet.versions and sheet.versions[-1].late and sheet.versions[-1].confirmed_offline_at is not None:
            late[sheet.id] = (sheet.entry_id, sheet.versions[-1].confirmed_offline_at)
    closed = _closed_after(round_id, late)
    attention = []
    for sheet, judge_name in sheets:
        last = sheet.versions[-1] if sheet.versions else None
        why = ""
        if sheet.correction_requested_at is not None and sheet.state == SheetState.SUBMITTED:
            why = f"评委申请更正：{sheet.correction_reason}"
        elif sheet.state == SheetState.REOPENED:  # the judge's turn; until they submit again it blocks publication
            why = "已重新开放，等待评委修改后再次提交（提交前不能发布成绩）"
        elif last is not None and last.late and not last.counted:
            why = "离线确认，评分关闭后送达；接受后才计入"
        elif last is not None and last.deviation_flag:
            why = "分差过大（评委已确认）"
        if why:
            attention.append(Attention(sheet, last, judge_name, why, labels.get(sheet.entry_id, ""),
                                       closed.get(sheet.id)))
    published = answers(round_publication, rnd)  # publication answers: marking does not read its rows
    return Desk(rnd, county_id, windows, sessions, slots, attention,
                reports(round_id, county_id, include_resolved=all_reports), all_reports, labels,
                {s.id: s.name for s in sessions}, published[0] if published else "")
