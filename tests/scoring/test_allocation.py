"""Fund allocation: ranking, floor, dues, and each policy at the cut line (with a tie block)."""

from typing import Any

import pytest

from scoring import allocate

from .builders import by_id


def allocation(applications: list[tuple[str, str, str]], **options: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"budget": "100", "min_score": "60"}
    data.update(options)
    data["applications"] = [{"id": i, "score": s, "request": r} for i, s, r in applications]
    return allocate(data)


def amounts(output: dict[str, Any]) -> dict[str, tuple[str | None, str, str]]:
    return {row["id"]: (row["due"], row["amount"], row["status"]) for row in output["allocations"]}


CUT = [("A", "90", "60"), ("B", "80", "50"), ("C", "70", "30"), ("D", "65", "10")]


def test_skip_passes_over_a_block_that_does_not_fit_and_funds_later_ones() -> None:
    output = allocation(CUT, policy="skip")
    assert amounts(output) == {"A": ("60.00", "60.00", "funded"), "B": ("50.00", "0.00", "unfunded"),
                               "C": ("30.00", "30.00", "funded"), "D": ("10.00", "10.00", "funded")}
    assert (output["allocated"], output["left"]) == ("100.00", "0.00")


def test_stop_funds_nothing_from_the_first_block_that_does_not_fit() -> None:
    output = allocation(CUT, policy="stop")
    assert [v[2] for v in amounts(output).values()] == ["funded", "unfunded", "unfunded", "unfunded"]
    assert (output["allocated"], output["left"]) == ("60.00", "40.00")


def test_partial_gives_the_cut_block_what_is_left_and_nothing_below() -> None:
    output = allocation(CUT, policy="partial")
    assert amounts(output)["B"] == ("50.00", "40.00", "partial")
    assert amounts(output)["C"] == ("30.00", "0.00", "unfunded")
    assert output["left"] == "0.00"


TIE = [("A", "90", "60"), ("B1", "80", "30"), ("B2", "80.0", "20"), ("C", "70", "10")]


def test_a_tie_block_at_the_cut_line_is_skipped_as_one_under_skip() -> None:
    # 40 left; the block B1 + B2 needs 50: neither is funded, though B1 alone (30) would fit.
    assert amounts(allocation(TIE, policy="skip")) == {
        "A": ("60.00", "60.00", "funded"), "B1": ("30.00", "0.00", "unfunded"),
        "B2": ("20.00", "0.00", "unfunded"), "C": ("10.00", "10.00", "funded")}


def test_a_tie_block_at_the_cut_line_stops_as_one_under_stop() -> None:
    assert [v[1] for v in amounts(allocation(TIE, policy="stop")).values()] == [
        "60.00", "0.00", "0.00", "0.00"]


def test_a_tie_block_at_the_cut_line_shares_in_proportion_under_partial() -> None:
    # 40 × 30/50 = 24 and 40 × 20/50 = 16.
    assert [v[1] for v in amounts(allocation(TIE, policy="partial")).values()] == [
        "60.00", "24.00", "16.00", "0.00"]


def test_partial_shares_are_floored_to_the_quantum() -> None:
    # 40 left for dues 30 and 30 and 30 → 13.333… each, floored to 1 元: 13 each, 1 left.
    apps = [("A", "90", "60"), ("B1", "80", "30"), ("B2", "80", "30"), ("B3", "80", "30")]
    output = allocation(apps, policy="partial", quantum="1")
    assert [v[1] for v in amounts(output).values()] == ["60.00", "13.00", "13.00", "13.00"]
    assert output["left"] == "1.00"


def test_pro_rata_floors_each_exact_share_to_the_quantum() -> None:
    # Σ dues 140 > 100: 100 × 60/140 = 42.857…, × 50/140 = 35.714…, × 30/140 = 21.428…
    apps = [("A", "90", "60"), ("B", "80", "50"), ("C", "70", "30")]
    output = allocation(apps, policy="pro_rata")
    assert [v[1] for v in amounts(output).values()] == ["42.85", "35.71", "21.42"]
    assert [v[2] for v in amounts(output).values()] == ["partial"] * 3
    assert (output["allocated"], output["left"]) == ("99.98", "0.02")
    by_yuan = allocation(apps, policy="pro_rata", quantum="1")
    assert [v[1] for v in amounts(by_yuan).values()] == ["42.00", "35.00", "21.00"]


