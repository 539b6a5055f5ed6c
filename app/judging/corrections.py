"""Corrections and late sheets: a judge asks, an organizer reopens or accepts, with a reason, audited."""

from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.contests.models import Round
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.judging.access import assigned, judge_of
from app.judging.models import DeskReport, ScoreSheet, SheetVersion
from app.timeutil import utcnow

REASON_LIMIT = 200


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise DomainError(f"请填写理由（不超过{REASON_LIMIT}字）")
    return reason


def request_correction(user: User, round_id: int, entry_id: int, reason: str) -> ScoreSheet:
    """The judge found a mistake in a submitted sheet and asks the organizers to reopen it."""
    judge, rnd, entry = assigned(user, round_id, entry_id)
    sheet = db.session.execute(select(ScoreSheet).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id == judge.id)
    ).scalar_one_or_none()
    if sheet is None or sheet.state != "submitted":
        raise DomainError("只有已提交的评分表才能申请更正")
    sheet.correction_requested_at, sheet.correction_reason = utcnow(), _reason(reason)
    audit.record("correction_requested", "score_sheet", sheet.id, after={"reason": sheet.correction_reason})
    db.session.commit()
    return sheet


def reopen(actor: User, sheet_id: int, reason: str) -> ScoreSheet:
    """An organizer reopens one sheet so the judge can submit a new version; the old one stays."""
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None:
        raise NotFoundError("评分表不存在")
    if sheet.state != "submitted":
        raise DomainError("只有已提交的评分表才能重新开放")
    why = _reason(reason)
    sheet.state = "reopened"
    sheet.correction_reason = why
    audit.record("sheet_reopened", "score_sheet", sheet.id, before={"state": "submitted"},
                 after={"state": "reopened", "reason": why})
    db.session.commit()
    return sheet


def accept_late(actor: User, version_id: int, reason: str) -> SheetVersion:
    """A sheet confirmed offline that arrived after its window closed counts once accepted."""
    version = db.session.get(SheetVersion, version_id)
    if version is None:
        raise NotFoundError("评分表版本不存在")
    if not version.late or version.counted:
        raise DomainError("该版本不是待审的迟交评分表")
    why = _reason(reason)
    version.counted = True
    version.sheet.state = "submitted"
    audit.record("late_sheet_accepted", "sheet_version", version.id, after={"reason": why})
    db.session.commit()
    return version


def report_problem(user: User, round_id: int | None, entry_id: int | None, message: str) -> DeskReport:
    """反馈问题: the judge tells the desk that something is wrong; shown on the progress page."""
    rnd = db.session.get(Round, round_id) if round_id else None
    if rnd is None:
        raise NotFoundError("轮次不存在")
    judge = judge_of(user, rnd.contest_id)
    text = message.strip()
    if not text or len(text) > 300:
        raise DomainError("请填写问题（不超过300字）")
    report = DeskReport(judge_id=judge.id, round_id=rnd.id, entry_id=entry_id, message=text)
    db.session.add(report)
    db.session.flush()
    audit.record("desk_report", "desk_report", report.id, after={"round_id": rnd.id, "entry_id": entry_id,
                                                                 "message": text})
    db.session.commit()
    return report
