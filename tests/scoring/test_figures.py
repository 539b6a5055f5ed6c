"""Figures beside published results: exact sums, 28-digit means, a group's average and best half up."""

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import format_decimal
from scoring.figures import (
    BiasOutliers,
    CriterionMean,
    GroupFigures,
    bias_outliers,
    criterion_means,
    group_figures,
    mean,
    total,
)


def d(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


def test_a_mean_is_the_exact_sum_over_one_28_digit_division() -> None:
    assert mean(d("1", "2")) == Decimal("1.5")
    assert mean(d("32.5", "34.0", "36.5")) == Decimal("34.33333333333333333333333333")
    assert mean(d("2", "2", "3")) == Decimal("2.333333333333333333333333333")
    assert mean(d("-1", "1")) == Decimal(0)
    assert mean(iter(d("7.25"))) == Decimal("7.25")


def test_no_values_have_no_mean_and_a_zero_total() -> None:
    assert mean([]) is None
    assert total([]) == Decimal(0)


def test_the_callers_decimal_context_changes_no_figure() -> None:
    with localcontext() as context:
        context.prec = 3
        assert mean(d("32.5", "34.0", "36.5")) == Decimal("34.33333333333333333333333333")
        assert total(d("1234.5", "0.25")) == Decimal("1234.75")
        assert group_figures(d("1.005", "1.005"), 2).average == Decimal("1.01")


def test_a_sheet_total_is_exact() -> None:
    assert total(d("8.5", "9.25", "10")) == Decimal("27.75")
    assert total(iter(d("0.1", "0.2"))) == Decimal("0.3")


@pytest.mark.parametrize(
    ("totals", "places", "average", "best"),
    [
        (["1", "2"], 0, "2", "2"),  # 1.5 -> 2
        (["2", "3"], 0, "3", "3"),  # 2.5 -> 3 (half-even would give 2)
        (["1.005", "1.005"], 2, "1.01", "1.01"),  # half-even would give 1.00
        (["32.5", "34.0", "36.5"], 2, "34.33", "36.50"),
        (["80", "81"], 1, "80.5", "81.0"),
        (["7.125"], 2, "7.13", "7.13"),
        (["90.12", "70.13"], 2, "80.13", "90.12"),  # 80.125 -> 80.13 (half-even would give 80.12)
    ],
)
def test_a_groups_average_and_best_are_rounded_half_up(
    totals: list[str], places: int, average: str, best: str
) -> None:
    figures = group_figures(d(*totals), places)
    assert figures == GroupFigures(count=len(totals), average=Decimal(average), best=Decimal(best))
    assert figures.average is not None
    assert format_decimal(figures.average, places) == average


def test_an_empty_group_has_no_average_and_no_best() -> None:
    assert group_figures([], 2) == GroupFigures(count=0, average=None, best=None)


MARKS = [
    ("P1", "C1", Decimal("8")), ("P1", "C1", Decimal("9")), ("P1", "C2", Decimal("7.5")),
    ("P2", "C1", Decimal("6")), ("P2", "C1", Decimal("7")), ("P2", "C2", Decimal("9")),
    ("P3", "C1", Decimal("10")),  # P3 is not in the group
]


def test_criterion_means_of_a_contestant_and_of_their_group() -> None:
    assert criterion_means(MARKS, ["C1", "C2"], "P1", {"P1", "P2"}) == [
        CriterionMean("C1", own=Decimal("8.5"), group=Decimal("7.5")),  # means 8.5 and 6.5
        CriterionMean("C2", own=Decimal("7.5"), group=Decimal("8.25")),  # means 7.5 and 9
    ]


def test_the_group_mean_is_of_the_members_means_not_of_all_their_marks() -> None:
    marks = [("A", "C1", Decimal("10")), ("B", "C1", Decimal("0")), ("B", "C1", Decimal("0")),
             ("B", "C1", Decimal("1"))]
    # Per member: 10 and 1/3; their mean is 5.1666…, where the mean of all four marks would be 2.75.
    (line,) = criterion_means(marks, ["C1"], "A", ["A", "B"])
    assert line.group == Decimal("5.166666666666666666666666667")
    assert format_decimal(line.group, 2) == "5.17"


@pytest.mark.parametrize(
    ("members", "places", "expected"),
    [
        # Means 31/3 and 26/3 average exactly 9.5; summing their 28-digit roundings gives 9.4999…98.
        ({"A": ["10", "10", "11"], "B": ["8", "9", "9"]}, 0, "10"),
        # Means 16.5, 16/3, 47/6 and 22/3 average exactly 9.25; a 28-digit running sum gave 9.2499….
        ({"A": ["14.5", "18.5", "16.5"], "B": ["2.5", "2.0", "11.5"], "C": ["8.5", "0.0", "15.0"],
          "D": ["0.5", "7.0", "14.5"]}, 1, "9.3"),
    ],
)
def test_a_group_mean_that_is_exactly_a_half_rounds_up(
    members: dict[str, list[str]], places: int, expected: str
) -> None:
    marks = [(member, "C1", Decimal(value)) for member, values in members.items() for value in values]
    (line,) = criterion_means(marks, ["C1"], "A", list(members))
    assert line.group is not None
    assert format_decimal(line.group, places) == expected


def test_criteria_without_marks_and_members_without_marks() -> None:
    assert criterion_means(MARKS, ["C2", "C9"], "P3", ["P1", "P3"]) == [
        CriterionMean("C2", own=None, group=Decimal("7.5")),  # P3 gave no C2: left out of the group mean
        CriterionMean("C9", own=None, group=None),
    ]
    assert criterion_means([], ["C1"], "P1", []) == [CriterionMean("C1", own=None, group=None)]
    assert criterion_means(MARKS, [], "P1", ["P1"]) == []


def test_bias_outliers_are_strictly_above_the_factor_times_the_median() -> None:
    biases = {"J1": Decimal("-1.00"), "J2": Decimal("0.50"), "J3": Decimal("2.01"), "J4": None,
              "J5": Decimal("-0.80")}
    # |bias|: 0.5, 0.8, 1.0, 2.01 -> median (0.8 + 1.0)/2 = 0.9; 2 × 0.9 = 1.8.
    assert bias_outliers(biases, Decimal(2)) == BiasOutliers(Decimal("0.9"), frozenset({"J3"}))
    assert bias_outliers({"J1": Decimal("1"), "J2": Decimal("3")}, Decimal(1)) == BiasOutliers(
        Decimal(2), frozenset({"J2"}))
    # Exactly the factor times the median is not above it.
    assert bias_outliers({"J1": Decimal("1"), "J2": Decimal("1"), "J3": Decimal("-2")},
                         Decimal(2)).judges == frozenset()


def test_without_biases_or_with_a_zero_median_nobody_is_an_outlier() -> None:
    assert bias_outliers({}, Decimal(2)) == BiasOutliers(Decimal(0), frozenset())
    assert bias_outliers({"J1": None}, Decimal(2)) == BiasOutliers(Decimal(0), frozenset())
    assert bias_outliers({"J1": Decimal(0), "J2": Decimal(0), "J3": Decimal(5)},
                         Decimal(2)) == BiasOutliers(Decimal(0), frozenset())
    assert format_decimal(bias_outliers({}, Decimal(2)).median, 2) == "0.00"


DECIMALS = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(DECIMALS, min_size=1, max_size=30), st.integers(0, 3))
def test_the_mean_lies_between_the_least_and_the_greatest_value(values: list[Decimal], places: int) -> None:
    average = mean(values)
    assert average is not None
    assert min(values) <= average <= max(values)
    figures = group_figures(values, places)
    assert figures.average is not None and figures.best is not None
    assert round_down_to(min(values), places) <= figures.average <= figures.best
    assert figures.best == max(values).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_down_to(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR)
