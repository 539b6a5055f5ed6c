"""Rules 4–7 of `recompute`, each on a small hand-worked contest, and SCORING.md's full example."""

import json
from typing import Any

import pytest

from scoring import recompute

from .builders import DATA, MEAN, by_id, contest, one_criterion_round


def two_rounds(absent_round: str) -> dict[str, Any]:
    first = one_criterion_round("r1", {"A": ["80"], "B": ["80"]}, panel=MEAN)
    second = one_criterion_round("r2", {"A": ["90"]}, panel=MEAN)
    return contest([first, second], ["A", "B"], absent_round=absent_round)


def test_an_absent_round_counts_zero_with_its_weight_under_zero() -> None:
    rows = by_id(recompute(two_rounds("zero")))
    assert rows["B"]["rounds"] == {"r1": "80.00", "r2": None}
    assert rows["B"]["judges"] == {"r1": 1, "r2": 0}
    assert (rows["A"]["total"], rows["B"]["total"]) == ("85.00", "40.00")
    assert rows["B"]["absent"] is False


def test_an_absent_round_is_left_out_of_the_weights_under_reweight() -> None:
    rows = by_id(recompute(two_rounds("reweight")))
    assert (rows["A"]["total"], rows["B"]["total"]) == ("85.00", "80.00")


def test_zero_is_the_default_absent_round_rule() -> None:
    data = two_rounds("zero")
    del data["absent_round"]
    assert by_id(recompute(data))["B"]["total"] == "40.00"


def test_an_adjustment_never_pushes_a_round_score_below_zero() -> None:
    round_ = one_criterion_round("r", {"A": ["1"]}, panel=MEAN, adjustments=[("A", "-3")])
    assert by_id(recompute(contest([round_], ["A"])))["A"]["rounds"]["r"] == "0.00"


def test_adjustments_of_a_contestant_in_a_round_are_summed_without_upper_cap() -> None:
    round_ = one_criterion_round("r", {"A": ["99"]}, panel=MEAN, maximum="100",
                                 adjustments=[("A", "2"), ("A", "-0.5"), ("A", "1.25")])
    assert by_id(recompute(contest([round_], ["A"])))["A"]["rounds"]["r"] == "101.75"


def test_an_adjustment_applies_to_the_rounded_panel_score() -> None:
    # Panel mean 8.333… rounds to 8.33 first; 8.33 − 0.33 = 8.00 (not 8.003… → 8.00 by luck).
    round_ = one_criterion_round("r", {"A": ["8", "8", "9"]}, panel=MEAN, adjustments=[("A", "-0.34")])
    assert by_id(recompute(contest([round_], ["A"])))["A"]["rounds"]["r"] == "7.99"


def test_a_vetoed_contestant_keeps_round_scores_but_is_out_of_the_ranking() -> None:
    first = one_criterion_round("r1", {"A": ["95"], "B": ["90"], "C": ["85"]}, panel=MEAN,
                                vetoes=["A"])
    rows = by_id(recompute(contest([first], ["A", "B", "C"])))
    assert rows["A"] == {"id": "A", "group": "village", "rounds": {"r1": "95.00"},
                         "judges": {"r1": 1}, "total": "0.00", "rank": None, "tied": False,
                         "vetoed": True, "absent": False}
    assert (rows["B"]["rank"], rows["C"]["rank"]) == (1, 2)


def test_a_veto_in_any_round_takes_the_contestant_out() -> None:
    first = one_criterion_round("r1", {"A": ["95"], "B": ["90"]}, panel=MEAN)
    second = one_criterion_round("r2", {"A": ["95"], "B": ["90"]}, panel=MEAN, vetoes=["A"])
    rows = by_id(recompute(contest([first, second], ["A", "B"])))
    assert (rows["A"]["vetoed"], rows["A"]["rank"], rows["B"]["rank"]) == (True, None, 1)


def test_a_contestant_absent_from_every_round_is_absent_and_unranked() -> None:
    first = one_criterion_round("r1", {"A": ["70"]}, panel=MEAN)
    rows = by_id(recompute(contest([first], ["A", "B"])))
    assert rows["B"] == {"id": "B", "group": "village", "rounds": {"r1": None},
                         "judges": {"r1": 0}, "total": "0.00", "rank": None, "tied": False,
                         "vetoed": False, "absent": True}
    assert rows["A"]["rank"] == 1


