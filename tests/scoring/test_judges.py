"""The `judges` statistics, worked by hand on a three-judge panel."""

from decimal import Decimal

from scoring import judge_statistics
from scoring.judges import average_ranks, spearman

from .builders import MEAN, contest, one_criterion_round

PANEL = {"method": "trimmed_mean", "trim": 1, "trim_from": 3, "min_judges": 1, "normalize": "none"}


def three_judges() -> dict[str, object]:
    # Sheet totals (J01, J02, J03): A 7, 8, 9.5 · B 8, 8, 8 · C 6, 6.5, 7.
    # Panel scores (trim 1 from 3, the middle total): A 8, B 8, C 6.5.
    round_ = one_criterion_round("plan", {"A": ["7", "8", "9.5"], "B": ["8", "8", "8"], "C": ["6", "6.5", "7"]},
                                 panel=PANEL)
    return contest([round_], ["A", "B", "C"])


def test_judge_statistics_worked_by_hand() -> None:
    """J01: totals 7, 8, 6 — mean 7; sd √(2/3) = 0.8165 → 0.82.
    bias: A 7 − (8 + 9.5)/2 = −1.75, B 8 − 8 = 0, C 6 − 6.75 = −0.75; mean −2.5/3 → −0.83.
    highest: only on B (all 8, shared) → 1; lowest: A, B (shared), C → 3.
    spearman: ranks of (7, 8, 6) are 2, 3, 1; of the panel (8, 8, 6.5) 2.5, 2.5, 1;
    Σxy = 0·0.5 + 1·0.5 + (−1)(−1) = 1.5, Σx² = 2, Σy² = 1.5: ρ = 1.5/√3 = 0.86603 → 0.8660.
    J03: totals 9.5, 8, 7 — mean 8.1667 → 8.17; sd √(9.5/9) = 1.0274 → 1.03;
    bias (2 + 0 + 0.75)/3 = 0.9167 → 0.92; highest 3 (B shared), lowest 1 (B).
    """
    output = judge_statistics(three_judges())
    assert output == {"rounds": {"plan": [
        {"judge": "J01", "sheets": 3, "mean": "7.00", "sd": "0.82", "bias": "-0.83",
         "highest": 1, "lowest": 3, "spearman": "0.8660"},
        {"judge": "J02", "sheets": 3, "mean": "7.50", "sd": "0.71", "bias": "-0.08",
         "highest": 1, "lowest": 1, "spearman": "1.0000"},
        {"judge": "J03", "sheets": 3, "mean": "8.17", "sd": "1.03", "bias": "0.92",
         "highest": 3, "lowest": 1, "spearman": "0.8660"},
    ]}}


def test_judges_are_listed_by_id_and_a_lone_sheet_is_both_highest_and_lowest() -> None:
    round_ = one_criterion_round("r", {"A": ["5", "6"], "B": ["7"]}, panel=MEAN)
    # Judge ids J01, J02 in the builder; relabel so that input order differs from id order.
    for mark in round_["marks"]:
        mark["judge"] = {"J01": "Z9", "J02": "A1"}[mark["judge"]]
    rows = judge_statistics(contest([round_], ["A", "B"]))["rounds"]["r"]
    assert [row["judge"] for row in rows] == ["A1", "Z9"]
    z9 = rows[1]
    assert (z9["sheets"], z9["highest"], z9["lowest"]) == (2, 1, 2)  # B's lone sheet counts twice
    assert z9["bias"] == "-1.00"  # only A has another judge: 5 − 6
    assert z9["spearman"] is None  # fewer than 3 contestants


def test_bias_is_null_when_no_other_judge_marked_the_same_contestants() -> None:
    round_ = one_criterion_round("r", {"A": ["5"]}, panel=MEAN)
    row = judge_statistics(contest([round_], ["A"]))["rounds"]["r"][0]
    assert row == {"judge": "J01", "sheets": 1, "mean": "5.00", "sd": "0.00", "bias": None,
                   "highest": 1, "lowest": 1, "spearman": None}


def test_spearman_is_null_when_a_side_is_constant() -> None:
    assert spearman([Decimal(5)] * 3, [Decimal(1), Decimal(2), Decimal(3)]) is None
    assert spearman([Decimal(1), Decimal(2), Decimal(3)], [Decimal(5)] * 3) is None


def test_spearman_of_reversed_orders_is_minus_one() -> None:
    assert spearman([Decimal(1), Decimal(2), Decimal(3), Decimal(4)],
                    [Decimal(9), Decimal(7), Decimal(5), Decimal(1)]) == Decimal("-1.0000")


def test_average_ranks_share_the_mean_rank_of_ties() -> None:
    assert average_ranks([Decimal(x) for x in ("10", "20", "10", "30", "10")]) == [
        Decimal(2), Decimal(4), Decimal(2), Decimal(5), Decimal(2)]


def test_judge_statistics_use_raw_totals_also_under_zscore() -> None:
    panel = {"method": "mean", "min_judges": 1, "normalize": "zscore"}
    round_ = one_criterion_round("r", {"A": ["8", "9"], "B": ["6", "8"], "C": ["4", "7"]}, panel=panel)
    rows = judge_statistics(contest([round_], ["A", "B", "C"], places=1))["rounds"]["r"]
    assert [(row["judge"], row["mean"], row["sd"], row["bias"], row["spearman"]) for row in rows] == [
        ("J01", "6.0", "1.6", "-2.0", "1.0000"), ("J02", "8.0", "0.8", "2.0", "1.0000")]
