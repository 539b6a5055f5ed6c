"""The deviation flag at entry: strictly further than the threshold from the others' median."""

from decimal import Decimal

import pytest

from scoring import deviation_flag, median


def flag(total: str, others: list[str], **thresholds: str) -> bool:
    return deviation_flag(Decimal(total), [Decimal(o) for o in others],
                          **{key: Decimal(value) for key, value in thresholds.items()})


@pytest.mark.parametrize(
    ("total", "others", "points", "expected"),
    [
        ("95", ["80", "82", "84"], "10", True),  # median 82, 13 away
        ("92", ["80", "82", "84"], "10", False),  # exactly 10 away: not strictly further
        ("92.01", ["80", "82", "84"], "10", True),
        ("70", ["80", "82", "84"], "10", True),  # below counts as well
        ("95", ["80", "84"], "10", True),  # even count: median (80 + 84)/2 = 82
        ("93", ["80", "84", "82", "86"], "10", False),  # median (82 + 84)/2 = 83, exactly 10
        ("99", ["80"], "1", False),  # fewer than 2 other sheets: no flag
        ("99", [], "1", False),
    ],
)
def test_threshold_in_points(total: str, others: list[str], points: str, expected: bool) -> None:
    assert flag(total, others, threshold_points=points) is expected


def test_threshold_as_a_share_of_the_sheet_maximum() -> None:
    # 10% of a 100-point sheet is 10 points.
    assert flag("93", ["80", "82", "84"], threshold_share="0.1", sheet_max="100") is True
    assert flag("92", ["80", "82", "84"], threshold_share="0.1", sheet_max="100") is False
    assert flag("92", ["80", "82", "84"], threshold_share="0.1", sheet_max="50") is True


def test_with_both_thresholds_the_stricter_applies() -> None:
    assert flag("88", ["80", "82", "84"], threshold_points="10", threshold_share="0.05",
                sheet_max="100") is True


def test_a_threshold_is_required() -> None:
    with pytest.raises(ValueError, match="threshold"):
        deviation_flag(Decimal(1), [Decimal(1), Decimal(2)])
    with pytest.raises(ValueError, match="sheet_max"):
        deviation_flag(Decimal(1), [Decimal(1), Decimal(2)], threshold_share=Decimal("0.1"))


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_ones() -> None:
    assert median([Decimal(4), Decimal(1), Decimal(3), Decimal(2)]) == Decimal("2.5")
    assert median([Decimal(4), Decimal(1), Decimal(3)]) == Decimal(3)
