"""One-at-a-time use cases (add, edit, 换届, deactivate), the lists and their Excel exports."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import rules
from app.accounts import services as accounts
from app.accounts.models import User
from app.audit import services as audit
from app.contests.current import require_writable, require_writable_contest
from app.contests.models import Contest
from app.entries.models import Entry, EntryHolder
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.people import create
from app.people.duplicates import (
    check_rows,
    held_elsewhere,
    held_message,
    judge_elsewhere,
    person_elsewhere,
    secretaries_in_contest,
)
from app.people.imports import RowsRefused
from app.people.validate import RowChecker, text
from app.people.xlsx import Column, table_workbook
from app.places.models import County, Township
from app.validation import mask_id_number

PAGE_SIZE = 100


@dataclass(frozen=True)
class Filters:
    group_id: int | None = None
    county_id: int | None = None
    township_id: int | None = None
    page: int = 1


@dataclass(frozen=True)
class Page:
    items: list[Entry]
    total: int
    page: int
    pages: int


def _entries_query(actor: User, contest: Contest, filters: Filters) -> Any:
    query = select(Entry).where(Entry.contest_id == contest.id)
    query = rules.visible(query, Entry.county_id, actor)
    if filters.group_id:
        query = query.where(Entry.group_id == filters.group_id)
    if filters.county_id:
        query = query.where(Entry.county_id == filters.county_id)
    if filters.township_id:
        query = query.where(Entry.township_id == filters.township_id)
    return query


def _with_people(query: Any) -> Any:
    return query.options(selectinload(Entry.holders).selectinload(EntryHolder.user), selectinload(Entry.county),
                         selectinload(Entry.township), selectinload(Entry.village), selectinload(Entry.group),
                         selectinload(Entry.subgroup)).order_by(Entry.public_number)


def list_contestants(actor: User, contest: Contest, filters: Filters) -> Page:
    query = _entries_query(actor, contest, filters)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    items = db.session.execute(_with_people(query).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).scalars()
    return Page(list(items), total, page, pages)


def list_judges(actor: User, contest: Contest) -> list[Judge]:
    query = select(Judge).where(Judge.contest_id == contest.id).options(
        selectinload(Judge.user), selectinload(Judge.home_county), selectinload(Judge.home_township))
    query = rules.visible(query, Judge.home_county_id, actor)
    return list(db.session.execute(query.order_by(Judge.id)).scalars())


def _refuse_if(checker: RowChecker) -> None:
    if checker.problems:
        db.session.rollback()
        raise RowsRefused(checker.problems, "请修改标出的问题后再保存")


def _checked_new_row(actor: User, kind: str, values: dict[str, Any]) -> tuple[Contest, RowChecker, dict[str, Any]]:
    """A form's values checked exactly as one import row of that kind ("contestants", "judges"), else refused."""
    contest = create.require_contest()
    require_writable(contest)
    checker = RowChecker(contest, rules.county_of(actor))
    row = checker.contestant(0, values) if kind == "contestants" else checker.judge(0, values)
    check_rows(checker, kind, contest, [row])
    _refuse_if(checker)
    return contest, checker, row


def _set_active(item: Entry | Judge, object_type: str, active: bool) -> None:
    """Deactivate or restore; audited as entry_/judge_ + activated or deactivated."""
    require_writable_contest(item.contest_id)
    before = {"active": item.active}
    item.active = active
    audit.record(f"{object_type}_{'activated' if active else 'deactivated'}", object_type, item.id, before=before,
                 after={"active": active})
    db.session.commit()


def _entry_snapshot(entry: Entry) -> dict[str, Any]:
    holder = entry.current_holder
    return {"public_number": entry.public_number, "contest_id": entry.contest_id, "group_id": entry.group_id,
            "subgroup_id": entry.subgroup_id, "active": entry.active,
            "holder_user_id": holder.user_id if holder else None,
            "holder_name": holder.user.display_name if holder else None}


