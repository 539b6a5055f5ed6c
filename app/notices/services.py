"""公示 use cases: the public view of a notice, objections and their 复核, finalizing, the notice PDF's values."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app import rules, signals
from app.accounts.models import User
from app.audit import services as audit
from app.contests.models import Contest
from app.entries.models import Entry
from app.errors import DomainError, ForbiddenError, NotFoundError
from app.extensions import db
from app.notices.lifecycle import holder_names
from app.notices.models import PHASE_BADGES, PHASE_LABELS, Notice, Objection
from app.notices.phones import PHONE_ERROR, normalise_phone
from app.notices.states import NoticePhase, NoticeState, ObjectionState
from app.publication import services as publication
from app.publication.models import Publication
from app.publication.packages import published_package
from app.results.assemble import scope_label
from app.results.services import Row, rows_of
from app.timeutil import chinese_date, local, today, utcnow

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CHANNELS = {"web": "网上提交", "phone": "电话", "letter": "信函", "visit": "来访"}
# A letter or a visit may come without a number to call back; the web form and a call always have one.
PHONE_REQUIRED = {"web": "请填写联系电话", "phone": "电话反映的异议请填写来电号码"}
STATES = {state.value: state.label for state in ObjectionState}  # value -> label, as templates read them
MAX_CONTENT = 1000


@dataclass(frozen=True)
class NoticeView:
    notice: Notice
    version: Publication
    package: Mapping[str, Any]  # the version's package from the process's cache: read only
    contest: Contest
    scope_name: str
    rows: list[Row]
    names: dict[str, str]
    groups: dict[str, str]
    phase: NoticePhase

    @property
    def accepting(self) -> bool:
        return self.phase == NoticePhase.OPEN


def phase_of(notice: Notice, on: date) -> NoticePhase:
    """The notice's phase on a day: its stored state, or `ended` once an open notice's period is over."""
    if notice.state == NoticeState.OPEN and on > notice.ends_on:
        return NoticePhase.ENDED
    return NoticePhase(notice.state)


def get_notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFoundError("公示不存在")
    return notice


def _names(notice: Notice | None, contest_id: int) -> dict[str, str]:
    """The names frozen when the notice started; a notice from before names were frozen has the current ones."""
    if notice is not None and notice.names is not None:
        return dict(notice.names)
    return holder_names(contest_id)


def names_for_version(version_id: int) -> dict[str, str]:
    """Public number -> the secretary's name as published with this version (its 公示's names)."""
    version = db.session.get(Publication, version_id)
    if version is None:
        raise NotFoundError("该版本不存在")
    notice = db.session.execute(select(Notice).where(Notice.version_id == version_id)).scalar_one_or_none()
    return _names(notice, version.contest_id)


def view(notice_id: int, on: date | None = None) -> NoticeView:
    notice = get_notice(notice_id)
    version = db.session.get(Publication, notice.version_id)
    assert version is not None
    contest = db.session.get(Contest, version.contest_id)
    assert contest is not None
    groups = {g.code: g.name for g in contest.groups}
    package = published_package(version.id)
    rows = rows_of(package["input"], package["result"])
    return NoticeView(notice, version, package, contest, scope_label(contest, version.scope), rows,
                      _names(notice, contest.id), groups, phase_of(notice, on or today()))


def current_notices() -> list[Notice]:
    """The notices the public landing lists: every one not replaced by a later version, newest first."""
    return list(db.session.execute(select(Notice).where(Notice.state != NoticeState.SUPERSEDED)
                                   .order_by(Notice.id.desc())).scalars())


@dataclass(frozen=True)
class NoticeLine:
    """A notice as the staff's lists show it: its phase today and how many objections await 复核."""

    notice: Notice
    contest_id: int
    scope: str
    number: int
    phase: NoticePhase
    open_objections: int

    @property
    def label(self) -> str:
        return PHASE_LABELS[self.phase]

    @property
    def badge(self) -> str:  # Bootstrap's colour of the phase's badge
        return PHASE_BADGES[self.phase]


