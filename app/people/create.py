"""Building accounts, entries and judges from checked rows (no commit: the calling use case commits)."""

import re
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import or_, select

from app import rules
from app.accounts.models import User
from app.accounts.passwords import activation_digest, new_activation_code
from app.contests.current import current_contest
from app.contests.models import Contest, Group
from app.entries.models import Entry, EntryHolder
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.people.models import ImportBatch
from app.places.models import Township, Village

NUMBER_STYLE = {"township": ("T", 2), "village": ("V", 3)}
JUDGE_USERNAME = re.compile(r"^j(\d+)$")
T = TypeVar("T")


def require_contest() -> Contest:
    contest = current_contest()
    if contest is None:
        raise DomainError("尚未创建比武：请先在“比武设置”中创建本年度比武")
    return contest


def scoped_entry(actor: User, entry_id: int) -> Entry:
    """An entry the actor may see, else 404 (another county's ids are not revealed)."""
    entry = db.session.get(Entry, entry_id)
    return _seen(actor, entry, entry.county_id if entry else None, "参赛人不存在")


def scoped_judge(actor: User, judge_id: int) -> Judge:
    judge = db.session.get(Judge, judge_id)
    return _seen(actor, judge, judge.home_county_id if judge else None, "评委不存在")


def scoped_batch(actor: User, batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    return _seen(actor, batch, batch.county_id if batch else None, "导入批次不存在")


def _seen(actor: User, row: T | None, county_id: int | None, missing: str) -> T:
    """The row if the actor may see its county; a 404 naming what is missing otherwise."""
    if row is None or not rules.may_see(actor, county_id):
        raise NotFoundError(missing)
    return row


def new_account(username: str, role: str, row: dict[str, Any], county_id: int | None, unit: str) -> User:
    """An account that signs in first with an activation code (issued again when slips are printed)."""
    user = User(username=username, display_name=row["name"], phone=row["phone"] or None, role=role,
                county_id=county_id, unit=unit, id_number=row.get("id_number"),
                activation_digest=activation_digest(new_activation_code()), must_change_password=True)
    db.session.add(user)
    return user


class Numbers:
    """The next free public number per group (T01…, V001…) in one contest."""

    def __init__(self, contest: Contest) -> None:
        self.taken = set(db.session.execute(
            select(Entry.public_number).where(Entry.contest_id == contest.id)).scalars())
        self.last: dict[str, int] = {}

    def next(self, group: Group) -> str:
        prefix, width = NUMBER_STYLE.get(group.code, (group.code[:1].upper() or "E", 3))
        if prefix not in self.last:
            used = [int(n[len(prefix):]) for n in self.taken if n.startswith(prefix) and n[len(prefix):].isdigit()]
            self.last[prefix] = max(used, default=0)
        self.last[prefix] += 1
        number = f"{prefix}{self.last[prefix]:0{width}d}"
        self.taken.add(number)
        return number


class Secretaries:
    """Secretary accounts by username: "s"+village code or "t"+township code, suffixed -2, -3… when taken.

    The same person at the same place (same name, same or no phone) keeps their account from an
    earlier contest; anyone else gets a new one."""

    def __init__(self) -> None:
        query = select(User).where(or_(User.username.like("s%"), User.username.like("t%")))
        self.users: dict[str, User] = {u.username: u for u in db.session.execute(query).scalars()}
        self.created = 0
        self.reused = 0

    @staticmethod
    def base(township: Township, village: Village | None) -> str:
        return f"s{village.code}" if village is not None else f"t{township.code}"

    def account(self, row: dict[str, Any], township: Township, village: Village | None, *, reuse: bool = True) -> User:
        base = self.base(township, village)
        candidates = [base] + [f"{base}-{n}" for n in range(2, 100)]
        if reuse:
            for name in candidates:
                user = self.users.get(name)
                if (user is not None and user.role == "secretary" and user.display_name == row["name"]
                        and user.phone in (None, row["phone"])):
                    self.reused += 1
                    return user
        username = next(n for n in candidates if n not in self.users)
        unit = village.name if village is not None else township.name
        user = new_account(username, "secretary", row, township.county_id, unit)
        self.users[username] = user
        self.created += 1
        return user


def add_entry(contest: Contest, row: dict[str, Any], group: Group, number: str, user: User) -> Entry:
    entry = Entry(contest_id=contest.id, group=group, subgroup_id=row.get("subgroup_id"), public_number=number,
                  county_id=row["county_id"], township_id=row["township_id"], village_id=row.get("village_id"))
    entry.holders = [EntryHolder(user=user, started_on=date.today())]
    db.session.add(entry)
    return entry


class JudgeNames:
    """Judge usernames j01, j02…: the next number not yet used by any account."""

    def __init__(self) -> None:
        names = db.session.execute(select(User.username).where(User.username.like("j%"))).scalars()
        numbers = [int(m.group(1)) for n in names if (m := JUDGE_USERNAME.match(n))]
        self.last = max(numbers, default=0)

    def next(self) -> str:
        self.last += 1
        return f"j{self.last:02d}"


def add_judge(contest: Contest, row: dict[str, Any], username: str) -> Judge:
    user = new_account(username, "judge", row, row["county_id"], row["unit"])
    judge = Judge(contest_id=contest.id, user=user, unit=row["unit"], field=row["field"],
                  home_county_id=row["county_id"], home_township_id=row["township_id"])
    db.session.add(judge)
    return judge


def existing_places(contest: Contest) -> dict[tuple[int, int | None], str]:
    """The places that already have an entry in the contest, with its public number."""
    rows = db.session.execute(select(Entry.township_id, Entry.village_id, Entry.public_number)
                              .where(Entry.contest_id == contest.id))
    return {(t, v): n for t, v, n in rows.tuples()}


def existing_judges(contest: Contest, except_id: int | None = None) -> set[tuple[str, str | None]]:
    """(name, mobile) of the contest's judges."""
    query = select(User.display_name, User.phone).join(Judge, Judge.user_id == User.id).where(
        Judge.contest_id == contest.id)
    if except_id is not None:
        query = query.where(Judge.id != except_id)
    return set(db.session.execute(query).tuples())
