"""Rule 3, the panel score: trimmed or plain mean of the sheet totals, rounded half up once.

A real published panel is worked through the whole `recompute` (the marks are the protocol's;
their order among the judges is not): Sarajevo 1984, ice dance free dance, Jayne Torvill &
Christopher Dean ("Boléro"), nine judges — technical merit six 5.9 and three 6.0, artistic
impression nine 6.0 (the 6.0 system ranked by ordinals; here the same marks go through our
trimmed mean).
"""

from collections.abc import Mapping
from decimal import Decimal

import pytest

from scoring import PanelRule, panel_score, recompute

from .builders import MEAN, TRIMMED, by_id, contest, one_criterion_round

TRIM_ONE = PanelRule(method="trimmed_mean", min_judges=1, normalize="none", trim=1, trim_from=5)


def panel_of(*totals: str, panel: PanelRule = TRIM_ONE) -> Decimal:
    return panel_score([Decimal(t) for t in totals], panel)


def recomputed_round_score(
    values: list[str], panel: Mapping[str, object] = TRIMMED, maximum: str = "100", step: str = "0.01"
) -> str:
    data = contest([one_criterion_round("r", {"A": values}, panel=panel, maximum=maximum, step=step)], ["A"])
    score = by_id(recompute(data))["A"]["rounds"]["r"]
    assert isinstance(score, str)
    return score


def test_trimmed_mean_drops_one_highest_and_one_lowest() -> None:
    assert panel_of("7", "8", "9", "10", "6") == Decimal(8)


def test_trimmed_mean_drops_only_one_instance_of_equal_extremes() -> None:
    # Dropping every 10 and every 6 would leave 9; one instance each leaves 6, 9, 10.
    assert recomputed_round_score(["10", "10", "9", "6", "6"]) == "8.33"


def test_a_panel_below_trim_from_takes_the_plain_mean() -> None:
    # Trimmed, 7 and 8 would remain (7.50); with 4 sheets < trim_from 5 all four count.
    assert recomputed_round_score(["6", "7", "8", "10"]) == "7.75"


def test_the_mean_method_ignores_trim_and_trim_from() -> None:
    panel = {"method": "mean", "trim": 1, "trim_from": 3, "min_judges": 1, "normalize": "none"}
    assert recomputed_round_score(["6", "7", "8", "10", "4"], panel=panel) == "7.00"


def test_half_up_at_the_xx5_boundary_rounds_up() -> None:
    # The exact panel mean is 7.125: half up gives 7.13 (half even would give 7.12).
    assert recomputed_round_score(["7.1", "7.1", "7.15", "7.15"], panel=MEAN, step="0.05") == "7.13"


def test_torvill_and_dean_1984_technical_merit_trimmed() -> None:
    """Sarajevo 1984, Boléro: technical merit 5.9 ×6 and 6.0 ×3 from nine judges.

    Dropping one 6.0 and one 5.9 leaves five 5.9 and two 6.0: 41.5 / 7 = 5.928571… → 5.93.
    """
    marks = ["5.9", "6.0", "5.9", "5.9", "6.0", "5.9", "6.0", "5.9", "5.9"]
    assert recomputed_round_score(marks, maximum="6.0", step="0.1") == "5.93"
    assert panel_of(*marks) == Decimal("5.928571428571428571428571429")


def test_torvill_and_dean_1984_artistic_impression_nine_sixes() -> None:
    assert recomputed_round_score(["6.0"] * 9, maximum="6.0", step="0.1") == "6.00"


def test_a_four_judge_panel_trimmed_from_four_takes_the_middle_two() -> None:
    """As gymnastics panels of four did: highest and lowest dropped, the middle two averaged."""
    panel = {"method": "trimmed_mean", "trim": 1, "trim_from": 4, "min_judges": 4, "normalize": "none"}
    assert recomputed_round_score(["9.85", "10.0", "9.9", "9.95"], panel=panel, maximum="10", step="0.05") == "9.93"


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        (["5"], "5"),
        (["5", "6"], "5.5"),
        (["1", "2", "3", "4", "100"], "3"),
        (["1", "1", "1", "1", "1"], "1"),
    ],
)
def test_panel_score_table(totals: list[str], expected: str) -> None:
    assert panel_of(*totals) == Decimal(expected)


def test_a_division_keeps_28_significant_digits_even_for_longer_sheets() -> None:
    """Sums are exact; the one division is rounded to 28 significant digits (SCORING.md)."""
    long = "123456789012345678901234567890.5"
    score = recomputed_round_score([long] * 3, panel=MEAN, maximum="1" + "0" * 31, step="0.5")
    assert score == "123456789012345678901234567900.00"