def add_contestant(actor: User, values: dict[str, Any]) -> Entry:
    """One contestant from a form, checked exactly as an import row; a new entry with its secretary."""
    contest, checker, row = _checked_new_row(actor, "contestants", values)
    group = next(g for g in contest.groups if g.id == row["group_id"])
    township = checker.places.township_by_id[row["township_id"]]
    user = create.Secretaries().account(row, township, checker.places.village_by_id.get(row["village_id"] or 0))
    entry = create.add_entry(contest, row, group, create.Numbers(contest).next(group), user)
    db.session.flush()
    audit.record("entry_created", "entry", entry.id, after=_entry_snapshot(entry))
    db.session.commit()
    return entry


def edit_contestant(actor: User, entry_id: int, values: dict[str, Any]) -> Entry:
    """Change the secretary's details or sub-group; a different name is a 换届 (new holder, new account)."""
    entry = create.scoped_entry(actor, entry_id)
    require_writable_contest(entry.contest_id)
    checker = RowChecker(entry.group.contest, rules.county_of(actor))
    holder = entry.current_holder
    if holder is not None and holder.user.display_name == text(values.get("书记姓名")) and not values.get("手机号"):
        values = {**values, "手机号": holder.user.phone}  # left blank: unchanged (the form never shows it)
    name = checker.required(0, values, "书记姓名")
    phone = checker.mobile(0, values)
    id_number = checker.id_number(0, values)
    sub_name = text(values.get("子组别"))
    subgroup = checker.subgroups.get((entry.group_id, sub_name)) if sub_name else None
    if sub_name and subgroup is None:
        checker.problem(0, "子组别", sub_name, f"{entry.group.name}没有子组别“{sub_name}”")
    person = {"row": 0, "name": name, "phone": phone, "id_number": id_number}
    person_elsewhere(checker, person, secretaries_in_contest(entry.group.contest), entry.public_number)
    _refuse_if(checker)
    before = _entry_snapshot(entry)
    entry.subgroup_id = subgroup.id if subgroup else None
    if holder is None or holder.user.display_name != name:
        if holder is not None:
            holder.ended_on = date.today()
        user = create.Secretaries().account(person, entry.township, entry.village, reuse=False)
        entry.holders.append(EntryHolder(user=user, started_on=date.today()))
    else:
        holder.user.phone = phone
        if id_number:
            holder.user.id_number = id_number
    db.session.flush()
    action = "entry_holder_changed" if before["holder_name"] != name else "entry_edited"
    audit.record(action, "entry", entry.id, before=before, after=_entry_snapshot(entry))
    db.session.commit()
    return entry


def set_entry_active(actor: User, entry_id: int, active: bool) -> Entry:
    entry = create.scoped_entry(actor, entry_id)
    holder = entry.current_holder
    if active and not entry.active and holder is not None:
        # Withdrawn, its secretary could be added to another entry (only active entries are checked): restoring
        # it must not make one person the secretary of two.
        user = holder.user
        person = {"name": user.display_name, "phone": user.phone, "id_number": user.id_number}
        other = held_elsewhere(secretaries_in_contest(entry.group.contest), person, entry.public_number)
        if other is not None:
            raise DomainError(held_message(other))
    _set_active(entry, "entry", active)
    return entry


def _judge_snapshot(judge: Judge) -> dict[str, Any]:
    return {"username": judge.user.username, "name": judge.user.display_name, "unit": judge.unit,
            "field": judge.field, "home_county_id": judge.home_county_id,
            "home_township_id": judge.home_township_id, "active": judge.active}


def add_judge(actor: User, values: dict[str, Any]) -> Judge:
    contest, _, row = _checked_new_row(actor, "judges", values)
    judge = create.add_judge(contest, row, create.JudgeNames().next())
    db.session.flush()
    audit.record("judge_created", "judge", judge.id, after=_judge_snapshot(judge))
    db.session.commit()
    return judge


def edit_judge(actor: User, judge_id: int, values: dict[str, Any]) -> Judge:
    judge = create.scoped_judge(actor, judge_id)
    require_writable_contest(judge.contest_id)
    checker = RowChecker(judge.contest, rules.county_of(actor))
    if not values.get("手机号"):
        values = {**values, "手机号": judge.user.phone}  # left blank: unchanged (the form never shows it)
    row = checker.judge(0, values)
    _refuse_if(checker)
    assert row is not None
    judge_elsewhere(checker, row, create.existing_judges(judge.contest, except_id=judge.id))
    _refuse_if(checker)
    before = _judge_snapshot(judge)
    judge.unit, judge.field = row["unit"], row["field"]
    judge.home_county_id, judge.home_township_id = row["county_id"], row["township_id"]
    user = judge.user
    user.display_name, user.phone, user.unit, user.county_id = row["name"], row["phone"], row["unit"], row["county_id"]
    if row["id_number"]:
        user.id_number = row["id_number"]
    audit.record("judge_edited", "judge", judge.id, before=before, after=_judge_snapshot(judge))
    db.session.commit()
    return judge


