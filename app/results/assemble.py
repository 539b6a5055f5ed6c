"""Build SCORING.md's recompute input from the database: counted sheets, adjustments, vetoes, rules.

Judges appear under pseudonyms (J01…) kept per scope in judge_alias. A judge new to the scope gets the
next number in an order keyed by the app's secret, computed alike by every read (so the hash a preview
shows is the one signed) and stored only by the first write that needs it, sign-off or publication.
Contestants appear under their public number with their unit as `name` (the contestant is the village's
or township's entry, which keeps its scores when the secretary changes: DECISIONS.md). Whatever is not
ready (missing sheets, open corrections, late sheets not yet accepted) is listed as a problem that
blocks publication.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Select, and_, func, select, type_coerce
from sqlalchemy.types import NullType

from app.accounts.passwords import keyed_digest
from app.adjustments.services import scoring_adjustments, scoring_vetoes
from app.contests.models import Contest, Group, Round
from app.entries.models import Entry
from app.errors import NotFoundError
from app.extensions import db
from app.judging.models import Mark, ScoreSheet, SheetState, SheetVersion
from app.panels.models import Assignment
from app.panels.questions import absent_entry_ids
from app.paper.models import PaperSheet
from app.places.models import County, Township, Village
from app.result_scope import YEAR_KEY, ResultScope, result_scope_key, round_code_of
from app.results.awards import scoring_awards
from app.results.models import JudgeAlias

YEAR_LABEL = "全年总成绩"


def all_scopes(contest: Contest) -> list[tuple[str, str]]:
    """Every scope of the contest, each round in order then the year, with its name: ("round:plan", "年初比规划")."""
    return [(result_scope_key(r.code), r.name) for r in contest.rounds] + [(YEAR_KEY, YEAR_LABEL)]


def scope_label(contest: Contest, scope: str) -> str:
    """A scope as people name it: the round's name, or 全年总成绩 for the year."""
    if scope == YEAR_KEY:
        return YEAR_LABEL
    return next((r.name for r in contest.rounds if result_scope_key(r.code) == scope), scope)


def parse_scope(contest: Contest, key: str) -> ResultScope:
    """The result scope of a key naming one of the contest's rounds, or the year."""
    if key == YEAR_KEY or round_code_of(key) in {r.code for r in contest.rounds}:
        return ResultScope(key)
    raise NotFoundError("没有这一项成绩")


@dataclass
class Assembled:
    input: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    new_aliases: list[JudgeAlias] = field(default_factory=list)  # not yet stored: see keep_aliases


def text(value: Decimal) -> str:
    """A decimal as SCORING.md wants it: digits, no exponent, no trailing zeros."""
    plain = format(value.normalize(), "f")
    return "0" if plain in ("-0", "") else plain


def _aliases(contest_id: int, scope: ResultScope, judge_ids: set[int]) -> tuple[dict[int, str], list[JudgeAlias]]:
    """Pseudonyms for the scope, and those of judges new to it (the next numbers, not stored here).

    The new ones follow an order keyed by the app's secret: unpredictable without it (judge ids give
    nothing away) and the same at every read, so a page view writes nothing and its hash is the one signed."""
    known = dict(db.session.execute(select(JudgeAlias.judge_id, JudgeAlias.alias).where(
        JudgeAlias.contest_id == contest_id, JudgeAlias.scope == scope.key)).tuples().all())
    order = sorted(judge_ids - set(known), key=lambda judge: keyed_digest(f"alias:{contest_id}:{scope.key}:{judge}"))
    new = [JudgeAlias(contest_id=contest_id, scope=scope.key, judge_id=judge_id, alias=f"J{number:02d}")
           for number, judge_id in enumerate(order, start=len(known) + 1)]
    return known | {row.judge_id: row.alias for row in new}, new


def keep_aliases(assembled: Assembled) -> None:
    """Store the pseudonyms the result was built with, in the caller's transaction (sign-off, publication)."""
    db.session.add_all(assembled.new_aliases)
    db.session.flush()


def _counted_marks(round_ids: list[int]) -> tuple[list[tuple[int, int, int, int, object]], Callable[[object], Decimal]]:
    """(round, entry, judge, criterion, raw value) of each sheet's latest counted version, in no set order,
    with the column type's converter of a raw value to its Decimal.

    One query read through the driver's own cursor: the year has ~150,000 marks and this runs at preview,
    sign-off and publication alike; a SQLAlchemy Row per mark cost more than the query itself. `build` puts
    them in the public order and converts each distinct value once (a few dozen among ~150,000 marks).
    """
    latest = (select(SheetVersion.sheet_id, func.max(SheetVersion.number).label("number"))
              .where(SheetVersion.counted).group_by(SheetVersion.sheet_id).subquery())
    # The value stays as the driver gives it (no per-row type processing), converted later by `convert`.
    raw_value = type_coerce(Mark.value, NullType())
    query = (select(ScoreSheet.round_id, ScoreSheet.entry_id, ScoreSheet.judge_id, Mark.criterion_id, raw_value)
             .join(SheetVersion, SheetVersion.sheet_id == ScoreSheet.id)
             .join(latest, and_(latest.c.sheet_id == SheetVersion.sheet_id, latest.c.number == SheetVersion.number))
             .join(Mark, Mark.version_id == SheetVersion.id)
             .where(ScoreSheet.round_id.in_(round_ids)))
    connection = db.session.connection()
    convert = Mark.__table__.c.value.type.result_processor(connection.dialect, None) or (lambda value: value)
    return driver_rows(connection, query), convert


