"""What publish() adds in its own transaction: the causes of version N and its new 公示."""

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.audit import services as audit
from app.audit.models import AuditEvent
from app.contests.models import Contest
from app.entries.models import Entry
from app.extensions import db
from app.judging.models import ScoreSheet, SheetVersion
from app.notices.models import Notice, Objection
from app.notices.settings import settings_for
from app.notices.workdays import notice_period
from app.results.models import JudgeAlias, ResultVersion
from app.timeutil import local


def scope_name(contest: Contest, scope: str) -> str:
    if scope.startswith("round:"):
        return next((r.name for r in contest.rounds if r.code == scope[6:]), scope)
    return "全年总成绩"


def previous_version(version: ResultVersion) -> ResultVersion | None:
    return db.session.execute(select(ResultVersion).where(
        ResultVersion.contest_id == version.contest_id, ResultVersion.scope == version.scope,
        ResultVersion.number == version.number - 1)).scalar_one_or_none()


def _sheet_cause(contest: Contest, scope: str, sheet_version: SheetVersion | None,
                 reason: str | None = None) -> dict[str, Any] | None:
    """A sheet version of this scope's rounds, as the public may read it (judge by pseudonym)."""
    if sheet_version is None:
        return None
    sheet: ScoreSheet = sheet_version.sheet
    codes = {r.id: r.code for r in contest.rounds}
    if scope != "year" and codes.get(sheet.round_id) != scope[6:]:
        return None
    entry = db.session.get(Entry, sheet.entry_id)
    alias = db.session.execute(select(JudgeAlias.alias).where(
        JudgeAlias.contest_id == contest.id, JudgeAlias.scope == scope,
        JudgeAlias.judge_id == sheet.judge_id)).scalar_one_or_none()
    return {"public_number": entry.public_number if entry else "", "judge": alias or "",
            "round": codes.get(sheet.round_id, ""), "version": sheet_version.number,
            "reason": sheet_version.reason if reason is None else reason}


def causes_for(version: ResultVersion, since: datetime) -> dict[str, Any]:
    """The corrections, accepted late sheets and 更正 objections between the previous version and this one."""
    contest = db.session.get(Contest, version.contest_id)
    assert contest is not None
    corrected = db.session.execute(select(SheetVersion).where(
        SheetVersion.number > 1, SheetVersion.counted, SheetVersion.late.is_(False), SheetVersion.confirmed_at >= since)
        .order_by(SheetVersion.id)).scalars().all()
    corrections = [c for c in (_sheet_cause(contest, version.scope, v) for v in corrected) if c]
    accepted = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "late_sheet_accepted", AuditEvent.at >= since).order_by(AuditEvent.id)).scalars().all()
    late = [c for c in (_sheet_cause(contest, version.scope, db.session.get(SheetVersion, int(e.object_id)),
                                     (e.after or {}).get("reason", "")) for e in accepted) if c]
    receipts = db.session.execute(select(Objection.receipt).join(Notice).join(
        ResultVersion, ResultVersion.id == Notice.version_id).where(
        ResultVersion.contest_id == version.contest_id, ResultVersion.scope == version.scope,
        ResultVersion.number < version.number, Objection.state == "corrected", Objection.handled_at >= since)
        .order_by(Objection.id)).scalars().all()
    return {"objections": list(receipts), "corrections": corrections, "late_accepted": late}


def start_notice(version: ResultVersion) -> Notice:
    """Open the 公示 of a just-published version (flushed, not committed) and supersede the last one.

    Period, contact and issuing body come from the contest's 公示 settings at this moment and are copied
    into the notice, so a later change of the settings never alters a notice already public."""
    contest = db.session.get(Contest, version.contest_id)
    assert contest is not None
    settings = settings_for(contest.id)
    days = settings.period_days
    previous = previous_version(version)
    if previous is not None:
        version.causes = causes_for(version, previous.published_at)
        old = db.session.execute(select(Notice).where(Notice.version_id == previous.id)).scalar_one_or_none()
        if old is not None and old.state != "superseded":
            audit.record("notice_superseded", "notice", old.id, before={"state": old.state},
                         after={"state": "superseded", "by_version": version.number})
            old.state = "superseded"
    published_on = local(version.published_at)
    assert published_on is not None
    starts, ends, fallback = notice_period(published_on.date(), days)
    suffix = f"（第{version.number}版）" if version.number > 1 else ""
    notice = Notice(version_id=version.id, title=f"{contest.name}{scope_name(contest, version.scope)}成绩公示{suffix}",
                    period_days=days, starts_on=starts, ends_on=ends, fallback_calendar=fallback,
                    issuing_body=settings.issuing_body, contact=settings.contact, state="open")
    version.notice_starts_on, version.notice_ends_on = starts, ends
    db.session.add(notice)
    db.session.flush()
    audit.record("notice_started", "notice", notice.id,
                 after={"version_id": version.id, "title": notice.title, "starts_on": str(starts),
                        "ends_on": str(ends), "period_days": days, "fallback_calendar": fallback,
                        "issuing_body": notice.issuing_body, "contact": notice.contact, "causes": version.causes})
    return notice
