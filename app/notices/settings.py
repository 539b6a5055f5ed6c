"""公示 settings of a contest (period, contact, issuing body) and the contact text of an open notice."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app import rules, signals
from app.accounts.models import User
from app.audit import services as audit
from app.contests.models import Contest
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.notices.models import DEFAULT_PERIOD_DAYS, ISSUING_BODY, Notice, NoticeSettings
from app.notices.states import NoticeState
from app.timeutil import utcnow

MIN_DAYS, MAX_DAYS = 1, 30
MAX_CONTACT = 300
MAX_ISSUING_BODY = 100
PERIOD_ERROR = f"公示期须为 {MIN_DAYS} 至 {MAX_DAYS} 个工作日的整数"
CONTACT_ERROR = f"联系方式不超过 {MAX_CONTACT} 字"
ISSUING_BODY_ERROR = f"请填写发布单位（不超过 {MAX_ISSUING_BODY} 字）"


@dataclass(frozen=True)
class SettingsView:
    contest: Contest
    settings: NoticeSettings
    saved: bool  # False: nobody has set them yet, the defaults apply


def settings_for(contest_id: int) -> NoticeSettings:
    """The stored settings, or an unsaved row holding the defaults."""
    row = db.session.execute(select(NoticeSettings).where(
        NoticeSettings.contest_id == contest_id)).scalar_one_or_none()
    if row is not None:
        return row
    return NoticeSettings(contest_id=contest_id, period_days=DEFAULT_PERIOD_DAYS, contact="",
                          issuing_body=ISSUING_BODY)


def view(contest_id: int) -> SettingsView:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise NotFoundError("比武不存在")
    settings = settings_for(contest_id)
    return SettingsView(contest, settings, settings.id is not None)


def overview() -> list[SettingsView]:
    """Every contest with its settings, newest year first: the notices index links to each."""
    contests = db.session.execute(select(Contest).order_by(Contest.year.desc(), Contest.id.desc())).scalars()
    return [view(contest.id) for contest in contests]


def clean_contact(text: str) -> str:
    """Plain text: one line ending style, no trailing blanks; printed escaped, line by line."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    contact = "\n".join(lines).strip()
    if len(contact) > MAX_CONTACT:
        raise DomainError(CONTACT_ERROR)
    return contact


def _values(row: NoticeSettings) -> dict[str, Any]:
    return {"period_days": row.period_days, "contact": row.contact, "issuing_body": row.issuing_body}


def save(actor: User, contest_id: int, period_days: int, contact: str, issuing_body: str) -> bool:
    """Store the settings used at the contest's next publication; False when nothing changed."""
    if not rules.can_run_notices(actor):
        raise ForbiddenError("只有市级组织者可以修改公示设置")
    if not MIN_DAYS <= period_days <= MAX_DAYS:
        raise DomainError(PERIOD_ERROR)
    body = issuing_body.strip()
    if not body or len(body) > MAX_ISSUING_BODY:
        raise DomainError(ISSUING_BODY_ERROR)
    row = view(contest_id).settings
    text = clean_contact(contact)
    before = _values(row)
    after = {"period_days": period_days, "contact": text, "issuing_body": body}
    if before == after:
        return False
    row.period_days, row.contact, row.issuing_body = period_days, text, body
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    db.session.add(row)
    db.session.flush()
    audit.record("notice_settings_changed", "contest", contest_id, before=before, after=after)
    db.session.commit()
    return True


def edit_contact(actor: User, notice_id: int, contact: str) -> bool:
    """Fix the contact text of an open notice (a typo, a new phone number); its period stays as published."""
    if not rules.can_run_notices(actor):
        raise ForbiddenError("只有市级组织者可以修改公示的联系方式")
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFoundError("公示不存在")
    if notice.state != NoticeState.OPEN:
        raise DomainError("本公示已终结或已被新版本取代，联系方式不能再修改")
    text = clean_contact(contact)
    if text == notice.contact:
        return False
    audit.record("notice_contact_changed", "notice", notice.id, before={"contact": notice.contact},
                 after={"contact": text})
    notice.contact = text
    db.session.commit()
    signals.notice_reprinted.send(notice.id, actor=actor)
    return True
