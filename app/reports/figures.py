"""Figures for the yearly appraisal (per county and township) and the judge consistency report."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app import rules
from app.accounts.models import User
from app.contests.models import Contest
from app.errors import NotFoundError
from app.excel import Number
from app.places.models import County
from app.publication.models import Publication
from app.reports.services import Place, Published, check_county, default_version, judge_names, latest_by_scope, load
from app.results.services import Row, get_contest
from scoring import format_decimal, judge_statistics
from scoring.figures import bias_outliers, group_figures

SPEARMAN_FLOOR = Decimal("0.3")
BIAS_FACTOR = Decimal(2)


@dataclass(frozen=True)
class Unit:
    """One county's or township's figures within a group."""

    key: int
    name: str
    county_id: int
    contestants: int
    ranked: int
    average: str
    awards: dict[str, int]
    best: str
    weakest: str


@dataclass(frozen=True)
class Appraisal:
    group: str
    group_name: str
    bands: list[str]
    counties: list[Unit]
    townships: list[Unit]


def _average(rows: list[Row], places: int) -> str:
    """Mean of the ranked contestants' published totals, half up to the contest's places."""
    average = group_figures((Decimal(r.total) for r in rows if r.rank is not None), places).average
    return "—" if average is None else format_decimal(average, places)


def _entry_text(row: Row | None) -> str:
    return "—" if row is None else f"{row.name}（{row.total}，第 {row.rank} 名）"


def _unit(key: int, name: str, county_id: int, rows: list[Row], bands: list[str], places: int) -> Unit:
    ranked = sorted((r for r in rows if r.rank is not None), key=lambda r: (r.rank or 0, r.public_number))
    return Unit(key, name, county_id, len(rows), len(ranked), _average(rows, places),
                {band: sum(1 for r in rows if r.award == band) for band in bands},
                _entry_text(ranked[0] if ranked else None),
                _entry_text(max(ranked, key=lambda r: (r.rank or 0, r.public_number)) if ranked else None))


def _units(rows: list[Row], place_of: dict[str, Place], bands: list[str], places: int,
           key: Callable[[Place], tuple[int, str, int]]) -> list[Unit]:
    grouped: dict[tuple[int, str, int], list[Row]] = {}
    for row in rows:
        place = place_of.get(row.public_number)
        if place is not None:
            grouped.setdefault(key(place), []).append(row)
    units = [_unit(k, name, county, members, bands, places) for (k, name, county), members in grouped.items()]
    return sorted(units, key=lambda u: (u.average == "—", -Decimal(u.average) if u.average != "—" else 0, u.name))


def appraisal(published: Published, county_id: int | None = None) -> list[Appraisal]:
    """Per group: every county's and township's contestants, average total, awards by band, best and weakest."""
    places = int(published.input.get("places", 2))
    result = []
    for group in published.groups():
        rows = [r for r in published.rows if r.group == group]
        if county_id is not None:
            rows = [r for r in rows if r.public_number in published.places
                    and published.places[r.public_number].county_id == county_id]
        bands = published.award_names(group)
        result.append(Appraisal(
            group, published.group_names.get(group, group), bands,
            _units(rows, published.places, bands, places, lambda p: (p.county_id, p.county, p.county_id)),
            _units(rows, published.places, bands, places,
                   lambda p: (p.township_id, f"{p.county}{p.township}", p.county_id))))
    return result


def appraisal_sheets(figures: list[Appraisal], places: int) -> list[tuple[str, list[str], list[list[object]]]]:
    sheets = []
    for item in figures:
        headers = ["参赛人数", "排名人数", "平均总分"] + item.bands + ["最好", "最弱"]
        for label, units in (("县区", item.counties), ("乡镇", item.townships)):
            sheets.append((f"{item.group_name}-按{label}", [label] + headers,
                           [[u.name, u.contestants, u.ranked, _maybe_number(u.average, places)]
                            + [u.awards[b] for b in item.bands] + [u.best, u.weakest] for u in units]))
    return sheets


def _maybe_number(text: str, places: int) -> object:
    return text if text == "—" else Number(Decimal(text), places)


@dataclass(frozen=True)
class AppraisalView:
    published: Published
    figures: list[Appraisal]
    choices: list[tuple[str, str, Publication | None]]
    county: County | None


def appraisal_view(actor: User, contest_id: int, scope: str | None, number: int | None,
                   county_id: int | None = None) -> AppraisalView:
    """The chosen published version (default: the year's, else the latest round's) and its figures;
    with a county id, that county only (another county's id is 404 for a county organizer)."""
    contest: Contest = get_contest(contest_id)
    county = check_county(actor, county_id) if county_id is not None else None
    if scope is None:
        version = default_version(contest)
        if version is None:
            raise NotFoundError("尚无已发布的成绩")
        scope, number = version.scope, version.number
    published = load(actor, contest_id, scope, number)
    return AppraisalView(published, appraisal(published, county.id if county else None),
                         latest_by_scope(contest), county)


@dataclass(frozen=True)
class JudgeLine:
    alias: str
    name: str
    sheets: int
    mean: str
    sd: str
    bias: str | None
    highest: int
    lowest: int
    spearman: str | None
    reasons: list[str]


@dataclass(frozen=True)
class RoundConsistency:
    round_name: str
    median_bias: str
    lines: list[JudgeLine]


def _county_only(data: Mapping[str, Any], numbers: set[str]) -> dict[str, Any]:
    """A new input with only the county's contestants' sheets (and their adjustments and vetoes, which the
    parser checks against sheets); new top and round dicts, so the shared published input stays as it is.
    Bias, extremes, mean and spread are per contestant, so they stay the published ones restricted to these
    contestants; Spearman then ranks within the county."""
    rounds = [{**r, **{key: [item for item in r.get(key, []) if item.get("contestant") in numbers]
                       for key in ("marks", "adjustments", "vetoes") if key in r}}
              for r in data["rounds"]]
    return {**data, "rounds": rounds}


def consistency(actor: User, contest_id: int, scope: str, number: int) -> tuple[Published, list[RoundConsistency]]:
    """The scoring core's judge statistics of the published input, judges under their real names; for a county
    organizer, of their county's contestants only (the others' sheets are not theirs to see).
    Outlier: |bias| above 2 × the round's median |bias| (when that median is above 0), or spearman < 0.3."""
    published = load(actor, contest_id, scope, number)
    data = published.input
    if rules.is_county_scoped(actor):
        data = _county_only(data, {n for n, p in published.places.items() if rules.may_see(actor, p.county_id)})
    by_round = judge_statistics(data)["rounds"]
    names = judge_names(published.contest.id, published.version.scope)
    round_names = published.round_names()
    places = int(published.input.get("places", 2))
    result = []
    for code, judges in by_round.items():
        outliers = bias_outliers({j["judge"]: None if j["bias"] is None else Decimal(j["bias"]) for j in judges},
                                 BIAS_FACTOR)
        lines = []
        for j in judges:
            reasons = []
            if j["judge"] in outliers.judges:
                reasons.append("偏差超过本轮中位数的 2 倍")
            if j["spearman"] is not None and Decimal(j["spearman"]) < SPEARMAN_FLOOR:
                reasons.append("与合议结果的等级相关低于 0.3")
            lines.append(JudgeLine(j["judge"], names.get(j["judge"], j["judge"]), j["sheets"], j["mean"], j["sd"],
                                   j["bias"], j["highest"], j["lowest"], j["spearman"], reasons))
        result.append(RoundConsistency(round_names.get(code, code), format_decimal(outliers.median, places), lines))
    return published, result
