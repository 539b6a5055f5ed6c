"""Roundings and spellings of numbers: half up to places, 28-digit divisions, no "-0.00"."""

from decimal import Decimal, localcontext

import pytest

from scoring import format_decimal, round_half_up
from scoring.numbers import DecimalRefused, DecimalRule, decimals_of, divide, read_decimal, square_root


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("7.125", 2, "7.13"),
        ("7.1249999999", 2, "7.12"),
        ("7.135", 2, "7.14"),
        ("-7.125", 2, "-7.13"),
        ("0.005", 2, "0.01"),
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),
        ("87", 2, "87.00"),
        ("0.00000000015", 10, "0.0000000002"),
    ],
)
def test_round_half_up_rounds_ties_away_from_zero(value: str, places: int, expected: str) -> None:
    assert round_half_up(Decimal(value), places) == Decimal(expected)
    assert format_decimal(Decimal(value), places) == expected


@pytest.mark.parametrize(("value", "places"), [("-0.001", 2), ("-0", 2), ("-0.4", 0), ("0", 3)])
def test_a_figure_that_rounds_to_zero_is_written_without_a_sign(value: str, places: int) -> None:
    assert format_decimal(Decimal(value), places) == "0" + ("." + "0" * places if places else "")


def test_format_decimal_never_uses_an_exponent() -> None:
    assert format_decimal(Decimal("1E-10"), 10) == "0.0000000001"
    assert format_decimal(Decimal("1E+5"), 2) == "100000.00"


def test_a_division_is_rounded_to_28_significant_digits_half_even() -> None:
    assert divide(1, 3) == Decimal("0.3333333333333333333333333333")
    assert divide(2, 3) == Decimal("0.6666666666666666666666666667")
    assert square_root(Decimal(2)) == Decimal("1.414213562373095048801688724")


def test_the_callers_decimal_context_changes_nothing() -> None:
    with localcontext() as context:
        context.prec = 3
        assert divide(1, 3) == Decimal("0.3333333333333333333333333333")
        assert format_decimal(Decimal("123456.785"), 2) == "123456.79"


@pytest.mark.parametrize(("value", "count"), [("1.50", 1), ("20", 0), ("0.001", 3), ("-1.5", 1)])
def test_decimals_of_counts_the_decimals_a_value_needs(value: str, count: int) -> None:
    assert decimals_of(Decimal(value)) == count


MARK_RULE = DecimalRule(digits=8, places=4, typed=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("18.5", "18.5"), ("20", "20"), ("18.", "18"), (".5", "0.5"), ("-1.25", "-1.25"), ("00000018.5000", "18.5000"),
])
def test_read_decimal_keeps_the_exact_value_typed(text: str, expected: str) -> None:
    value = read_decimal(text, MARK_RULE)
    assert (str(value), value.as_tuple()) == (expected, Decimal(expected).as_tuple())


@pytest.mark.parametrize(("text", "flaw"), [
    ("9.49999999999999999999999999999", "places"),  # 28-digit arithmetic would make it 9.5
    ("9.50000", "places"),
    ("123456789", "digits"),
    ("1" * 100_000, "digits"),
    ("0." + "0" * 100_000, "places"),
    ("1" * 100_000 + "x", "format"),
    ("1e1", "format"), ("NaN", "format"), ("Infinity", "format"), ("１５", "format"), ("1_0", "format"),
    (" 1", "format"), ("+1", "format"), (".", "format"), ("", "format"), ("1.2.3", "format"), (15, "format"),
])
def test_read_decimal_refuses_by_spelling_and_digits_before_any_arithmetic(text: object, flaw: str) -> None:
    with pytest.raises(DecimalRefused) as refused:
        read_decimal(text, MARK_RULE)
    assert refused.value.flaw == flaw


def test_a_negative_number_is_refused_only_where_the_rule_says_so() -> None:
    assert read_decimal("-0", DecimalRule(digits=2, places=0, negative=False)) == 0
    with pytest.raises(DecimalRefused) as refused:
        read_decimal("-1", DecimalRule(digits=2, places=0, negative=False))
    assert refused.value.flaw == "negative"


def test_the_contract_spelling_takes_no_typed_shortcuts_and_is_bounded() -> None:
    assert read_decimal("123456789012345678901234567890.5") == Decimal("123456789012345678901234567890.5")
    for text in ("18.", ".5", "1" * 65):
        with pytest.raises(DecimalRefused):
            read_decimal(text)
