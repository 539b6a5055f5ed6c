"""A secretary's feedback, read only from published result versions (never from live sheets)."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import keyed_digest
from app.contests.models import Contest, Round
from app.entries.models import Entry, EntryHolder
from app.errors import NotFoundError
from app.extensions import db
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.notices.models import PHASE_LABELS, Notice
from app.notices.services import phase_of
from app.notices.states import NoticePhase
from app.panel_words import feedback_rule, feedback_rule_short
from app.publication import services as publication
from app.publication.models import Publication
from app.publication.packages import published_package
from app.result_scope import YEAR_KEY, result_scope_key
from app.results.models import JudgeAlias
from app.timeutil import chinese_date, today
from scoring import format_decimal
from scoring.figures import criterion_means, group_figures, total
from scoring.model import PanelRule
from scoring.panel import kept_totals

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class CriterionLine:
    """One criterion: the contestant's average over their judges against the group's average."""

    name: str
    max: Decimal
    own: Decimal | None
    group: Decimal | None
    places: int

    @property
    def own_text(self) -> str:
        return "—" if self.own is None else format_decimal(self.own, self.places)

    @property
    def group_text(self) -> str:
        return "—" if self.group is None else format_decimal(self.group, self.places)


@dataclass(frozen=True)
class JudgeLine:
    """One judge's sheet, under a letter only: marks per criterion, sheet total and comment."""

    letter: str
    marks: list[str]
    total: str
    comment: str

    @property
    def label(self) -> str:
        return f"评委{self.letter}"


@dataclass(frozen=True)
class Standing:
    """The contestant's score and rank in a published scope, with the group's figures."""

    score: str | None
    rank: int | None
    tied: bool
    vetoed: bool
    absent: bool
    award: str | None
    group_size: int
    group_average: str | None
    group_best: str | None


@dataclass(frozen=True)
class NoticeStatus:
    """Where the published version stands: still in its 公示 (may change after objections) or final."""

    phase: NoticePhase  # app.notices.services.phase_of
    ends_on: date

    @property
    def final(self) -> bool:
        return self.phase == NoticePhase.FINALIZED

    @property
    def label(self) -> str:
        return PHASE_LABELS.get(self.phase, self.phase)

    @property
    def text(self) -> str:
        ends = chinese_date(self.ends_on)
        if self.phase == NoticePhase.OPEN:
            return f"公示期至 {ends}，期间如有异议经复核更正，成绩可能变动"
        if self.phase == NoticePhase.ENDED:
            return f"公示期已于 {ends} 结束，尚未终结，异议复核仍可能使成绩变动"
        if self.phase == NoticePhase.FINALIZED:
            return "成绩已终结，为最终结果"
        return "本版本已被更正后的新版本取代"


@dataclass(frozen=True)
class RoundFeedback:
    code: str
    name: str
    version: int
    package_hash: str
    published_at: datetime
    standing: Standing
    criteria: list[CriterionLine]
    judges: list[JudgeLine]
    notice: NoticeStatus | None
    trim: int = 0  # sheets dropped at each end by a trimmed mean (SCORING.md rule 3); 0: the mean of all
    scaled: bool = False  # totals z-score normalised per judge first

    @property
    def rule(self) -> str:
        """How the round score came from the sheets, and why the criterion means need not add up to it."""
        return feedback_rule(len(self.judges), self.trim, self.scaled)

    @property
    def rule_short(self) -> str:
        return feedback_rule_short(self.name, len(self.judges), self.trim, self.scaled)


def trim_of(panel: Mapping[str, Any], sheets: int) -> int:
    """How many sheets a round's panel (as the package's input has it) drops at each end for a contestant with
    `sheets` sheets: the scoring core's own rule (kept_totals), so the words cannot drift from the maths."""
    rule = PanelRule(method=panel.get("method", "mean"), min_judges=int(panel.get("min_judges", 1)),
                 normalize=panel.get("normalize", "none"),
                 trim=int(panel.get("trim", 0)), trim_from=int(panel.get("trim_from", 1)))
    return (sheets - len(kept_totals([Decimal(0)] * sheets, rule))) // 2


@dataclass(frozen=True)
class Feedback:
    entry_id: int
    public_number: str
    unit: str
    group_name: str
    contest_name: str
    rounds: list[RoundFeedback]
    year: Standing | None
    year_version: Publication | None
    year_notice: NoticeStatus | None

    @property
    def published(self) -> bool:
        return bool(self.rounds) or self.year is not None