def notice_lines(contest_id: int | None = None, on: date | None = None) -> list[NoticeLine]:
    """Every notice (of one contest, or all), newest first, in two queries whatever their number."""
    query = (select(Notice, Publication.contest_id, Publication.scope, Publication.number)
             .join(Publication, Publication.id == Notice.version_id).order_by(Notice.id.desc()))
    if contest_id is not None:
        query = query.where(Publication.contest_id == contest_id)
    rows = db.session.execute(query).tuples().all()
    waiting = dict(db.session.execute(
        select(Objection.notice_id, func.count(Objection.id)).where(
            Objection.state == ObjectionState.OPEN, Objection.notice_id.in_([n.id for n, *_ in rows]))
        .group_by(Objection.notice_id)).tuples().all()) if rows else {}
    day = on or today()
    return [NoticeLine(notice, contest, scope, number, phase_of(notice, day), waiting.get(notice.id, 0))
            for notice, contest, scope, number in rows]


def latest_notices(contest_id: int, on: date | None = None) -> dict[str, NoticeLine]:
    """Each scope's newest notice (its newest published version), for the results index."""
    latest: dict[str, NoticeLine] = {}
    for line in notice_lines(contest_id, on):
        latest.setdefault(line.scope, line)
    return latest


@signals.publication_lines.connect
def latest_lines(contest_id: int) -> dict[str, NoticeLine]:
    """The results index asks (signals.publication_lines): each scope's newest 公示 line, as of today."""
    return latest_notices(contest_id)


@dataclass(frozen=True)
class ObjectionInput:
    name: str
    phone: str
    public_number: str
    content: str
    channel: str = "web"


def _new_receipt() -> str:
    while True:
        receipt = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))
        if db.session.execute(select(Objection.id).where(Objection.receipt == receipt)).first() is None:
            return receipt


def file_objection(notice_id: int, data: ObjectionInput, staff: User | None = None,
                   on: date | None = None) -> Objection:
    """File an objection: on the web only while the notice is open; staff enter phone/letter/visit ones.

    A phone is a mobile or a landline; a letter or a visit entered by staff may have none."""
    info = view(notice_id, on)
    if staff is None and not info.accepting:
        raise DomainError("公示期已结束或本公示已被更新，不再受理网上异议")
    if staff is not None and info.notice.state != NoticeState.OPEN:
        raise DomainError("本公示已终结或已被新版本取代，不能再登记异议")
    if data.channel not in CHANNELS or (staff is None) != (data.channel == "web"):
        raise DomainError("异议来源无效")
    phone = normalise_phone(data.phone) if data.phone.strip() else ""
    problems = []
    if not data.name.strip() or len(data.name.strip()) > 50:
        problems.append("请填写姓名（不超过 50 字）")
    if phone is None:
        problems.append(PHONE_ERROR)
    elif not phone and data.channel in PHONE_REQUIRED:
        problems.append(PHONE_REQUIRED[data.channel])
    if data.public_number not in {row.public_number for row in info.rows}:
        problems.append("所涉参赛人不在本公示名单中")
    content = data.content.strip()
    if not content or len(content) > MAX_CONTENT:
        problems.append(f"请填写异议内容（不超过 {MAX_CONTENT} 字）")
    if problems:
        raise DomainError("；".join(problems))
    objection = Objection(notice_id=info.notice.id, receipt=_new_receipt(), channel=data.channel,
                          name=data.name.strip(), phone=phone, public_number=data.public_number,
                          content=content, state=ObjectionState.OPEN, entered_by_id=staff.id if staff else None)
    db.session.add(objection)
    db.session.flush()
    audit.record("objection_filed", "objection", objection.id,
                 after={"notice_id": info.notice.id, "receipt": objection.receipt, "channel": data.channel,
                        "public_number": data.public_number})
    db.session.commit()
    return objection


def by_receipt(receipt: str) -> Objection:
    objection = db.session.execute(select(Objection).where(
        Objection.receipt == receipt.strip().upper())).scalar_one_or_none()
    if objection is None:
        raise NotFoundError("没有这个回执号的异议，请核对后重新输入")
    return objection


def county_numbers(contest_id: int, county_id: int) -> set[str]:
    return set(db.session.execute(select(Entry.public_number).where(
        Entry.contest_id == contest_id, Entry.county_id == county_id)).scalars())


def objections_for(notice: Notice, county_id: int | None) -> list[Objection]:
    """A county organizer sees the objections about their county's contestants only."""
    county = rules.county_of(county_id)
    if county is None:
        return list(notice.objections)
    version = db.session.get(Publication, notice.version_id)
    assert version is not None
    mine = county_numbers(version.contest_id, county)
    return [o for o in notice.objections if o.public_number in mine]