def driver_rows(connection: Connection, query: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of `query` as the DB-API driver returns them (plain tuples, no type processing), in the
    connection's transaction. Only for columns whose raw driver values are what the caller wants."""
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    parameters = tuple(params[name] for name in compiled.positiontup or ()) if compiled.positional else params
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), parameters)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _contestants(contest: Contest) -> list[tuple[int, str, str, str]]:
    """(entry id, public number, top group code, unit name) of the active entries, by public number."""
    groups = {gid: (parent, code) for gid, parent, code in db.session.connection().execute(
        select(Group.id, Group.parent_id, Group.code).where(Group.contest_id == contest.id))}

    def top(gid: int) -> str:
        parent, code = groups[gid]
        return code if parent is None else top(parent)

    rows = db.session.connection().execute(
        select(Entry.id, Entry.public_number, Entry.group_id, County.name, Township.name, Village.name)
        .join(County, County.id == Entry.county_id).join(Township, Township.id == Entry.township_id)
        .outerjoin(Village, Village.id == Entry.village_id)
        .where(Entry.contest_id == contest.id, Entry.active).order_by(Entry.public_number))
    return [(eid, number, top(gid), county + township + (village or ""))
            for eid, number, gid, county, township, village in rows]


def _sample(numbers: list[str]) -> str:
    """Up to eight public numbers in order, with … when there are more."""
    ordered = sorted(set(numbers))
    return "、".join(ordered[:8]) + ("…" if len(ordered) > 8 else "")


def _problems(rnd: Round, numbers: dict[int, str], counted: set[tuple[int, int]]) -> list[str]:
    """What blocks a round: no panel, contestants without judges, no or missing sheets, open or late sheets.

    A contestant recorded absent (app.absences) is expected to have no sheets: they go into the input
    without marks, which SCORING.md reads as absent from the round (its absent_round rule applies).
    """
    problems = []
    absent = absent_entry_ids(rnd.id)
    scored_absent = sorted({numbers[e] for e, _ in counted if e in absent})
    if scored_absent:  # a sheet entered after the absence (on paper, say): one of the two must go
        problems.append(f"{rnd.name}：{'、'.join(scored_absent)} 已登记缺席，却有评分表（请撤销缺席登记或处理评分表）")
    # An entry deactivated after the panel was formed is out of the contest: its sheets are not expected.
    assignments = driver_rows(db.session.connection(), select(Assignment.entry_id, Assignment.judge_id)
                              .where(Assignment.round_id == rnd.id))
    expected = [(e, j) for e, j in assignments if e in numbers and e not in absent]
    everyone_absent = bool(numbers) and set(numbers) <= absent
    if not expected and not everyone_absent:
        problems.append(f"{rnd.name}：尚未分组（没有评委组，也就没有评分任务）")
    elif expected:
        assigned = {e for e, _ in expected}
        unassigned = [number for entry, number in numbers.items() if entry not in assigned and entry not in absent]
        if unassigned:
            problems.append(f"{rnd.name}：{len(unassigned)} 名参赛人在本轮未分配评委（{_sample(unassigned)}）")
        if not counted:
            problems.append(f"{rnd.name}：尚无评分表（应有 {len(expected)} 张）")
        else:
            missing = [e for e, j in expected if (e, j) not in counted]
            if missing:
                problems.append(f"{rnd.name}：还缺 {len(missing)} 张评分表（{_sample([numbers[e] for e in missing])}）")
    open_sheets = db.session.execute(select(func.count(ScoreSheet.id)).where(
        ScoreSheet.round_id == rnd.id,
        (ScoreSheet.state == SheetState.REOPENED) | (ScoreSheet.correction_requested_at.is_not(None)))).scalar_one()
    if open_sheets:
        problems.append(f"{rnd.name}：{open_sheets} 张评分表正在更正")
    late = db.session.execute(select(func.count(ScoreSheet.id)).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.state == SheetState.LATE)).scalar_one()
    if late:
        problems.append(f"{rnd.name}：{late} 张迟交评分表待组织者审核")
    problems.extend(_paper_problems(rnd, numbers))
    return problems