def my_entries(user: User) -> list[Entry]:
    """The entries the secretary currently holds."""
    return list(db.session.execute(
        select(Entry).join(EntryHolder).where(EntryHolder.user_id == user.id, EntryHolder.ended_on.is_(None))
        .order_by(Entry.contest_id, Entry.public_number)).scalars())


def _held_entry(user: User, entry_id: int) -> Entry:
    """The entry if the user holds it now; anyone else's answers 404, whatever the id."""
    entry = next((e for e in my_entries(user) if e.id == entry_id), None)
    if entry is None:
        raise NotFoundError("没有这一参赛记录")
    return entry


def latest_version(contest_id: int, scope: str) -> Publication | None:
    return publication.latest(contest_id, scope)


def notice_status(version: Publication) -> NoticeStatus | None:
    """The 公示 state of a published version, as of today in Asia/Shanghai."""
    notice = db.session.execute(select(Notice).where(Notice.version_id == version.id)).scalar_one_or_none()
    return None if notice is None else NoticeStatus(phase_of(notice, today()), notice.ends_on)


def _standing(package: Mapping[str, Any], number: str, score_of: Any) -> Standing | None:
    places = int(package["input"].get("places", 2))
    results = {c["id"]: c for c in package["result"]["contestants"]}
    mine = results.get(number)
    if mine is None:
        return None
    figures = group_figures((Decimal(c["total"]) for c in results.values()
                             if c["group"] == mine["group"] and c["rank"] is not None), places)
    return Standing(
        score=score_of(mine), rank=mine["rank"], tied=mine["tied"], vetoed=mine["vetoed"], absent=mine["absent"],
        award=mine.get("award"), group_size=figures.count,
        group_average=None if figures.average is None else format_decimal(figures.average, places),
        group_best=None if figures.best is None else format_decimal(figures.best, places),
    )


def _criteria(package: Mapping[str, Any], rnd: Round, number: str, group_ids: set[str]) -> list[CriterionLine]:
    """Per criterion: own mean over the judges; the group's mean of its ranked contestants' means."""
    places = int(package["input"].get("places", 2))
    round_input = package["input"]["rounds"][0]
    means = criterion_means(((m["contestant"], m["criterion"], Decimal(m["value"])) for m in round_input["marks"]),
                            [c["id"] for c in round_input["criteria"]], number, group_ids)
    names = [c.name for c in rnd.criteria]
    return [CriterionLine(name=names[position] if position < len(names) else f"指标{position + 1}",
                          max=Decimal(criterion["max"]), own=line.own, group=line.group, places=places)
            for position, (criterion, line) in enumerate(zip(round_input["criteria"], means, strict=True))]


def _letter_order(entry_id: int, scope: str, aliases: list[str]) -> list[str]:
    """A shuffle that is stable across visits yet says nothing about judges' names or seats."""
    return sorted(aliases, key=lambda alias: keyed_digest(f"feedback:{entry_id}:{scope}:{alias}"))


def _comments(version: Publication, rnd: Round, entry_id: int,
              marks: dict[str, dict[str, Decimal]]) -> dict[str, str]:
    """Each judge's comment on the sheet version the publication counted.

    Times are stored to the second, so a version confirmed in the second of publication cannot be told
    apart by time alone: of the counted versions confirmed by then, the latest whose marks are the
    published marks is the one that was counted.
    """
    judge_of = dict(db.session.execute(select(JudgeAlias.judge_id, JudgeAlias.alias).where(
        JudgeAlias.contest_id == version.contest_id, JudgeAlias.scope == version.scope,
        JudgeAlias.alias.in_(list(marks)))).tuples().all())
    codes = {c.id: f"C{i}" for i, c in enumerate(rnd.criteria, start=1)}
    rows = db.session.execute(
        select(ScoreSheet.judge_id, SheetVersion.id, SheetVersion.comment, Mark.criterion_id, Mark.value)
        .join(SheetVersion, SheetVersion.sheet_id == ScoreSheet.id).join(Mark, Mark.version_id == SheetVersion.id)
        .where(ScoreSheet.round_id == rnd.id, ScoreSheet.entry_id == entry_id, SheetVersion.counted,
               SheetVersion.confirmed_at <= version.published_at, ScoreSheet.judge_id.in_(list(judge_of)))
        .order_by(SheetVersion.number.desc())).tuples().all()
    candidates: dict[int, dict[int, tuple[str, dict[str, Decimal]]]] = defaultdict(dict)
    for judge_id, version_id, comment, criterion_id, value in rows:
        _, values = candidates[judge_id].setdefault(version_id, ((comment or "").strip(), {}))
        values[codes.get(criterion_id, "")] = value
    comments = {}
    for judge_id, alias in judge_of.items():
        versions = list(candidates[judge_id].values())  # latest first
        match = next((text for text, values in versions if values == marks[alias]), None)
        comments[alias] = match if match is not None else (versions[0][0] if versions else "")
    return comments


