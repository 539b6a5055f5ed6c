"""Corrections, late sheets and judges' reports: a judge asks, an organizer acts with a reason, audited."""

from sqlalchemy import select

from app import rules
from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable, require_writable_round
from app.contests.models import Round
from app.entries.models import Entry
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.judging.desk import report_in_scope
from app.judging.models import DeskReport, ScoreSheet, SheetReopening, SheetState, SheetVersion
from app.panels.models import Assignment, Panel, PanelMember
from app.panels.questions import assigned, judge_of
from app.timeutil import utcnow

REASON_LIMIT = 200
REPORT_LIMIT = 300
NOT_ASSIGNED = "参赛人不存在或未分配给您"


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise DomainError(f"请填写理由（不超过{REASON_LIMIT}字）")
    return reason


def request_correction(user: User, round_id: int, entry_id: int, reason: str) -> ScoreSheet:
    """The judge found a mistake in a submitted sheet and asks the organizers to reopen it."""
    judge, rnd, entry = assigned(user, round_id, entry_id)
    require_writable(rnd)
    sheet = db.session.execute(select(ScoreSheet).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id == judge.id)
    ).scalar_one_or_none()
    if sheet is None or sheet.state != SheetState.SUBMITTED:
        raise DomainError("只有已提交的评分表才能申请更正")
    sheet.correction_requested_at, sheet.correction_reason = utcnow(), _reason(reason)
    audit.record("correction_requested", "score_sheet", sheet.id, after={"reason": sheet.correction_reason})
    db.session.commit()
    return sheet


def version_reason(reopening: SheetReopening) -> str:
    """Why the next version replaces the reopened one: the judge's request (if any) and the organizer's reason."""
    organizer = f"组织者重新开放：{reopening.reason}"
    return f"评委申请：{reopening.request_reason}；{organizer}" if reopening.requested_at else organizer


def reopen(actor: User, sheet_id: int, reason: str) -> ScoreSheet:
    """An organizer reopens one sheet so the judge can submit a new version; the old one stays."""
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None:
        raise NotFoundError("评分表不存在")
    require_writable_round(sheet.round_id)
    reopened = SheetState.check_transition(sheet.state, SheetState.REOPENED, refused="只有已提交的评分表才能重新开放")
    judge = db.session.get(Judge, sheet.judge_id)
    asked = sheet.correction_requested_at is not None
    reopening = SheetReopening(
        sheet_id=sheet.id, version_number=sheet.versions[-1].number if sheet.versions else 0,
        requested_at=sheet.correction_requested_at, requested_by_id=judge.user_id if asked and judge else None,
        request_reason=sheet.correction_reason if asked else "", reopened_at=utcnow(), reopened_by_id=actor.id,
        reason=_reason(reason))
    db.session.add(reopening)
    sheet.state = reopened
    # The judge's own reason is kept in the reopening; the sheet now carries what the next version will say.
    sheet.correction_reason = version_reason(reopening)
    audit.record("sheet_reopened", "score_sheet", sheet.id, before={"state": SheetState.SUBMITTED},
                 after={"state": reopened, "reason": reopening.reason, "request_reason": reopening.request_reason})
    db.session.commit()
    return sheet


def accept_late(actor: User, version_id: int, reason: str) -> SheetVersion:
    """A sheet confirmed offline that arrived after its window closed counts once accepted."""
    version = db.session.get(SheetVersion, version_id)
    if version is None:
        raise NotFoundError("评分表版本不存在")
    require_writable_round(version.sheet.round_id)
    if not version.late or version.counted:
        raise DomainError("该版本不是待审的迟交评分表")
    why = _reason(reason)
    sheet = version.sheet
    entry = db.session.get(Entry, sheet.entry_id)
    # Which sheet, contestant, judge and version became counted: the audit alone must say what changed.
    which = {"sheet_id": sheet.id, "entry": entry.public_number if entry else "", "judge_id": sheet.judge_id,
             "version": version.number}
    version.counted = True
    sheet.state = SheetState.check_transition(sheet.state, SheetState.SUBMITTED)
    audit.record("late_sheet_accepted", "sheet_version", version.id, before=which | {"counted": False},
                 after=which | {"counted": True, "reason": why})
    db.session.commit()
    return version


def report_problem(user: User, round_id: int | None, entry_id: int | None, message: str) -> DeskReport:
    """反馈问题: the judge tells the desk that something is wrong; shown on the desk and the progress page."""
    rnd = db.session.get(Round, round_id) if round_id else None
    if rnd is None:
        raise NotFoundError("轮次不存在")
    require_writable(rnd)
    judge = judge_of(user, rnd.contest_id)
    on_panel = db.session.execute(select(PanelMember.id).join(Panel, Panel.id == PanelMember.panel_id).where(
        Panel.round_id == rnd.id, PanelMember.judge_id == judge.id).limit(1)).first()
    if on_panel is None:
        raise ForbiddenError("您不在该轮次的评委组中")
    # Checked here, not left to the foreign key: a tampered id must be a clear refusal, never a 500.
    if entry_id is not None and db.session.execute(select(Assignment.id).where(
            Assignment.round_id == rnd.id, Assignment.judge_id == judge.id, Assignment.entry_id == entry_id)
    ).first() is None:
        raise DomainError(NOT_ASSIGNED)
    text = message.strip()
    if not text or len(text) > REPORT_LIMIT:
        raise DomainError(f"请填写问题（不超过{REPORT_LIMIT}字）")
    report = DeskReport(judge_id=judge.id, round_id=rnd.id, entry_id=entry_id, message=text)
    db.session.add(report)
    db.session.flush()
    audit.record("desk_report", "desk_report", report.id, after={"round_id": rnd.id, "entry_id": entry_id,
                                                                 "message": text})
    db.session.commit()
    return report


def resolve_report(actor: User, report_id: int) -> DeskReport:
    """An organizer marks a judge's report handled; a county organizer only their county's (404 otherwise)."""
    report = db.session.get(DeskReport, report_id)
    if report is None or not report_in_scope(report, rules.county_of(actor)):
        raise NotFoundError("反馈不存在")
    if report.resolved_at is not None:
        raise DomainError("该反馈已标记为已处理")
    report.resolved_at, report.resolved_by_id = utcnow(), actor.id
    audit.record("desk_report_resolved", "desk_report", report.id, before={"resolved": False},
                 after={"resolved": True})
    db.session.commit()
    return report
