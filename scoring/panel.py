"""Rule 3: a contestant's panel score from the sheet totals of a round (trimmed or plain mean)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from .model import PanelRule, Round
from .normalise import zscore_totals
from .numbers import ZERO, divide, exact, round_half_up


def kept_totals(totals: Sequence[Decimal], panel: PanelRule) -> list[Decimal]:
    """The totals the mean is taken over: with `trimmed_mean` and `n ≥ trim_from`, the `trim`
    highest and `trim` lowest are dropped, one instance each even when several are equal."""
    ordered = sorted(totals)
    count = len(ordered)
    if panel.method == "trimmed_mean" and panel.trim and count >= panel.trim_from:
        return ordered[panel.trim: count - panel.trim]
    return ordered


@exact
def panel_score(totals: Sequence[Decimal], panel: PanelRule) -> Decimal:
    """The unrounded panel score (one division, 28 significant digits) of at least one total."""
    kept = kept_totals(totals, panel)
    return divide(sum(kept, ZERO), len(kept))


def round_panel_scores(round_: Round, places: int) -> dict[str, Decimal]:
    """Rules 2 and 3 for a round: each present contestant's panel score rounded to `places`."""
    sheets: Mapping[str, Mapping[str, Decimal]] = round_.sheets
    if round_.panel.normalize == "zscore":
        sheets = zscore_totals(sheets)
    return {
        contestant: round_half_up(panel_score(list(totals.values()), round_.panel), places)
        for contestant, totals in sheets.items()
        if totals
    }
