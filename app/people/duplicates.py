"""Duplicates among checked rows and against the contest: one place, one person, one judge, once each.

The import (preview and commit) and the one-at-a-time forms all call check_rows: one rule, not two."""

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.contests.models import Contest
from app.entries.models import Entry, EntryHolder
from app.extensions import db
from app.people import create
from app.people.validate import RowChecker

Keys = Callable[[dict[str, Any]], list[Hashable]]
SAME_PERSON = "同一人不能同时担任两个参赛村（乡镇）的书记"
SAME_JUDGE = "本次比武已有同名同手机号的评委"


def person_keys(row: dict[str, Any]) -> list[Hashable]:
    """A person is known by the ID number, or by name and mobile together (both when given)."""
    keys: list[Hashable] = []
    if row.get("id_number"):
        keys.append(("id", row["id_number"]))
    if row.get("name") and row.get("phone"):
        keys.append(("name", row["name"], row["phone"]))
    return keys


def duplicates_in_file(checker: RowChecker, rows: Sequence[dict[str, Any]], keys: Keys, column: str, what: str,
                       label: Callable[[dict[str, Any]], str], why: str = "") -> None:
    """Every row that shares a key with other rows is a problem, on each of them (once, naming the others)."""
    seen: dict[Hashable, list[int]] = defaultdict(list)
    for checked in rows:
        for key in keys(checked):
            seen[key].append(checked["row"])
    for checked in rows:
        others = sorted({n for key in keys(checked) for n in seen[key] if n != checked["row"]})
        if others:
            listed = "、".join(f"第 {n} 行" for n in others)
            message = f"{what}与{listed}重复" + (f"：{why}" if why else "")
            checker.problem(checked["row"], column, label(checked), message)


def secretaries_in_contest(contest: Contest) -> dict[Hashable, str]:
    """The person keys of the current secretaries of the contest's active entries, with the entry's number."""
    rows = db.session.execute(
        select(User.display_name, User.phone, User.id_number, Entry.public_number)
        .join(EntryHolder, EntryHolder.user_id == User.id).join(Entry, Entry.id == EntryHolder.entry_id)
        .where(Entry.contest_id == contest.id, Entry.active, EntryHolder.ended_on.is_(None)))
    found: dict[Hashable, str] = {}
    for name, phone, id_number, number in rows.tuples():
        for key in person_keys({"name": name, "phone": phone, "id_number": id_number}):
            found[key] = number
    return found


def check_rows(checker: RowChecker, kind: str, contest: Contest, rows: list[dict[str, Any]]) -> None:
    """Duplicates within the rows and against the contest (problems noted on the checker); a row whose
    place or person is unknown (a wrong value, already noted) is checked by what is known."""
    if kind == "contestants":
        _contestants(checker, contest, rows)
        return
    judge_key: Keys = lambda r: [(r["name"], r["phone"])] if r["name"] and r["phone"] else []  # noqa: E731
    duplicates_in_file(checker, rows, judge_key, "姓名", "同名同手机号的评委", lambda r: str(r["name"]))
    judges = create.existing_judges(contest)
    for row in rows:
        judge_elsewhere(checker, row, judges)


def judge_elsewhere(checker: RowChecker, row: dict[str, Any], judges: set[tuple[str, str | None]]) -> None:
    """A problem when the contest already has a judge of the row's name and mobile (`judges`: existing_judges,
    without the judge being edited)."""
    if (row["name"], row["phone"]) in judges:
        checker.problem(row["row"], "姓名", row["name"], SAME_JUDGE)


def _contestants(checker: RowChecker, contest: Contest, rows: list[dict[str, Any]]) -> None:
    def place(row: dict[str, Any]) -> list[Hashable]:
        key = checker.place_key(row)
        return [] if key is None else [key]

    duplicates_in_file(checker, rows, place, "村", "同一村（乡镇）", checker.place_label)
    duplicates_in_file(checker, rows, person_keys, "书记姓名", "同一人（姓名和手机号相同，或身份证号相同）",
                       lambda r: str(r["name"] or ""), SAME_PERSON)
    places = create.existing_places(contest)
    secretaries = secretaries_in_contest(contest)
    for row in rows:
        key = checker.place_key(row)
        number = places.get(key) if key is not None else None
        if number is not None:
            checker.problem(row["row"], "村" if row["village_id"] else "乡镇", checker.place_label(row),
                            f"本次比武已有该村（乡镇）的参赛人（编号 {number}）")
        person_elsewhere(checker, row, secretaries, number)


def person_elsewhere(checker: RowChecker, row: dict[str, Any], secretaries: dict[Hashable, str], own: str | None
                     ) -> None:
    """A problem when the row's person already holds an entry of the contest other than `own`."""
    holder_of = held_elsewhere(secretaries, row, own)
    if holder_of is not None:
        checker.problem(row["row"], "书记姓名", row["name"] or "", held_message(holder_of))


def held_elsewhere(secretaries: dict[Hashable, str], person: dict[str, Any], own: str | None) -> str | None:
    """The number of the active entry other than `own` whose secretary is this person, if any (the same entry's
    holder is left to the place check)."""
    holder_of = next((secretaries[k] for k in person_keys(person) if k in secretaries), None)
    return holder_of if holder_of != own else None


def held_message(number: str) -> str:
    return f"此人已是本次比武参赛人 {number} 的书记，{SAME_PERSON}"