def test_pro_rata_in_units_of_ten_thousand_yuan() -> None:
    apps = [("A", "90", "5000000"), ("B", "80", "4000000"), ("C", "70", "3000000")]
    output = allocation(apps, policy="pro_rata", budget="10000000", quantum="10000")
    # 10,000,000 × 5/12 = 4,166,666.67 → 4,160,000; × 4/12 → 3,330,000; × 3/12 = 2,500,000.
    assert [v[1] for v in amounts(output).values()] == ["4160000.00", "3330000.00", "2500000.00"]


def test_pro_rata_pays_every_due_when_the_budget_covers_them() -> None:
    output = allocation([("A", "90", "60"), ("B", "80", "40")], policy="pro_rata")
    assert [v[1:] for v in amounts(output).values()] == [("60.00", "funded"), ("40.00", "funded")]


def test_tiers_set_the_due_by_the_highest_tier_reached_and_walk_as_stop() -> None:
    tiers = [{"min_score": "80", "amount": "30"}, {"min_score": "90", "amount": "50"}]
    apps = [("A", "95", "80"), ("B", "85", "20"), ("C", "82", "60"), ("D", "75", "10"), ("E", "81", "5")]
    output = allocation(apps, policy="tiers", tiers=tiers, budget="90")
    # Dues: A min(80, 50) = 50; B min(20, 30) = 20; C 30; E 5; D reaches no tier: 0.
    # Walk: A 50 (40 left), B 20 (20 left), C 30 does not fit: stop — E gets nothing either.
    assert amounts(output) == {"A": ("50.00", "50.00", "funded"), "B": ("20.00", "20.00", "funded"),
                               "C": ("30.00", "0.00", "unfunded"), "E": ("5.00", "0.00", "unfunded"),
                               "D": ("0.00", "0.00", "unfunded")}


def test_a_tie_block_at_the_cut_line_stops_as_one_under_tiers() -> None:
    tiers = [{"min_score": "60", "amount": "40"}]
    output = allocation(TIE, policy="tiers", tiers=tiers)
    # Dues 40, 30, 20, 10: A takes 40 (60 left); B1 + B2 need 50 and fit; C's 10 fits too.
    assert [v[1] for v in amounts(output).values()] == ["40.00", "30.00", "20.00", "10.00"]
    tight = allocation(TIE, policy="tiers", tiers=tiers, budget="80")
    # 40 left after A: the block needs 50 — neither B1 (30, which alone would fit) nor C gets anything.
    assert [v[1:] for v in amounts(tight).values()] == [
        ("40.00", "funded"), ("0.00", "unfunded"), ("0.00", "unfunded"), ("0.00", "unfunded")]


def test_applications_below_the_floor_have_no_due_and_nothing() -> None:
    output = allocation([("A", "90", "10"), ("B", "59.99", "10")])
    assert by_id(output)["B"] == {"id": "B", "score": "59.99", "rank": 2, "request": "10.00",
                                  "due": None, "amount": "0.00", "status": "below_floor"}


def test_the_cap_limits_each_due() -> None:
    output = allocation([("A", "90", "80"), ("B", "80", "30")], cap="50")
    assert amounts(output) == {"A": ("50.00", "50.00", "funded"), "B": ("30.00", "30.00", "funded")}


def test_a_request_of_zero_is_unfunded() -> None:
    assert amounts(allocation([("A", "90", "0")]))["A"] == ("0.00", "0.00", "unfunded")


def test_ranking_is_by_score_with_equal_scores_in_input_order_and_competition_ranks() -> None:
    output = allocation([("A", "70", "1"), ("B", "90", "1"), ("C", "90.00", "1"), ("D", "50", "1")])
    assert [(row["id"], row["score"], row["rank"]) for row in output["allocations"]] == [
        ("B", "90", 1), ("C", "90.00", 1), ("A", "70", 3), ("D", "50", 4)]


@pytest.mark.parametrize("policy", ["skip", "stop", "partial", "pro_rata"])
def test_an_empty_call_allocates_nothing(policy: str) -> None:
    output = allocation([], policy=policy)
    assert (output["allocations"], output["allocated"], output["left"]) == ([], "0.00", "100.00")


def test_the_default_policy_is_skip_and_money_has_two_decimals() -> None:
    output = allocate({"budget": "12000000", "min_score": "60",
                       "applications": [{"id": "A01", "score": "91.20", "request": "500000"}]})
    assert output["allocations"] == [{"id": "A01", "score": "91.20", "rank": 1, "request": "500000.00",
                                      "due": "500000.00", "amount": "500000.00", "status": "funded"}]
    assert (output["allocated"], output["left"]) == ("500000.00", "11500000.00")
    assert len(output["input_sha256"]) == 64