def get_objection(objection_id: int, county_id: int | None) -> Objection:
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection not in objections_for(objection.notice, county_id):
        raise NotFoundError("异议不存在")
    return objection


def review(actor: User, objection_id: int, outcome: str, answer: str) -> Objection:
    """复核: 维持 (maintained) or 更正 (corrected), with a written answer the objector reads by receipt."""
    objection = get_objection(objection_id, rules.county_of(actor))
    if objection.state != ObjectionState.OPEN:
        raise DomainError("该异议已复核，不能重复处理")
    if outcome not in (ObjectionState.MAINTAINED, ObjectionState.CORRECTED):
        raise DomainError("请选择复核结论：维持或更正")
    text = answer.strip()
    if len(text) < 5 or len(text) > MAX_CONTENT:
        raise DomainError(f"请填写书面答复（5 至 {MAX_CONTENT} 字）")
    objection.state, objection.answer = ObjectionState.check_transition(objection.state, outcome), text
    objection.handled_by_id, objection.handled_at = actor.id, utcnow()
    audit.record("objection_reviewed", "objection", objection.id, before={"state": "open"},
                 after={"state": outcome, "answer": text})
    db.session.commit()
    return objection


def over_quota(version: Publication) -> list[dict[str, Any]]:
    return [a for a in published_package(version.id)["result"].get("awards", []) if a.get("over_quota")]


def finalize(actor: User, notice_id: int, confirm_over_quota: bool, on: date | None = None) -> Publication:
    """After the period, with no open objection and any over-quota band confirmed, the version is final."""
    if not rules.can_finalize(actor):
        raise ForbiddenError("只有市级组织者可以终结公示")
    info = view(notice_id, on)
    if info.notice.state != NoticeState.OPEN:
        raise DomainError("本公示已终结或已被新版本取代")
    if info.phase != NoticePhase.ENDED:
        raise DomainError(f"公示期至 {info.notice.ends_on} 24:00 结束，结束后方可终结")
    states = [o.state for o in info.notice.objections]
    if ObjectionState.OPEN in states:
        raise DomainError(f"尚有 {states.count(ObjectionState.OPEN)} 件异议未复核")
    if ObjectionState.CORRECTED in states:
        raise DomainError("已有异议复核为更正：请更正后重新签核、发布新版本，本版本不能终结")
    if over_quota(info.version) and not confirm_over_quota:
        raise DomainError("有奖项超出名额（并列），请勾选“已确认超出名额的奖项”后再终结")
    publication.finalize(actor, info.version)
    info.notice.state = NoticeState.check_transition(info.notice.state, NoticeState.FINALIZED)
    audit.record("result_finalized", "result_version", info.version.id, before={"notice_state": "open"},
                 after={"notice_state": "finalized", "over_quota_confirmed": bool(over_quota(info.version))})
    db.session.commit()
    signals.notice_reprinted.send(info.notice.id, actor=actor)
    return info.version


def period_text(notice: Notice) -> str:
    return f"{chinese_date(notice.starts_on)}至{chinese_date(notice.ends_on)}（{notice.period_days}个工作日）"


def pdf_context(notice_id: int) -> dict[str, Any]:
    """Plain values for templates/pdf/notice.html."""
    info = view(notice_id)
    groups = []
    for code, name in info.groups.items():
        lines = [{"rank": f"{r.rank}=" if r.rank and r.tied else (r.rank or ""), "tied": r.tied,
                  "number": r.public_number, "name": info.names.get(r.public_number, ""),
                  "unit": r.name, "total": r.total, "award": r.award or "",
                  "note": "缺席" if r.absent else ("否决" if r.vetoed else "")}
                 for r in info.rows if r.group == code]
        if lines:
            groups.append({"name": name, "lines": lines})
    published = local(info.version.published_at)
    return {"title": info.notice.title, "contest": info.contest.name, "scope": info.scope_name,
            "period": period_text(info.notice), "ends": chinese_date(info.notice.ends_on),
            "fallback": info.notice.fallback_calendar, "groups": groups, "hash": info.version.package_hash,
            "version": info.version.number, "after_final": (info.version.causes or {}).get("after_final"),
            "issuing_body": info.notice.issuing_body,
            "contact": info.notice.contact, "contact_lines": info.notice.contact_lines,
            "date": chinese_date(published.date()) if published else ""}
