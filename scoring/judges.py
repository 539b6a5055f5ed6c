"""Judge consistency statistics of a round: spread, bias against the others, extremes, Spearman ρ."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from .model import JsonObject, JudgeStatistics, RecomputeInput, Round
from .normalise import mean_and_sd
from .numbers import ZERO, divide, exact, format_decimal, round_half_up, square_root
from .panel import round_panel_scores
from .parse import parse_recompute_input


def average_ranks(values: Sequence[Decimal]) -> list[Decimal]:
    """Ranks from 1 (lowest) up; equal values share the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [ZERO] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = divide(start + end + 2, 2)
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        start = end + 1
    return ranks


def spearman(xs: Sequence[Decimal], ys: Sequence[Decimal]) -> Decimal | None:
    """ρ over average ranks, half up to 4 decimals; None under 3 pairs or when a side is constant."""
    count = len(xs)
    if count < 3:
        return None
    mean_rank = divide(count + 1, 2)
    rx = [r - mean_rank for r in average_ranks(xs)]
    ry = [r - mean_rank for r in average_ranks(ys)]
    sxx = sum((a * a for a in rx), ZERO)
    syy = sum((b * b for b in ry), ZERO)
    if not sxx or not syy:
        return None
    sxy = sum((a * b for a, b in zip(rx, ry, strict=True)), ZERO)
    return round_half_up(divide(sxy, square_root(sxx * syy)), 4)


def round_judge_statistics(round_: Round, places: int) -> tuple[JudgeStatistics, ...]:
    """Every judge of the round, by id, on raw sheet totals (also under z-scores)."""
    panel_scores = round_panel_scores(round_, places)
    by_judge: dict[str, list[tuple[str, Decimal]]] = {}
    highest: dict[str, int] = {}
    lowest: dict[str, int] = {}
    panel_sums = {contestant: (sum(totals.values(), ZERO), len(totals))
                  for contestant, totals in round_.sheets.items()}
    for contestant, totals in round_.sheets.items():
        top = max(totals.values())
        bottom = min(totals.values())
        for judge, total in totals.items():
            by_judge.setdefault(judge, []).append((contestant, total))
            highest[judge] = highest.get(judge, 0) + (total == top)
            lowest[judge] = lowest.get(judge, 0) + (total == bottom)
    statistics = []
    for judge in sorted(by_judge):
        given = by_judge[judge]
        mean, sd = mean_and_sd(total for _, total in given)
        statistics.append(JudgeStatistics(
            judge=judge,
            sheets=len(given),
            mean=round_half_up(mean, places),
            sd=round_half_up(sd, places),
            bias=_bias(given, panel_sums, places),
            highest=highest[judge],
            lowest=lowest[judge],
            spearman=spearman([total for _, total in given],
                              [panel_scores[contestant] for contestant, _ in given]),
        ))
    return tuple(statistics)


def _bias(
    given: Sequence[tuple[str, Decimal]],
    panel_sums: Mapping[str, tuple[Decimal, int]],
    places: int,
) -> Decimal | None:
    """Mean of (the judge's total − the mean of the other judges' totals) where others marked.

    The others' sum is the panel's sum less the judge's own total (exact, so the same number).
    """
    differences = []
    for contestant, total in given:
        panel_sum, count = panel_sums[contestant]
        if count > 1:
            differences.append(total - divide(panel_sum - total, count - 1))
    if not differences:
        return None
    return round_half_up(divide(sum(differences, ZERO), len(differences)), places)


@exact
def compute_judge_statistics(inp: RecomputeInput) -> dict[str, tuple[JudgeStatistics, ...]]:
    """Judge statistics of every round, rounds in input order."""
    return {round_.id: round_judge_statistics(round_, inp.places) for round_ in inp.rounds}


def judge_statistics(data: object) -> JsonObject:
    """`python -m scoring judges` in-process: a recompute input in, the statistics JSON out."""
    inp = parse_recompute_input(data)
    places = inp.places
    return {"rounds": {
        round_id: [
            {"judge": s.judge, "sheets": s.sheets, "mean": format_decimal(s.mean, places),
             "sd": format_decimal(s.sd, places),
             "bias": None if s.bias is None else format_decimal(s.bias, places),
             "highest": s.highest, "lowest": s.lowest,
             "spearman": None if s.spearman is None else format_decimal(s.spearman, 4)}
            for s in statistics
        ]
        for round_id, statistics in compute_judge_statistics(inp).items()
    }}
