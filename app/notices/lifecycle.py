"""What a publication's transaction adds (signals.published): the causes of version N, its 公示, the names it froze."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select

from app import signals
from app.accounts.models import User
from app.audit import services as audit
from app.audit.models import AuditEvent
from app.contests.models import Contest, Round
from app.entries.models import Entry, EntryHolder
from app.extensions import db
from app.judging.models import ScoreSheet, SheetVersion
from app.notices.models import Notice, Objection
from app.notices.settings import settings_for
from app.notices.states import NoticeState, ObjectionState
from app.notices.workdays import notice_period
from app.publication import services as publication
from app.publication.models import Publication
from app.publication.packages import published_package
from app.result_scope import round_code_of
from app.results.assemble import scope_label
from app.results.models import JudgeAlias
from app.timeutil import local

Key = tuple[str, str, str]  # (round code, public number, item name) as the scoring input has them
def holder_names(contest_id: int) -> dict[str, str]:
    """Public number -> the current secretary's name (public on the notice, as DECISIONS.md says)."""
    rows = db.session.execute(
        select(Entry.public_number, User.display_name)
        .join(EntryHolder, (EntryHolder.entry_id == Entry.id) & EntryHolder.ended_on.is_(None))
        .join(User, User.id == EntryHolder.user_id)
        .where(Entry.contest_id == contest_id)).tuples().all()
    return dict(rows)  # one query for the whole city: no lazy load per row


def _sheet_causes(contest: Contest, scope: str, *conditions: ColumnElement[bool]) -> dict[int, dict[str, Any]]:
    """Sheet versions of this scope's rounds matching `conditions`, by id in id order, judge by pseudonym; the
    reason is for staff pages only. One query whatever their number (each joins its entry and alias)."""
    query = (select(SheetVersion.id, SheetVersion.number, SheetVersion.reason, Entry.public_number, JudgeAlias.alias,
                    Round.code)
             .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
             .join(Round, Round.id == ScoreSheet.round_id)
             .join(Entry, Entry.id == ScoreSheet.entry_id)
             .outerjoin(JudgeAlias, (JudgeAlias.contest_id == contest.id) & (JudgeAlias.scope == scope)
                        & (JudgeAlias.judge_id == ScoreSheet.judge_id))
             # Only this contest's rounds: the year scope takes all of them, a round scope its own.
             .where(Round.contest_id == contest.id, *conditions).order_by(SheetVersion.id))
    code = round_code_of(scope)
    if code is not None:
        query = query.where(Round.code == code)
    return {version_id: {"public_number": number, "judge": alias or "", "round": code, "version": version,
                         "reason": reason}
            for version_id, version, reason, number, alias, code in db.session.execute(query).tuples()}


def _keyed(input_: dict[str, Any], field: str) -> dict[Key, list[str]]:
    """The scoring input's adjustments or vetoes by (round, contestant, item name), values sorted."""
    found: dict[Key, list[str]] = {}
    for rnd in input_.get("rounds", []):
        for item in rnd.get(field, []):
            found.setdefault((rnd["id"], item["contestant"], item["reason"]), []).append(item.get("value", ""))
    return {key: sorted(values) for key, values in found.items()}