def _judges(version: Publication, package: Mapping[str, Any], rnd: Round, entry: Entry) -> list[JudgeLine]:
    round_input = package["input"]["rounds"][0]
    order = [c["id"] for c in round_input["criteria"]]
    marks: dict[str, dict[str, Decimal]] = defaultdict(dict)
    number = entry.public_number  # read once: an ORM attribute read per mark (48,825 a round) showed in profiles
    for mark in round_input["marks"]:
        if mark["contestant"] == number:
            marks[mark["judge"]][mark["criterion"]] = Decimal(mark["value"])
    aliases = _letter_order(entry.id, version.scope, list(marks))
    comments = _comments(version, rnd, entry.id, marks)
    return [
        JudgeLine(letter=LETTERS[i % 26] + ("" if i < 26 else str(i // 26)),
                  marks=[format_decimal(marks[alias][c], 1) if c in marks[alias] else "—" for c in order],
                  total=format_decimal(total(marks[alias].values()), 1),
                  comment=comments.get(alias, ""))
        for i, alias in enumerate(aliases)
    ]


def _round_feedback(version: Publication, rnd: Round, entry: Entry) -> RoundFeedback | None:
    package = published_package(version.id)  # shared, parsed once per process: only read here
    standing = _standing(package, entry.public_number, lambda c: c["rounds"].get(rnd.code))
    if standing is None:
        return None
    group = next(c["group"] for c in package["result"]["contestants"] if c["id"] == entry.public_number)
    group_ids = {c["id"] for c in package["result"]["contestants"] if c["group"] == group and c["rank"] is not None}
    judges = _judges(version, package, rnd, entry)
    panel = next(r["panel"] for r in package["input"]["rounds"] if r["id"] == rnd.code)
    return RoundFeedback(
        code=rnd.code, name=rnd.name, version=version.number, package_hash=version.package_hash,
        published_at=version.published_at, standing=standing,
        criteria=_criteria(package, rnd, entry.public_number, group_ids),
        judges=judges, notice=notice_status(version), trim=trim_of(panel, len(judges)),
        scaled=panel.get("normalize") == "zscore")


def feedback_for(user: User, entry_id: int) -> Feedback:
    """What the secretary may see of their entry: the latest published version of each scope."""
    entry = _held_entry(user, entry_id)
    contest = db.session.get(Contest, entry.contest_id)
    assert contest is not None
    rounds = []
    for rnd in contest.rounds:
        version = latest_version(contest.id, result_scope_key(rnd.code))
        line = _round_feedback(version, rnd, entry) if version is not None else None
        if line is not None:
            rounds.append(line)
    year_version = latest_version(contest.id, YEAR_KEY)
    year_package = published_package(year_version.id) if year_version else None
    year = _standing(year_package, entry.public_number, lambda c: c["total"]) if year_package is not None else None
    top = entry.group
    while top.parent is not None:
        top = top.parent
    return Feedback(entry_id=entry.id, public_number=entry.public_number, unit=entry.unit_name, group_name=top.name,
                    contest_name=contest.name, rounds=rounds, year=year,
                    year_version=year_version if year is not None else None,
                    year_notice=notice_status(year_version) if year is not None and year_version else None)


@dataclass(frozen=True)
class PublishedRound:
    name: str
    notice: NoticeStatus | None


@dataclass(frozen=True)
class EntrySummary:
    entry_id: int
    public_number: str
    unit: str
    group_name: str
    published_rounds: list[PublishedRound]


def overview(user: User) -> list[EntrySummary]:
    """The secretary's entries with their rounds already published and where each stands (公示 or final)."""
    summaries = []
    for entry in my_entries(user):
        contest = db.session.get(Contest, entry.contest_id)
        assert contest is not None
        published = []
        for rnd in contest.rounds:
            version = latest_version(contest.id, result_scope_key(rnd.code))
            if version is not None:
                published.append(PublishedRound(rnd.name, notice_status(version)))
        summaries.append(EntrySummary(entry.id, entry.public_number, entry.unit_name, entry.group.name, published))
    return summaries
