"""Reports from published result versions: which version, whose rows, the ranking and the score matrix."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select

from app.accounts.models import User
from app.contests.models import Contest
from app.entries.models import Entry, EntryHolder
from app.errors import NotFoundError
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.places.models import County, Township
from app.results.models import JudgeAlias, ResultVersion
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
    """A published version with what every report needs: ranked rows and the contestants' places."""

    contest: Contest
    version: ResultVersion
    rows: list[Row]
    places: dict[str, Place]
    group_names: dict[str, str]

    @property
    def input(self) -> dict[str, Any]:
        return dict(self.version.package["input"])

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


def scope_label(contest: Contest, scope: str) -> str:
    if scope == "year":
        return "全年总成绩"
    return next((r.name for r in contest.rounds if f"round:{r.code}" == scope), scope)


def published_versions(contest_id: int) -> list[ResultVersion]:
    """Every published version of the contest, newest first."""
    return list(db.session.execute(select(ResultVersion).where(ResultVersion.contest_id == contest_id)
                                   .order_by(ResultVersion.published_at.desc(), ResultVersion.id.desc())).scalars())


def latest_by_scope(contest: Contest) -> list[tuple[str, str, ResultVersion | None]]:
    """(scope, label, latest published version or None) for every round and the year."""
    latest: dict[str, ResultVersion] = {}
    for version in published_versions(contest.id):
        latest.setdefault(version.scope, version)
    scopes = [f"round:{r.code}" for r in contest.rounds] + ["year"]
    return [(scope, scope_label(contest, scope), latest.get(scope)) for scope in scopes]


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
    query = select(ResultVersion).where(ResultVersion.contest_id == contest.id, ResultVersion.scope == scope)
    query = query.where(ResultVersion.number == number) if number is not None else \
        query.order_by(ResultVersion.number.desc()).limit(1)
    version = db.session.execute(query).scalar_one_or_none()
    if version is None:
        raise NotFoundError("该成绩尚未发布")
    package = version.package
    places = _places(contest.id)
    rows = rows_of(package["input"], package["result"])
    if actor.county_id is not None:
        rows = [r for r in rows if r.public_number in places and places[r.public_number].county_id == actor.county_id]
    names = {g.code: g.name for g in contest.groups if g.parent_id is None}
    return Published(contest, version, rows, places, names)


def default_version(contest: Contest) -> ResultVersion | None:
    """For the appraisal: the latest published year version, else the latest published round version."""
    versions = published_versions(contest.id)
    return next((v for v in versions if v.scope == "year"), versions[0] if versions else None)


def check_county(actor: User, county_id: int) -> County:
    """A county organizer may open only their own county; any other id is 404."""
    county = db.session.get(County, county_id)
    if county is None or (actor.county_id is not None and actor.county_id != county_id):
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
    headers = ["名次", "并列", "编号", "姓名", "单位", "县区"] + ([names.get(c, c) for c in codes] if multi else []) + \
        ["总分", "奖项/备注"]
    sheets = []
    for group in published.groups():
        lines: list[list[object]] = []
        for row in (r for r in published.rows if r.group == group):
            place = published.places.get(row.public_number)
            lines.append([row.rank if row.rank is not None else "—", "并列" if row.tied else "", row.public_number,
                          place.holder if place else "", row.name, place.county if place else ""]
                         + ([_number(row.rounds.get(c)) for c in codes] if multi else [])
                         + [_number(row.total), note_of(row)])
        sheets.append((published.group_names.get(group, group), headers, lines))
    return sheets


def _number(text: str | None) -> object:
    """Published decimal text as an exact Excel number; missing stays "缺"."""
    return "缺" if text is None else Decimal(text)


@dataclass(frozen=True)
class MatrixLine:
    round_name: str
    judge: str
    public_number: str
    unit: str
    version: int
    source: str
    marks: list[Decimal | None]
    total: Decimal


def score_matrix(published: Published) -> tuple[list[str], list[MatrixLine]]:
    """Judge × contestant × criterion from the sheet versions counted when the version was published
    (the latest counted version of each sheet confirmed by then), with judges' real names."""
    rounds = [r for r in published.contest.rounds if r.code in published.round_codes]
    width = max((len(r.criteria) for r in rounds), default=0)
    visible = {p.entry_id: number for number, p in published.places.items()
               if number in {row.public_number for row in published.rows}}
    units = {row.public_number: row.name for row in published.rows}
    lines: list[MatrixLine] = []
    for rnd in rounds:
        found: list[MatrixLine] = []
        versions = _counted_versions(rnd.id, published.version.published_at, set(visible))
        marks = _marks([v.id for v, _, _ in versions])
        positions = {c.id: i for i, c in enumerate(rnd.criteria)}
        for version, entry_id, judge in versions:
            values: list[Decimal | None] = [None] * width
            for criterion_id, value in marks.get(version.id, []):
                values[positions[criterion_id]] = value
            number = visible[entry_id]
            found.append(MatrixLine(rnd.name, judge, number, units.get(number, ""), version.number, version.source,
                                    values, version.total))
        lines.extend(sorted(found, key=lambda m: (m.public_number, m.judge)))
    return [f"指标{i}" for i in range(1, width + 1)], lines


def criterion_legend(published: Published) -> list[str]:
    return [f"{r.name}：" + "；".join(f"指标{i} {c.name}（满分 {c.max_points.normalize():f}）"
                                     for i, c in enumerate(r.criteria, start=1))
            for r in published.contest.rounds if r.code in published.round_codes]


def _counted_versions(round_id: int, until: datetime, entry_ids: set[int]) -> list[tuple[SheetVersion, int, str]]:
    latest = (select(SheetVersion.sheet_id, func.max(SheetVersion.number).label("number"))
              .where(SheetVersion.counted, SheetVersion.confirmed_at <= until)
              .group_by(SheetVersion.sheet_id).subquery())
    rows = db.session.execute(
        select(SheetVersion, ScoreSheet.entry_id, User.display_name)
        .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
        .join(latest, and_(latest.c.sheet_id == SheetVersion.sheet_id, latest.c.number == SheetVersion.number))
        .join(Judge, Judge.id == ScoreSheet.judge_id).join(User, User.id == Judge.user_id)
        .where(ScoreSheet.round_id == round_id)).tuples().all()
    return [(v, entry_id, name) for v, entry_id, name in rows if entry_id in entry_ids]


def _marks(version_ids: list[int]) -> dict[int, list[tuple[int, Decimal]]]:
    marks: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for start in range(0, len(version_ids), 5000):
        chunk = version_ids[start:start + 5000]
        for version_id, criterion_id, value in db.session.execute(select(
                Mark.version_id, Mark.criterion_id, Mark.value).where(Mark.version_id.in_(chunk))).tuples():
            marks[version_id].append((criterion_id, value))
    return marks


def judge_names(contest_id: int, scope: str) -> dict[str, str]:
    """Pseudonym → real name of the scope's judges (organizers and supervisors only)."""
    rows = db.session.execute(select(JudgeAlias.alias, User.display_name)
                              .join(Judge, Judge.id == JudgeAlias.judge_id).join(User, User.id == Judge.user_id)
                              .where(JudgeAlias.contest_id == contest_id, JudgeAlias.scope == scope)).tuples()
    return dict(rows.all())
