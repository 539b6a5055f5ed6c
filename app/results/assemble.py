"""Build SCORING.md's recompute input from the database: counted sheets, adjustments, vetoes, rules.

Judges appear under pseudonyms (J01…) drawn once per scope from a random permutation kept in
judge_alias; contestants under their public number with their unit as `name`. Whatever is not
ready (missing sheets, open corrections, late sheets not yet accepted) is listed as a problem that
blocks publication.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select

from app.adjustments.services import scoring_adjustments, scoring_vetoes
from app.contests.models import Contest, Round
from app.entries.models import Entry
from app.errors import NotFoundError
from app.extensions import db
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.panels.models import Assignment
from app.results.awards import scoring_awards
from app.results.models import JudgeAlias

SCOPE_YEAR = "year"


@dataclass(frozen=True)
class Scope:
    """What is computed: one round ("round:plan") or the whole year ("year")."""

    key: str

    @property
    def round_code(self) -> str | None:
        return self.key.split(":", 1)[1] if self.key.startswith("round:") else None

    def rounds(self, contest: Contest) -> list[Round]:
        code = self.round_code
        return [r for r in contest.rounds if code is None or r.code == code]


def parse_scope(contest: Contest, key: str) -> Scope:
    codes = {r.code for r in contest.rounds}
    if key == SCOPE_YEAR or (key.startswith("round:") and key[6:] in codes):
        return Scope(key)
    raise NotFoundError("没有这一项成绩")


@dataclass
class Assembled:
    input: dict[str, Any]
    problems: list[str] = field(default_factory=list)


def text(value: Decimal) -> str:
    """A decimal as SCORING.md wants it: digits, no exponent, no trailing zeros."""
    plain = format(value.normalize(), "f")
    return "0" if plain in ("-0", "") else plain


def _aliases(contest_id: int, scope: Scope, judge_ids: set[int]) -> dict[int, str]:
    """Pseudonyms for the scope; judges new to it get the next numbers in random order."""
    rows = db.session.execute(select(JudgeAlias).where(JudgeAlias.contest_id == contest_id,
                                                       JudgeAlias.scope == scope.key)).scalars().all()
    known = {row.judge_id: row.alias for row in rows}
    missing = sorted(judge_ids - set(known))
    if missing:
        order = list(missing)
        secrets.SystemRandom().shuffle(order)
        for number, judge_id in enumerate(order, start=len(known) + 1):
            alias = f"J{number:02d}"
            db.session.add(JudgeAlias(contest_id=contest_id, scope=scope.key, judge_id=judge_id, alias=alias))
            known[judge_id] = alias
        db.session.flush()
    return known


def _latest_counted(round_ids: list[int]) -> list[tuple[int, int, int, int]]:
    """(round, entry, judge, version id) of each sheet's latest counted version."""
    latest = (select(SheetVersion.sheet_id, func.max(SheetVersion.number).label("number"))
              .where(SheetVersion.counted).group_by(SheetVersion.sheet_id).subquery())
    rows = db.session.execute(
        select(ScoreSheet.round_id, ScoreSheet.entry_id, ScoreSheet.judge_id, SheetVersion.id)
        .join(SheetVersion, SheetVersion.sheet_id == ScoreSheet.id)
        .join(latest, and_(latest.c.sheet_id == SheetVersion.sheet_id, latest.c.number == SheetVersion.number))
        .where(ScoreSheet.round_id.in_(round_ids))
    ).tuples().all()
    return list(rows)


def _problems(rnd: Round, numbers: dict[int, str], counted: set[tuple[int, int]]) -> list[str]:
    problems = []
    expected = db.session.execute(select(Assignment.entry_id, Assignment.judge_id).where(
        Assignment.round_id == rnd.id)).tuples().all()
    missing = [(e, j) for e, j in expected if (e, j) not in counted]
    if missing:
        sample = "、".join(sorted({numbers.get(e, "?") for e, _ in missing})[:8])
        problems.append(f"{rnd.name}：还缺 {len(missing)} 张评分表（{sample}…）")
    open_sheets = db.session.execute(select(func.count(ScoreSheet.id)).where(
        ScoreSheet.round_id == rnd.id,
        (ScoreSheet.state == "reopened") | (ScoreSheet.correction_requested_at.is_not(None)))).scalar_one()
    if open_sheets:
        problems.append(f"{rnd.name}：{open_sheets} 张评分表正在更正")
    late = db.session.execute(select(func.count(ScoreSheet.id)).where(
        ScoreSheet.round_id == rnd.id, ScoreSheet.state == "late")).scalar_one()
    if late:
        problems.append(f"{rnd.name}：{late} 张迟交评分表待组织者审核")
    return problems


