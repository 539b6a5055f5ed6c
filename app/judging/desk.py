"""The organizers' desk for a round: scoring windows, sheets that need attention, judges' reports."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.contests.models import Round
from app.entries.models import Entry
from app.errors import NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import DeskReport, ScoreSheet, ScoringWindow, SheetVersion
from app.panels.models import ContestSession, SessionSlot


@dataclass(frozen=True)
class Attention:
    """A sheet an organizer should look at, and why."""

    sheet: ScoreSheet
    version: SheetVersion | None
    judge: str
    why: str
    entry: str  # V001 平定县冠山镇西关村


@dataclass(frozen=True)
class Desk:
    round: Round
    windows: list[ScoringWindow]
    sessions: list[ContestSession]
    slots: list[SessionSlot]
    attention: list[Attention]
    reports: list[DeskReport]
    entry_labels: dict[int, str]
    judge_names: dict[int, str]
    session_names: dict[int, str]


def desk(round_id: int) -> Desk:
    rnd = db.session.get(Round, round_id)
    if rnd is None:
        raise NotFoundError("轮次不存在")
    windows = list(db.session.execute(select(ScoringWindow).where(
        ScoringWindow.round_id == round_id, ScoringWindow.closed_at.is_(None)).order_by(ScoringWindow.id)).scalars())
    sessions = list(db.session.execute(select(ContestSession).where(ContestSession.round_id == round_id)
                                       .order_by(ContestSession.held_on, ContestSession.starts_at)).scalars())
    slots = list(db.session.execute(select(SessionSlot).where(SessionSlot.round_id == round_id).options(
        selectinload(SessionSlot.entry)).order_by(SessionSlot.session_id, SessionSlot.position)).scalars())
    sheets = db.session.execute(select(ScoreSheet, User.display_name).join(Judge, Judge.id == ScoreSheet.judge_id)
                                .join(User, User.id == Judge.user_id).where(ScoreSheet.round_id == round_id)
                                .options(selectinload(ScoreSheet.versions))).tuples().all()
    labels = {slot.entry_id: f"{slot.entry.public_number} {slot.entry.unit_name}" for slot in slots}
    attention = []
    for sheet, judge_name in sheets:
        last = sheet.versions[-1] if sheet.versions else None
        why = ""
        if sheet.correction_requested_at is not None and sheet.state == "submitted":
            why = f"评委申请更正：{sheet.correction_reason}"
        elif last is not None and last.late and not last.counted:
            why = "迟交（离线确认后在评分关闭后送达），待审核"
        elif last is not None and last.deviation_flag:
            why = "分差过大（评委已确认）"
        if why:
            if sheet.entry_id not in labels:
                entry = db.session.get(Entry, sheet.entry_id)
                labels[sheet.entry_id] = f"{entry.public_number} {entry.unit_name}" if entry else ""
            attention.append(Attention(sheet, last, judge_name, why, labels[sheet.entry_id]))
    reports = list(db.session.execute(select(DeskReport).where(DeskReport.round_id == round_id)
                                      .order_by(DeskReport.id.desc()).limit(20)).scalars())
    judge_names = dict(db.session.execute(select(Judge.id, User.display_name).join(User, User.id == Judge.user_id)
                                          .where(Judge.id.in_({r.judge_id for r in reports}))).tuples().all())
    for window in windows:
        if window.entry_id is not None and window.entry_id not in labels:
            entry = db.session.get(Entry, window.entry_id)
            labels[window.entry_id] = f"{entry.public_number} {entry.unit_name}" if entry else ""
    return Desk(rnd, windows, sessions, slots, attention, reports, labels, judge_names,
                {s.id: s.name for s in sessions})