def input_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Adjustments, vetoes and award bands that differ between two versions' scoring inputs.

    Read from the published inputs themselves, so a change made and undone between the versions is no
    cause, and everything is as public as the package: item names and public numbers, no free text."""
    adjustments = []
    before, after = _keyed(old, "adjustments"), _keyed(new, "adjustments")
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            adjustments.append({"round": key[0], "public_number": key[1], "item": key[2],
                                "before": "、".join(before.get(key, [])) or None,
                                "after": "、".join(after.get(key, [])) or None})
    old_vetoes, new_vetoes = set(_keyed(old, "vetoes")), set(_keyed(new, "vetoes"))
    vetoes = [{"round": key[0], "public_number": key[1], "item": key[2],
               "change": "confirmed" if key in new_vetoes else "revoked"}
              for key in sorted(old_vetoes ^ new_vetoes)]
    old_awards = {a["group"]: a["bands"] for a in old.get("awards", [])}
    new_awards = {a["group"]: a["bands"] for a in new.get("awards", [])}
    awards = [{"group": group, "before": old_awards.get(group, []), "after": new_awards.get(group, [])}
              for group in sorted(old_awards.keys() | new_awards.keys())
              if old_awards.get(group) != new_awards.get(group)]
    return {"adjustments": adjustments, "vetoes": vetoes, "awards": awards}


def causes_for(version: Publication, since: datetime, previous: Publication | None = None) -> dict[str, Any]:
    """What led from the previous version to this one: sheet corrections, accepted late sheets, 更正
    objections, and (given the previous version) changed adjustments, vetoes and award bands."""
    contest = db.session.get(Contest, version.contest_id)
    assert contest is not None
    corrections = list(_sheet_causes(contest, version.scope, SheetVersion.number > 1, SheetVersion.counted.is_(True),
                                     SheetVersion.late.is_(False), SheetVersion.confirmed_at >= since).values())
    accepted = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "late_sheet_accepted", AuditEvent.at >= since).order_by(AuditEvent.id)).scalars().all()
    ids = sorted({int(e.object_id) for e in accepted})
    sheets = _sheet_causes(contest, version.scope, SheetVersion.id.in_(ids)) if ids else {}
    late = [{**sheets[int(e.object_id)], "reason": (e.after or {}).get("reason", "")}
            for e in accepted if int(e.object_id) in sheets]
    receipts = db.session.execute(select(Objection.receipt).join(Notice).join(
        Publication, Publication.id == Notice.version_id).where(
        Publication.contest_id == version.contest_id, Publication.scope == version.scope,
        Publication.number < version.number, Objection.state == ObjectionState.CORRECTED, Objection.handled_at >= since)
        .order_by(Objection.id)).scalars().all()
    changes = (input_changes(published_package(previous.id)["input"], version.package["input"])
               if previous is not None else {})
    return {"objections": list(receipts), "corrections": corrections, "late_accepted": late, **changes}


def _move_open_objections(old: Notice, notice: Notice) -> None:
    """Objections still open on the superseded notice are handled on the new one, and block finalizing it."""
    moving = [o for o in old.objections if o.state == ObjectionState.OPEN]
    if moving:
        for objection in moving:
            objection.notice = notice
        audit.record("objections_moved", "notice", notice.id, before={"notice_id": old.id},
                     after={"notice_id": notice.id, "receipts": [o.receipt for o in moving]})


@signals.published.connect
def start_notice(version: Publication, previous: Publication | None = None) -> Notice:
    """Open the 公示 of a just-published version (flushed, not committed) and supersede the last one.

    Period, contact and issuing body come from the contest's 公示 settings at this moment and are copied
    into the notice, so a later change of the settings never alters a notice already public; so are the
    secretaries' names, so a later 换届 never changes who a published notice names. The causes and the
    period are the publication's own: the publication service records them."""
    contest = db.session.get(Contest, version.contest_id)
    assert contest is not None
    settings = settings_for(contest.id)
    days = settings.period_days
    old = None
    causes = None
    if previous is not None:
        # A flag only: the reason is free text, kept in the audit event for staff pages (DECISIONS.md).
        causes = (causes_for(version, previous.published_at, previous)
                  | ({"after_final": previous.number} if previous.finalized_at else {}))
        old = db.session.execute(select(Notice).where(Notice.version_id == previous.id)).scalar_one_or_none()
        if old is not None and old.state != NoticeState.SUPERSEDED:
            audit.record("notice_superseded", "notice", old.id, before={"state": old.state},
                         after={"state": "superseded", "by_version": version.number})
            old.state = NoticeState.check_transition(old.state, NoticeState.SUPERSEDED)
    published_on = local(version.published_at)
    assert published_on is not None
    starts, ends, fallback = notice_period(published_on.date(), days)
    publication.attach_notice(version, causes, starts, ends)
    suffix = f"（第{version.number}版）" if version.number > 1 else ""
    numbers = {c["id"] for c in version.package["result"]["contestants"]}
    names = {number: name for number, name in holder_names(contest.id).items() if number in numbers}
    notice = Notice(version_id=version.id, title=f"{contest.name}{scope_label(contest, version.scope)}成绩公示{suffix}",
                    period_days=days, starts_on=starts, ends_on=ends, fallback_calendar=fallback,
                    issuing_body=settings.issuing_body, contact=settings.contact, state=NoticeState.OPEN, names=names)
    db.session.add(notice)
    db.session.flush()
    audit.record("notice_started", "notice", notice.id,
                 after={"version_id": version.id, "title": notice.title, "starts_on": str(starts),
                        "ends_on": str(ends), "period_days": days, "fallback_calendar": fallback,
                        "issuing_body": notice.issuing_body, "contact": notice.contact, "causes": version.causes})
    if old is not None:
        _move_open_objections(old, notice)
    return notice