def test_absent_and_vetoed_flags_are_independent() -> None:
    first = one_criterion_round("r1", {"A": ["70"]}, panel=MEAN, vetoes=["B"])
    row = by_id(recompute(contest([first], ["A", "B"])))["B"]
    assert (row["absent"], row["vetoed"], row["rank"], row["total"]) == (True, True, None, "0.00")


def test_an_absent_contestant_under_reweight_also_totals_zero() -> None:
    first = one_criterion_round("r1", {"A": ["70"]}, panel=MEAN)
    rows = by_id(recompute(contest([first], ["A", "B"], absent_round="reweight")))
    assert (rows["B"]["total"], rows["B"]["absent"]) == ("0.00", True)


@pytest.mark.parametrize(
    ("weights", "total"),
    [(("1", "1", "1"), "80.00"), (("30", "30", "40"), "79.00"), (("0.3", "0.3", "0.4"), "79.00"),
     (("2", "1", "1"), "82.50")],
)
def test_weights_need_not_sum_to_one(weights: tuple[str, str, str], total: str) -> None:
    rounds = [one_criterion_round(f"r{i}", {"A": [score]}, panel=MEAN, weight=weight)
              for i, (score, weight) in enumerate(zip(("90", "80", "70"), weights, strict=True))]
    assert by_id(recompute(contest(rounds, ["A"])))["A"]["total"] == total


def test_the_total_is_rounded_once_at_the_end() -> None:
    # 0.3 × 80.01 + 0.3 × 80.02 + 0.4 × 80.04 = 80.025 exactly: half up gives 80.03.
    rounds = [one_criterion_round(f"r{i}", {"A": [score]}, panel=MEAN, weight=weight)
              for i, (score, weight) in enumerate([("80.01", "0.3"), ("80.02", "0.3"), ("80.04", "0.4")])]
    assert by_id(recompute(contest(rounds, ["A"])))["A"]["total"] == "80.03"


def ranking_of(scores: dict[str, str], groups: dict[str, str] | None = None, **top: object) -> dict[str, Any]:
    round_ = one_criterion_round("r", {c: [s] for c, s in scores.items()}, panel=MEAN)
    return by_id(recompute(contest([round_], groups or list(scores), **top)))


def test_equal_totals_share_a_competition_rank_and_are_flagged_tied() -> None:
    rows = ranking_of({"A": "90", "B": "85", "C": "85", "D": "80"})
    assert [rows[c]["rank"] for c in "ABCD"] == [1, 2, 2, 4]
    assert [rows[c]["tied"] for c in "ABCD"] == [False, True, True, False]


def test_dense_ranking_numbers_the_next_rank_without_a_gap() -> None:
    rows = ranking_of({"A": "90", "B": "85", "C": "85", "D": "80"}, ranking="dense")
    assert [rows[c]["rank"] for c in "ABCD"] == [1, 2, 2, 3]


def test_ranks_compare_the_rounded_totals() -> None:
    # A's exact total (85.01 + 2 × 85.00) / 3 = 85.0033… publishes as 85.00, as B's does.
    r1 = one_criterion_round("r1", {"A": ["85.01"], "B": ["85"]}, panel=MEAN)
    r2 = one_criterion_round("r2", {"A": ["85"], "B": ["85"]}, panel=MEAN, weight="2")
    rows = by_id(recompute(contest([r1, r2], ["A", "B"])))
    assert [(rows[c]["total"], rows[c]["rank"], rows[c]["tied"]) for c in "AB"] == [
        ("85.00", 1, True), ("85.00", 1, True)]


def test_ranks_are_per_group_and_ties_do_not_cross_groups() -> None:
    groups = {"T1": "township", "V1": "village", "V2": "village", "T2": "township"}
    rows = ranking_of({"T1": "88", "V1": "88", "V2": "70", "T2": "60"}, groups)
    assert [(rows[c]["rank"], rows[c]["tied"]) for c in ("T1", "V1", "V2", "T2")] == [
        (1, False), (1, False), (2, False), (2, False)]