def _paper_problems(rnd: Round, numbers: dict[int, str]) -> list[str]:
    """Paper sheets typed once, or twice without agreeing, for a version not yet counted.

    They also show as missing sheets; named here so the organizer knows the clerks, not the judges, are
    the ones to chase."""
    latest = (select(func.coalesce(func.max(SheetVersion.number), 0))
              .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
              .where(ScoreSheet.round_id == PaperSheet.round_id, ScoreSheet.entry_id == PaperSheet.entry_id,
                     ScoreSheet.judge_id == PaperSheet.judge_id).scalar_subquery())
    waiting = db.session.connection().execute(
        select(PaperSheet.entry_id, func.count(PaperSheet.id))
        .where(PaperSheet.round_id == rnd.id, PaperSheet.feeds_version > latest)
        .group_by(PaperSheet.entry_id, PaperSheet.judge_id, PaperSheet.feeds_version)).tuples().all()
    second = [numbers.get(entry, "?") for entry, typed in waiting if typed == 1]
    mismatched = [numbers.get(entry, "?") for entry, typed in waiting if typed > 1]
    problems = []
    if second:
        problems.append(f"{rnd.name}：{len(second)} 张纸质评分表只录入了1遍，待第2遍录入（{_sample(second)}）")
    if mismatched:
        problems.append(
            f"{rnd.name}：{len(mismatched)} 张纸质评分表两遍录入不一致，待第三人核对（{_sample(mismatched)}）")
    return problems


def build(contest: Contest, scope: ResultScope) -> Assembled:
    """The recompute input of a contest's scope, with the problems that block publication."""
    contestants = _contestants(contest)
    numbers = {eid: number for eid, number, _, _ in contestants}
    rounds = scope.rounds(contest)
    marks_rows, convert = _counted_marks([r.id for r in rounds])
    aliases, new_aliases = _aliases(contest.id, scope, set(map(itemgetter(2), marks_rows)))
    texts = {raw: text(convert(raw)) for raw in set(map(itemgetter(4), marks_rows))}  # a few dozen values
    # Marks go out by contestant, pseudonym and criterion: an order by internal judge id would let the
    # package's J-numbers be matched to judges by their registration order. One integer per mark sorts
    # as the tuple (public number, pseudonym number, criterion position) would: each part is below its base.
    number_rank = {number: rank for rank, number in enumerate(sorted(set(numbers.values())))}
    entry_rank = {entry: number_rank[number] for entry, number in numbers.items()}
    alias_order = {judge: int(alias[1:]) for judge, alias in aliases.items()}
    alias_base = max(alias_order.values(), default=0) + 1
    by_round: dict[int, list[tuple[int, int, int, int, object]]] = {r.id: [] for r in rounds}
    for row in marks_rows:
        by_round[row[0]].append(row)
    assembled = Assembled(input={
        "places": contest.places, "absent_round": contest.absent_round, "ranking": contest.ranking,
        "tie_break": [code for code in contest.tie_break if any(r.code == code for r in rounds)],
        "contestants": [{"id": number, "group": group, "name": unit} for _, number, group, unit in contestants],
        "rounds": [],
    }, new_aliases=new_aliases)
    awards = scoring_awards(contest)
    if awards:
        assembled.input["awards"] = awards
    for rnd in rounds:
        positions = {c.id: i for i, c in enumerate(rnd.criteria, start=1)}
        criterion_ids = {cid: f"C{i}" for cid, i in positions.items()}
        base = len(positions) + 1
        rows = [row for row in by_round[rnd.id] if row[1] in entry_rank and row[3] in positions]
        rows.sort(key=lambda row: (entry_rank[row[1]] * alias_base + alias_order[row[2]]) * base + positions[row[3]])
        counted = set(map(itemgetter(1, 2), rows))  # (entry, judge)
        assembled.problems.extend(_problems(rnd, numbers, counted))
        # The dicts are made in the public order, after the sort: the core walks them in that order, and made in
        # the database's order instead (one pass with their keys) they lay scattered in memory and the core ran
        # ~1.5× slower on them (tried in perf3, not kept).
        marks = [{"judge": aliases[judge], "contestant": numbers[entry], "criterion": criterion_ids[cid],
                  "value": texts[raw]} for _, entry, judge, cid, raw in rows]
        panel: dict[str, Any] = {"method": rnd.panel_method, "min_judges": rnd.min_judges, "normalize": rnd.normalize}
        if rnd.panel_method == "trimmed_mean":
            panel |= {"trim": rnd.trim, "trim_from": rnd.trim_from}
        present = {numbers[entry] for entry, _ in counted}
        assembled.input["rounds"].append({
            "id": rnd.code, "weight": "1" if scope.round_code else text(rnd.weight), "panel": panel,
            "criteria": [{"id": criterion_ids[c.id], "min": text(c.min_points), "max": text(c.max_points),
                          "step": text(c.step)} for c in rnd.criteria],
            "marks": marks, "adjustments": _present_only(rnd, scoring_adjustments(rnd.id), present, assembled),
            "vetoes": scoring_vetoes(rnd.id),
        })
    return assembled


def _present_only(rnd: Round, adjustments: list[dict[str, str]], present: set[str],
                  assembled: Assembled) -> list[dict[str, str]]:
    """SCORING.md refuses an adjustment for a contestant absent from the round (no mark in it, `present`
    being the public numbers with one): list it as a problem."""
    stray = sorted({a["contestant"] for a in adjustments if a["contestant"] not in present})
    if stray:
        assembled.problems.append(f"{rnd.name}：{'、'.join(stray)} 有加减分但本轮没有评分表")
    return [a for a in adjustments if a["contestant"] in present]
