"""Rules 4–8 over a validated input: round scores, totals, ranks and awards, and their JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from .awards import assign_awards
from .model import ContestantResult, JsonObject, RecomputeInput, RecomputeResult
from .numbers import ZERO, divide, exact, format_decimal, round_half_up
from .panel import round_panel_scores
from .parse import parse_recompute_input_canonical
from .ranking import RankKey, rank, tied_flags

#: Below any round score, which is never below 0 (rule 4).
_ABSENT = Decimal(-1)


def round_scores(inp: RecomputeInput) -> dict[str, dict[str, Decimal]]:
    """Rule 4 for every round: `round_scores[round][contestant]`, present contestants only."""
    scores: dict[str, dict[str, Decimal]] = {}
    for round_ in inp.rounds:
        panel_scores = round_panel_scores(round_, inp.places)
        scores[round_.id] = {
            contestant: max(ZERO, score + round_.adjustments.get(contestant, ZERO))
            for contestant, score in panel_scores.items()
        }
    return scores


def weighted_total(inp: RecomputeInput, by_round: Mapping[str, Decimal | None]) -> Decimal:
    """Rule 5: `Σ weight × round score / Σ weight`, rounded to `places` once, at the end.

    Under `zero` an absent round counts 0 and keeps its weight; under `reweight` it is left out.
    """
    weighted = ZERO
    weights = ZERO
    for round_ in inp.rounds:
        score = by_round[round_.id]
        if score is None and inp.absent_round == "reweight":
            continue
        weighted += round_.weight * (score if score is not None else ZERO)
        weights += round_.weight
    if not weights:
        return ZERO
    return round_half_up(divide(weighted, weights), inp.places)


def _rank_key(result: ContestantResult, tie_break: tuple[str, ...]) -> RankKey:
    """Total first, then each tie-break round's score; an absent round sorts below any score."""
    scores = (result.rounds[round_id] for round_id in tie_break)
    return (result.total, *(_ABSENT if score is None else score for score in scores))


@exact
def compute_results(inp: RecomputeInput) -> RecomputeResult:
    """Rules 1–8 (rule 1 was applied when the marks were read) on a validated input."""
    scores = round_scores(inp)
    vetoed: set[str] = set().union(*(round_.vetoes for round_ in inp.rounds))
    unranked: list[ContestantResult] = []
    for contestant in inp.contestants:
        by_round = {round_.id: scores[round_.id].get(contestant.id) for round_ in inp.rounds}
        absent = all(score is None for score in by_round.values())
        out = contestant.id in vetoed or absent
        unranked.append(ContestantResult(
            id=contestant.id,
            group=contestant.group,
            rounds=by_round,
            judges={round_.id: len(round_.sheets.get(contestant.id, {})) for round_ in inp.rounds},
            total=ZERO if out else weighted_total(inp, by_round),
            rank=None,
            tied=False,
            vetoed=contestant.id in vetoed,
            absent=absent,
        ))
    groups: dict[str, list[int]] = {}
    for index, result in enumerate(unranked):
        if not (result.vetoed or result.absent):
            groups.setdefault(result.group, []).append(index)
    ranked = list(unranked)
    ranked_by_group: dict[str, list[tuple[str, int, Decimal]]] = {}
    for group, members in groups.items():
        ranks = rank([_rank_key(unranked[i], inp.tie_break) for i in members], inp.ranking)
        for index, member_rank, tied in zip(members, ranks, tied_flags(ranks), strict=True):
            ranked[index] = replace(unranked[index], rank=member_rank, tied=tied)
            ranked_by_group.setdefault(group, []).append(
                (unranked[index].id, member_rank, unranked[index].total))
    awarded, tallies = assign_awards(inp.awards, ranked_by_group)
    if inp.awards:
        ranked = [replace(result, award=awarded.get(result.id)) for result in ranked]
    return RecomputeResult(
        places=inp.places,
        contestants=tuple(ranked),
        awards=tallies if inp.awards else None,
        input_sha256=inp.input_sha256,
    )


def result_to_json(result: RecomputeResult) -> JsonObject:
    """The `recompute` output of SCORING.md: strings with exactly `places` decimals."""
    places = result.places
    contestants: list[dict[str, object]] = []
    for item in result.contestants:
        row: dict[str, object] = {
            "id": item.id,
            "group": item.group,
            "rounds": {rid: None if score is None else format_decimal(score, places)
                       for rid, score in item.rounds.items()},
            "judges": dict(item.judges),
            "total": format_decimal(item.total, places),
            "rank": item.rank,
            "tied": item.tied,
            "vetoed": item.vetoed,
            "absent": item.absent,
        }
        if result.awards is not None:
            row["award"] = item.award
        contestants.append(row)
    output: JsonObject = {"contestants": contestants}
    if result.awards is not None:
        output["awards"] = [
            {"group": t.group, "band": t.band, "limit": t.limit, "given": t.given,
             "over_quota": t.over_quota}
            for t in result.awards
        ]
    output["input_sha256"] = result.input_sha256
    return output


def recompute(data: object) -> JsonObject:
    """`python -m scoring recompute` in-process: JSON-shaped input in, JSON-shaped result out.

    Raises InputError (with every problem, in Chinese) when the input is bad.
    """
    return recompute_canonical(data)[0]


def recompute_canonical(data: object) -> tuple[JsonObject, bytes]:
    """`recompute`, with the canonical JSON bytes of the input that its `input_sha256` hashes."""
    inp, canonical = parse_recompute_input_canonical(data)
    return result_to_json(compute_results(inp)), canonical
