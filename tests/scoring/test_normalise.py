"""Rule 2, z-score normalisation per judge within a round, worked by hand."""

from decimal import Decimal

from scoring import recompute
from scoring.normalise import mean_and_sd, zscore_totals

from .builders import by_id, contest, one_criterion_round

ZSCORE_MEAN = {"method": "mean", "min_judges": 1, "normalize": "zscore"}


def test_mean_and_sd_are_the_population_figures() -> None:
    mean, sd = mean_and_sd([Decimal(8), Decimal(6), Decimal(4)])
    assert mean == Decimal(6)
    # √(8/3) = 1.63299316185545206546485604980…; the contract takes √ of the 28-digit 8/3
    # (2.666666666666666666666666667), itself rounded to 28 digits.
    assert sd == Decimal("1.632993161855452065464856050")


def test_zscore_puts_a_severe_and_a_lenient_judge_on_one_scale() -> None:
    """J01 gives A 8, B 6, C 4 (mean 6, sd √(8/3)); J02 gives 9, 8, 7 (mean 8, sd √(2/3)).

    All six totals: mean 7, sd √(16/6) = √(8/3). Both judges place A one z = 1.2247… above their
    mean, so A's normalised totals are 7 + 1.2247… × √(8/3) = 9 (to 27 digits) from each: A 9.00,
    B 7.00, C 5.00 — where the raw means are 8.50, 7.00, 5.50.
    """
    round_ = one_criterion_round(
        "r", {"A": ["8", "9"], "B": ["6", "8"], "C": ["4", "7"]}, panel=ZSCORE_MEAN)
    rows = by_id(recompute(contest([round_], ["A", "B", "C"])))
    assert [rows[c]["rounds"]["r"] for c in "ABC"] == ["9.00", "7.00", "5.00"]
    normalised = zscore_totals({"A": {"J01": Decimal(8), "J02": Decimal(9)},
                                "B": {"J01": Decimal(6), "J02": Decimal(8)},
                                "C": {"J01": Decimal(4), "J02": Decimal(7)}})
    assert abs(normalised["A"]["J01"] - 9) < Decimal("1e-26")
    assert normalised["B"] == {"J01": Decimal(7), "J02": Decimal(7)}


def test_a_judge_with_no_spread_gives_everyone_the_round_mean() -> None:
    """J02 gives all three 5: sd 0, so z = 0 and each of J02's normalised totals is mean_all.

    J01: 9, 6, 3 (mean 6, sd √6). All six totals: mean 5.5, Σ(x − 5.5)² = 19.5, sd_all = √3.25.
    A's J01 total becomes 5.5 + (3/√6) × √3.25 = 5.5 + 2.2079… = 7.7079…, C's 3.2921…; with
    J02's 5.5 the means are A 6.6040 → 6.60, B 5.50, C 4.3960 → 4.40.
    """
    round_ = one_criterion_round("r", {"A": ["9", "5"], "B": ["6", "5"], "C": ["3", "5"]},
                                 panel=ZSCORE_MEAN)
    normalised = zscore_totals({"A": {"J01": Decimal(9), "J02": Decimal(5)},
                                "B": {"J01": Decimal(6), "J02": Decimal(5)},
                                "C": {"J01": Decimal(3), "J02": Decimal(5)}})
    assert {normalised[c]["J02"] for c in "ABC"} == {Decimal("5.5")}
    assert normalised["B"]["J01"] == Decimal("5.5")
    rows = by_id(recompute(contest([round_], ["A", "B", "C"])))
    assert [rows[c]["rounds"]["r"] for c in "ABC"] == ["6.60", "5.50", "4.40"]


def test_trimming_works_on_the_normalised_totals() -> None:
    """Three judges, trim 1 from 3: the panel score is the middle normalised total."""
    panel = {"method": "trimmed_mean", "trim": 1, "trim_from": 3, "min_judges": 1, "normalize": "zscore"}
    round_ = one_criterion_round("r", {"A": ["8", "9", "10"], "B": ["6", "8", "10"], "C": ["4", "7", "10"]},
                                 panel=panel)
    rows = by_id(recompute(contest([round_], ["A", "B", "C"])))
    # All nine totals: mean 8, Σ(x − 8)² = 34, sd_all = √(34/9) = 1.9437…. J01 and J02 both place
    # A at z = 1.2247… (→ 8 + 2.3805 = 10.3805) and C at −1.2247… (→ 5.6195); J03 gives everyone
    # 10, sd 0, so 8. Trimming one high and one low keeps the middle: A 10.38, B 8.00, C 5.62
    # (raw trimmed means would be 9, 8, 7).
    assert [rows[c]["rounds"]["r"] for c in "ABC"] == ["10.38", "8.00", "5.62"]
