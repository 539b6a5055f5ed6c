"""The score matrix of a published version: the marks its package counted, with judges' names and sheet versions.

The marks themselves come from the version's package: they are what was published, whatever was
confirmed, corrected or accepted afterwards. The database only adds what the package leaves out
(the judge behind each pseudonym, the sheet version a mark came from and its source).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.excel import places_of
from app.extensions import db
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.publication.models import Publication
from app.reports.services import Published, judge_aliases

Key = tuple[int, int, int]  # round id, entry id, judge id
Marks = dict[str, Decimal]  # criterion code (C1…) → value


@dataclass(frozen=True)
class MatrixLine:
    round_name: str
    judge: str
    public_number: str
    unit: str
    version: int | None  # None: no sheet version holds the published marks
    source: str
    marks: list[Decimal | None]
    mark_places: list[int]
    total: Decimal
    total_places: int


@dataclass(frozen=True)
class Matrix:
    criteria: list[str]
    lines: list[MatrixLine]

    @property
    def unmatched(self) -> int:
        return sum(1 for line in self.lines if line.version is None)


@dataclass(frozen=True)
class Candidate:
    """A sheet version that may have been counted when the result was published."""

    number: int
    source: str
    marks: Marks


def score_matrix(published: Published) -> Matrix:
    """Judge × contestant × criterion of the published package (a county organizer: their county's rows)."""
    package_rounds: list[dict[str, Any]] = published.input["rounds"]
    width = max((len(r["criteria"]) for r in package_rounds), default=0)
    visible = {row.public_number for row in published.rows}
    units = {row.public_number: row.name for row in published.rows}
    entry_of = {number: published.places[number].entry_id for number in visible if number in published.places}
    db_rounds = {r.code: r for r in published.contest.rounds}
    judges = judge_aliases(published.contest.id, published.version.scope)
    rounds = [(r, db_rounds[r["id"]]) for r in package_rounds if r["id"] in db_rounds]
    candidates = _candidates(published.version, {rnd.id: {c.id: f"C{i}" for i, c in enumerate(rnd.criteria, start=1)}
                                                 for _, rnd in rounds}, set(entry_of.values()))
    lines: list[MatrixLine] = []
    for round_input, rnd in rounds:
        codes = [c["id"] for c in round_input["criteria"]]
        places = [places_of(Decimal(c["step"]), Decimal(c.get("min", "0"))) for c in round_input["criteria"]]
        sheets: dict[tuple[str, str], Marks] = defaultdict(dict)
        for mark in round_input["marks"]:
            if mark["contestant"] in visible:
                sheets[(mark["contestant"], mark["judge"])][mark["criterion"]] = Decimal(mark["value"])
        found = []
        for (number, alias), marks in sheets.items():
            judge_id, name = judges.get(alias, (0, alias))
            counted = _counted(candidates.get((rnd.id, entry_of.get(number, 0), judge_id), []), marks)
            found.append(MatrixLine(
                rnd.name, name, number, units.get(number, ""), counted.number if counted else None,
                counted.source if counted else "", [marks.get(code) for code in codes] + [None] * (width - len(codes)),
                places + [0] * (width - len(codes)), sum(marks.values(), Decimal(0)), max(places, default=0)))
        lines.extend(sorted(found, key=lambda m: (m.public_number, m.judge)))
    return Matrix([f"指标{i}" for i in range(1, width + 1)], lines)


def _counted(candidates: list[Candidate], marks: Marks) -> Candidate | None:
    """The latest candidate holding exactly the published marks.

    Times are stored to the second: a version confirmed in the second of publication may have come
    just before or just after it; the one counted is the one whose marks the package holds.
    """
    return next((c for c in candidates if c.marks == marks), None)


def _candidates(version: Publication, codes: dict[int, dict[int, str]],
                entry_ids: set[int]) -> dict[Key, list[Candidate]]:
    """Per sheet, latest first: the versions counted at publication — confirmed by then, and a late
    version only once accepted (audit event late_sheet_accepted) before the version was published."""
    if not codes:
        return {}
    rows = db.session.execute(
        select(SheetVersion.id, SheetVersion.number, SheetVersion.source, SheetVersion.late,
               ScoreSheet.round_id, ScoreSheet.entry_id, ScoreSheet.judge_id)
        .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
        .where(ScoreSheet.round_id.in_(list(codes)), SheetVersion.counted,
               SheetVersion.confirmed_at <= version.published_at)).tuples().all()
    rows = [row for row in rows if row[5] in entry_ids]
    refused = _accepted_after(version, [row[0] for row in rows if row[3]])
    marks: dict[int, Marks] = defaultdict(dict)
    for version_id, round_id, criterion_id, value in db.session.execute(
            select(Mark.version_id, ScoreSheet.round_id, Mark.criterion_id, Mark.value)
            .join(SheetVersion, SheetVersion.id == Mark.version_id)
            .join(ScoreSheet, ScoreSheet.id == SheetVersion.sheet_id)
            .where(ScoreSheet.round_id.in_(list(codes)), SheetVersion.counted,
                   SheetVersion.confirmed_at <= version.published_at)).tuples():
        marks[version_id][codes[round_id].get(criterion_id, "")] = value
    result: dict[Key, list[Candidate]] = defaultdict(list)
    for version_id, number, source, _late, round_id, entry_id, judge_id in sorted(rows, key=lambda r: -r[1]):
        if version_id not in refused:
            result[(round_id, entry_id, judge_id)].append(Candidate(number, source, marks[version_id]))
    return result


def _accepted_after(version: Publication, late_ids: list[int]) -> set[int]:
    """The late versions accepted only after publication. The audit chain orders events exactly, so
    acceptance and publication compare by event id; by time (to the second) when the publication
    has no event. A late version counted without an acceptance event is left to the marks to decide."""
    if not late_ids:
        return set()
    published = db.session.execute(select(AuditEvent.id).where(
        AuditEvent.action == "result_published", AuditEvent.object_type == "result_version",
        AuditEvent.object_id == str(version.id))).scalar_one_or_none()
    after = set()
    for start in range(0, len(late_ids), 1000):
        chunk = [str(i) for i in late_ids[start:start + 1000]]
        for object_id, event_id, at in db.session.execute(select(
                AuditEvent.object_id, AuditEvent.id, AuditEvent.at).where(
                AuditEvent.action == "late_sheet_accepted", AuditEvent.object_type == "sheet_version",
                AuditEvent.object_id.in_(chunk))).tuples():
            if (event_id > published) if published is not None else (at > version.published_at):
                after.add(int(object_id))
    return after


def criterion_legend(published: Published) -> list[str]:
    return [f"{r.name}：" + "；".join(f"指标{i} {c.name}（满分 {c.max_points.normalize():f}）"
                                     for i, c in enumerate(r.criteria, start=1))
            for r in published.contest.rounds if r.code in published.round_codes]