def test_the_tie_break_chain_orders_equal_totals_round_by_round() -> None:
    # Totals (weights 1/1/1): A, B and C all 80. tie_break results, then plan.
    plan = one_criterion_round("plan", {"A": ["70"], "B": ["90"], "C": ["80"]}, panel=MEAN)
    service = one_criterion_round("service", {"A": ["90"], "B": ["70"], "C": ["80"]}, panel=MEAN)
    results = one_criterion_round("results", {"A": ["80"], "B": ["80"], "C": ["80"]}, panel=MEAN)
    data = contest([plan, service, results], ["A", "B", "C"], tie_break=["results", "plan"])
    rows = by_id(recompute(data))
    assert [rows[c]["total"] for c in "ABC"] == ["80.00"] * 3
    assert [(rows[c]["rank"], rows[c]["tied"]) for c in "ABC"] == [(3, False), (1, False), (2, False)]


def test_contestants_still_equal_after_the_tie_break_share_a_rank() -> None:
    plan = one_criterion_round("plan", {"A": ["70"], "B": ["70"], "C": ["60"]}, panel=MEAN)
    rows = by_id(recompute(contest([plan], ["A", "B", "C"], tie_break=["plan"])))
    assert [rows[c]["rank"] for c in "ABC"] == [1, 1, 3]


def test_an_absent_tie_break_round_ranks_below_any_present_score() -> None:
    # Under reweight both total 50.00; B's r2 score is 0.00 (5 − 10, floored at 0) and A is
    # absent from r2: B ranks first.
    r1 = one_criterion_round("r1", {"A": ["50"], "B": ["100"]}, panel=MEAN)
    r2 = one_criterion_round("r2", {"B": ["5"]}, panel=MEAN, adjustments=[("B", "-10")])
    data = contest([r1, r2], ["A", "B"], tie_break=["r2"])
    rows = by_id(recompute(data))
    assert [rows[c]["total"] for c in "AB"] == ["25.00", "50.00"]
    reweighted = by_id(recompute({**data, "absent_round": "reweight"}))
    assert [reweighted[c]["total"] for c in "AB"] == ["50.00", "50.00"]
    assert reweighted["B"]["rounds"]["r2"] == "0.00"
    assert [reweighted[c]["rank"] for c in "AB"] == [2, 1]


@pytest.mark.parametrize(("places", "expected"), [(0, "87"), (1, "86.7"), (3, "86.667")])
def test_outputs_carry_exactly_places_decimals(places: int, expected: str) -> None:
    round_ = one_criterion_round("r", {"A": ["86", "87", "87"]}, panel=MEAN)
    assert by_id(recompute(contest([round_], ["A"], places=places)))["A"]["total"] == expected


def test_contestants_are_listed_in_input_order_with_the_sha_last() -> None:
    output = recompute(contest([one_criterion_round("r", {"B": ["1"], "A": ["2"]}, panel=MEAN)], ["B", "A"]))
    assert [row["id"] for row in output["contestants"]] == ["B", "A"]
    assert list(output) == ["contestants", "input_sha256"]


def test_scoring_md_full_example_is_reproduced_exactly() -> None:
    """SCORING.md's example: 15 judges a contestant, V001 absent from `service`, V002 vetoed."""
    data = json.loads((DATA / "scoring_md_example.json").read_text(encoding="utf-8"))
    output = recompute(data)
    assert output["contestants"] == [
        {"id": "V001", "group": "village",
         "rounds": {"plan": "87.00", "service": None, "results": "85.50"},
         "judges": {"plan": 15, "service": 0, "results": 15},
         "total": "60.30", "rank": 1, "tied": False, "vetoed": False, "absent": False},
        {"id": "V002", "group": "village",
         "rounds": {"plan": "80.00", "service": "81.00", "results": "79.50"},
         "judges": {"plan": 15, "service": 15, "results": 15},
         "total": "0.00", "rank": None, "tied": False, "vetoed": True, "absent": False},
    ]
    assert output["input_sha256"] == "503383418a208abe403d3bb0784bab55430f0ffce20988aef606a930effe6bd4"