def build(contest: Contest, scope: Scope) -> Assembled:
    """The recompute input of a contest's scope, with the problems that block publication."""
    entries = list(db.session.execute(select(Entry).where(Entry.contest_id == contest.id, Entry.active)
                                      .order_by(Entry.public_number)).scalars())
    numbers = {e.id: e.public_number for e in entries}
    rounds = scope.rounds(contest)
    versions = _latest_counted([r.id for r in rounds])
    aliases = _aliases(contest.id, scope, {judge for _, _, judge, _ in versions})
    marks_by_version: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    version_ids = [v for _, _, _, v in versions]
    for start in range(0, len(version_ids), 5000):
        chunk = version_ids[start:start + 5000]
        for version_id, criterion_id, value in db.session.execute(select(
                Mark.version_id, Mark.criterion_id, Mark.value).where(Mark.version_id.in_(chunk))).tuples():
            marks_by_version[version_id].append((criterion_id, value))
    assembled = Assembled(input={
        "places": contest.places, "absent_round": contest.absent_round, "ranking": contest.ranking,
        "tie_break": [code for code in contest.tie_break if any(r.code == code for r in rounds)],
        "contestants": [{"id": e.public_number, "group": _top_group(e), "name": e.unit_name} for e in entries],
        "rounds": [],
    })
    awards = scoring_awards(contest)
    if awards:
        assembled.input["awards"] = awards
    for rnd in rounds:
        criterion_ids = {c.id: f"C{i}" for i, c in enumerate(rnd.criteria, start=1)}
        counted = {(entry, judge) for r, entry, judge, _ in versions if r == rnd.id}
        assembled.problems.extend(_problems(rnd, numbers, counted))
        marks = [
            {"judge": aliases[judge], "contestant": numbers[entry], "criterion": criterion_ids[cid],
             "value": text(value)}
            for r, entry, judge, version in versions if r == rnd.id and entry in numbers
            for cid, value in sorted(marks_by_version[version]) if cid in criterion_ids
        ]
        panel: dict[str, Any] = {"method": rnd.panel_method, "min_judges": rnd.min_judges, "normalize": rnd.normalize}
        if rnd.panel_method == "trimmed_mean":
            panel |= {"trim": rnd.trim, "trim_from": rnd.trim_from}
        assembled.input["rounds"].append({
            "id": rnd.code, "weight": "1" if scope.round_code else text(rnd.weight), "panel": panel,
            "criteria": [{"id": criterion_ids[c.id], "min": text(c.min_points), "max": text(c.max_points),
                          "step": text(c.step)} for c in rnd.criteria],
            "marks": marks, "adjustments": _present_only(rnd, scoring_adjustments(rnd.id), marks, assembled),
            "vetoes": scoring_vetoes(rnd.id),
        })
    return assembled


def _top_group(entry: Entry) -> str:
    group = entry.group
    while group.parent is not None:
        group = group.parent
    return group.code


def _present_only(rnd: Round, adjustments: list[dict[str, str]], marks: list[dict[str, str]],
                  assembled: Assembled) -> list[dict[str, str]]:
    """SCORING.md refuses an adjustment for a contestant absent from the round: list it as a problem."""
    present = {m["contestant"] for m in marks}
    stray = sorted({a["contestant"] for a in adjustments if a["contestant"] not in present})
    if stray:
        assembled.problems.append(f"{rnd.name}：{'、'.join(stray)} 有加减分但本轮没有评分表")
    return [a for a in adjustments if a["contestant"] in present]