def set_judge_active(actor: User, judge_id: int, active: bool) -> Judge:
    judge = create.scoped_judge(actor, judge_id)
    _set_active(judge, "judge", active)
    return judge


def reset_code(actor: User, kind: str, object_id: int) -> accounts.IssuedCode:
    """A forgotten password: a new activation code for the entry's current secretary or the judge."""
    if kind == "entry":
        holder = create.scoped_entry(actor, object_id).current_holder
        if holder is None:
            raise NotFoundError("该参赛人当前没有书记账号")
        return accounts.reissue_code(actor, holder.user_id)
    return accounts.reissue_code(actor, create.scoped_judge(actor, object_id).user_id)


def _masked_phone(phone: str | None) -> str:
    return "***" + phone[-4:] if phone else ""


CONTESTANT_EXPORT = tuple(Column(h, width=w) for h, w in (
    ("编号", 8), ("组别", 16), ("子组别", 12), ("县区", 10), ("乡镇", 14), ("村", 14), ("书记姓名", 10),
    ("用户名", 16), ("手机号", 10), ("身份证号", 22), ("状态", 8)))
JUDGE_EXPORT = tuple(Column(h, width=w) for h, w in (
    ("用户名", 8), ("姓名", 10), ("单位", 22), ("领域", 10), ("所在县区", 10), ("所在乡镇", 14), ("手机号", 10),
    ("身份证号", 22), ("状态", 8)))


def export_contestants(actor: User, contest: Contest, filters: Filters) -> bytes:
    entries = db.session.execute(_with_people(_entries_query(actor, contest, filters))).scalars()
    rows = []
    for e in entries:
        user = e.current_holder.user if e.current_holder else None
        rows.append([e.public_number, e.group.name, e.subgroup.name if e.subgroup else "", e.county.name,
                     e.township.name, e.village.name if e.village else "", user.display_name if user else "",
                     user.username if user else "", _masked_phone(user.phone if user else None),
                     mask_id_number(user.id_number if user else None), "参赛" if e.active else "已停用"])
    return table_workbook("参赛人", CONTESTANT_EXPORT, rows)


def export_judges(actor: User, contest: Contest) -> bytes:
    rows = [[j.user.username, j.user.display_name, j.unit, j.field_label,
             j.home_county.name if j.home_county else "", j.home_township.name if j.home_township else "",
             _masked_phone(j.user.phone), mask_id_number(j.user.id_number), "在用" if j.active else "已停用"]
            for j in list_judges(actor, contest)]
    return table_workbook("评委", JUDGE_EXPORT, rows)


def place_choices(actor: User, with_counties: bool = False) -> list[tuple[str, str]]:
    """Form choices "县区/乡镇" in the actor's scope (and "县区/" for the county itself when asked)."""
    query = select(County).order_by(County.code).options(selectinload(County.townships))
    query = rules.visible(query, County.id, actor)
    choices = []
    for county in db.session.execute(query).scalars():
        if with_counties:
            choices.append((f"{county.name}/", f"{county.name}（不限乡镇）"))
        choices += [(f"{county.name}/{t.name}", f"{county.name} · {t.name}") for t in county.townships]
    return choices


def county_list(actor: User) -> list[County]:
    query = select(County).order_by(County.code)
    query = rules.visible(query, County.id, actor)
    return list(db.session.execute(query).scalars())


def township_list(actor: User, county_id: int | None = None) -> list[Township]:
    query = select(Township).join(County).order_by(Township.code).options(selectinload(Township.county))
    query = rules.visible(query, Township.county_id, actor)
    if county_id:
        query = query.where(Township.county_id == county_id)
    return list(db.session.execute(query).scalars())
