"""Reports from published result versions: which version, whose rows, the ranking, judges behind pseudonyms."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import rules
from app.accounts.models import User
from app.contests.models import Contest
from app.entries.models import Entry, EntryHolder
from app.errors import NotFoundError
from app.excel import Number
from app.extensions import db
from app.judges.models import Judge
from app.places.models import County, Township
from app.publication.models import Publication
from app.publication.packages import published_package
from app.result_scope import YEAR_KEY
from app.results.assemble import all_scopes
from app.results.models import JudgeAlias
from app.results.services import Row, get_contest, rows_of


@dataclass(frozen=True)
class Place:
    """Where a contestant comes from, and who holds the entry now."""

    entry_id: int
    county_id: int
    county: str
    township_id: int
    township: str
    holder: str


@dataclass(frozen=True)
class Published:
    """A published version with what every report needs: ranked rows and the contestants' places.

    `package` is the process-wide parsed package (app/publication/packages.py), shared with every other request:
    reports only read it and what lies below it (`input`, the rows' `rounds`)."""

    contest: Contest
    version: Publication
    package: Mapping[str, Any]
    rows: list[Row]
    places: dict[str, Place]
    group_names: dict[str, str]

    @property
    def input(self) -> Mapping[str, Any]:
        return self.package["input"]  # the shared dict itself: read only

    @property
    def round_codes(self) -> list[str]:
        return [r["id"] for r in self.input["rounds"]]

    def round_names(self) -> dict[str, str]:
        return {r.code: r.name for r in self.contest.rounds}

    def award_names(self, group: str) -> list[str]:
        for entry in self.input.get("awards", []):
            if entry["group"] == group:
                return [band["name"] for band in entry["bands"]]
        return []

    def groups(self) -> list[str]:
        present = {row.group for row in self.rows}
        return [code for code in self.group_names if code in present]


def published_versions(contest_id: int) -> list[Publication]:
    """Every published version of the contest, newest first."""
    return list(db.session.execute(select(Publication).where(Publication.contest_id == contest_id)
                                   .order_by(Publication.published_at.desc(), Publication.id.desc())).scalars())


def latest_by_scope(contest: Contest) -> list[tuple[str, str, Publication | None]]:
    """(scope, label, latest published version or None) for every round and the year."""
    latest: dict[str, Publication] = {}
    for version in published_versions(contest.id):
        latest.setdefault(version.scope, version)
    return [(scope, label, latest.get(scope)) for scope, label in all_scopes(contest)]


def _places(contest_id: int) -> dict[str, Place]:
    """Every entry's county, township and current holder, in two queries."""
    holders = dict(db.session.execute(
        select(EntryHolder.entry_id, User.display_name).join(User, User.id == EntryHolder.user_id)
        .join(Entry, Entry.id == EntryHolder.entry_id)
        .where(Entry.contest_id == contest_id, EntryHolder.ended_on.is_(None))
        .order_by(EntryHolder.started_on, EntryHolder.id)).tuples().all())
    rows = db.session.execute(
        select(Entry.public_number, Entry.id, Entry.county_id, County.name, Entry.township_id, Township.name)
        .join(County, County.id == Entry.county_id).join(Township, Township.id == Entry.township_id)
        .where(Entry.contest_id == contest_id)).tuples()
    return {number: Place(entry_id, county_id, county, township_id, township, holders.get(entry_id, ""))
            for number, entry_id, county_id, county, township_id, township in rows}


def load(actor: User, contest_id: int, scope: str, number: int | None = None) -> Published:
    """Version `number` of a scope (the latest when None); a county organizer gets only their county's rows."""
    contest = get_contest(contest_id)
    query = select(Publication).where(Publication.contest_id == contest.id, Publication.scope == scope)
    query = query.where(Publication.number == number) if number is not None else \
        query.order_by(Publication.number.desc()).limit(1)
    version = db.session.execute(query).scalar_one_or_none()
    if version is None:
        raise NotFoundError("该成绩尚未发布")
    package = published_package(version.id)
    places = _places(contest.id)
    rows = rows_of(package["input"], package["result"])
    if rules.is_county_scoped(actor):
        rows = [r for r in rows
                if r.public_number in places and rules.may_see(actor, places[r.public_number].county_id)]
    names = {g.code: g.name for g in contest.groups if g.parent_id is None}
    return Published(contest, version, package, rows, places, names)


def default_version(contest: Contest) -> Publication | None:
    """For the appraisal: the latest published year version, else the latest published round version."""
    versions = published_versions(contest.id)
    return next((v for v in versions if v.scope == YEAR_KEY), versions[0] if versions else None)


def check_county(actor: User, county_id: int) -> County:
    """A county organizer may open only their own county; any other id is 404."""
    county = db.session.get(County, county_id)
    if county is None or not rules.may_see(actor, county_id):
        raise NotFoundError("县区不存在")
    return county


def note_of(row: Row) -> str:
    if row.vetoed:
        return "一票否决"
    if row.absent:
        return "缺席"
    return row.award or ""


def ranking_sheets(published: Published) -> list[tuple[str, list[str], list[list[object]]]]:
    """Per group: (group name, headers, rows in rank order) — the published figures as they are."""
    codes = published.round_codes
    names = published.round_names()
    multi = len(codes) > 1
    places = int(published.input.get("places", 2))
    headers = ["名次", "并列", "编号", "姓名", "单位", "县区"] + ([names.get(c, c) for c in codes] if multi else []) + \
        ["总分", "奖项/备注"]
    sheets = []
    for group in published.groups():
        lines: list[list[object]] = []
        for row in (r for r in published.rows if r.group == group):
            place = published.places.get(row.public_number)
            lines.append([row.rank if row.rank is not None else "—", "并列" if row.tied else "", row.public_number,
                          place.holder if place else "", row.name, place.county if place else ""]
                         + ([_number(row.rounds.get(c), places) for c in codes] if multi else [])
                         + [_number(row.total, places), note_of(row)])
        sheets.append((published.group_names.get(group, group), headers, lines))
    return sheets


def _number(text: str | None, places: int) -> object:
    """Published decimal text as an Excel number shown with the contest's places; missing stays "缺"."""
    return "缺" if text is None else Number(Decimal(text), places)


def judge_names(contest_id: int, scope: str) -> dict[str, str]:
    """Pseudonym → real name of the scope's judges (organizers and supervisors only)."""
    rows = db.session.execute(select(JudgeAlias.alias, User.display_name)
                              .join(Judge, Judge.id == JudgeAlias.judge_id).join(User, User.id == Judge.user_id)
                              .where(JudgeAlias.contest_id == contest_id, JudgeAlias.scope == scope)).tuples()
    return dict(rows.all())


def judge_aliases(contest_id: int, scope: str) -> dict[str, tuple[int, str]]:
    """Pseudonym → (judge id, real name) of the scope's judges (organizers and supervisors only)."""
    rows = db.session.execute(select(JudgeAlias.alias, Judge.id, User.display_name)
                              .join(Judge, Judge.id == JudgeAlias.judge_id).join(User, User.id == Judge.user_id)
                              .where(JudgeAlias.contest_id == contest_id, JudgeAlias.scope == scope)).tuples()
    return {alias: (judge_id, name) for alias, judge_id, name in rows}
