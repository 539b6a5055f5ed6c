"""Decimal arithmetic of the contract: exact sums, 28-digit divisions, half-up rounding to places."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_CEILING,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from functools import wraps
from typing import ParamSpec, TypeVar

#: The only spelling of a number in the contract's JSON: `-?[0-9]+(\.[0-9]+)?`, ASCII digits
#: (groups: sign, whole part, fraction).
CONTRACT_TEXT = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
#: What a person may type in a form: the same, also "18." and ".5".
TYPED_TEXT = re.compile(r"(-?)([0-9]+\.?|[0-9]*\.(?=[0-9]))([0-9]*)")
_DIGITS = re.compile(r"[0-9]*")

#: Sums, differences and products: exact. Inexact is trapped so that a stray `/` or an
#: unrounded square root fails loudly instead of silently using another precision.
EXACT = Context(
    prec=MAX_PREC,
    rounding=ROUND_HALF_EVEN,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)

#: Each division and square root: 28 significant digits, half-even (the `decimal` default).
DIVISION = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

_QUANTIZE = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation, Overflow])
_UNITS = tuple(Decimal((0, (1,), -places)) for places in range(11))
ZERO = Decimal(0)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def exact(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `function` with exact sums and products, whatever the caller's decimal context."""

    @wraps(function)
    def in_exact_context(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(EXACT):
            return function(*args, **kwargs)

    return in_exact_context


def divide(dividend: Decimal | int, divisor: Decimal | int) -> Decimal:
    """A division of the contract: rounded to 28 significant digits, half-even."""
    return DIVISION.divide(Decimal(dividend), Decimal(divisor))


def square_root(value: Decimal) -> Decimal:
    """A square root of the contract: rounded to 28 significant digits, half-even."""
    return DIVISION.sqrt(value)


def unit(places: int) -> Decimal:
    """`1` in the last of `places` decimals: `unit(2) == Decimal("0.01")`."""
    return _UNITS[places] if 0 <= places <= 10 else Decimal((0, (1,), -places))


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round to `places` decimals, half up (四舍五入): 7.125 -> 7.13, -7.125 -> -7.13."""
    return value.quantize(unit(places), rounding=ROUND_HALF_UP, context=_QUANTIZE)


def format_decimal(value: Decimal, places: int) -> str:
    """The output spelling: exactly `places` decimals, half up, never `-0.00`."""
    rounded = round_half_up(value, places)
    if not rounded:
        rounded = rounded.copy_abs()
    return f"{rounded:f}"


def format_money(value: Decimal) -> str:
    """Money is written with 2 decimals."""
    return format_decimal(value, 2)


def ceiling(value: Decimal) -> int:
    """The smallest integer not below `value`."""
    return int(value.to_integral_value(rounding=ROUND_CEILING, context=_QUANTIZE))


@dataclass(frozen=True)
class DecimalRule:
    """How a decimal may be written: at most `digits` digits before the point (leading zeros aside),
    at most `places` after it (as written: "9.50" has 2), a minus sign only if `negative`."""

    digits: int
    places: int
    negative: bool = True
    typed: bool = False  # a person's spelling ("18.", ".5"), not only the contract's

    @property
    def longest(self) -> int:
        """No text longer than this can pass (a sign, a point and a few leading zeros aside)."""
        return self.digits + self.places + 12


#: What the scoring contract accepts for any decimal (docs/SCORING.md, Numbers).
CONTRACT = DecimalRule(digits=64, places=64)


class DecimalRefused(ValueError):
    """Why a text is not a decimal under a rule: `flaw` is "format", "digits", "places" or "negative"."""

    def __init__(self, flaw: str, rule: DecimalRule) -> None:
        super().__init__(flaw)
        self.flaw = flaw
        self.rule = rule


def read_decimal(text: object, rule: DecimalRule = CONTRACT) -> Decimal:
    """The exact Decimal of `text`, judged by its spelling and its count of digits before any arithmetic,
    so that nothing is rounded on the way in (a 29-decimal mark must not become its 28-digit neighbour).
    Raise DecimalRefused otherwise. The one parser of every number the product accepts."""
    if type(text) is not str:
        raise DecimalRefused("format", rule)
    pattern = TYPED_TEXT if rule.typed else CONTRACT_TEXT
    if len(text) > rule.longest:  # bounded work: never hand a megabyte of digits to Decimal
        head = text[:rule.longest]  # spelling checked on a bounded head (the patterns backtrack), then the tail
        if pattern.fullmatch(head) is None or not _DIGITS.fullmatch(text, rule.longest):
            raise DecimalRefused("format", rule)
        whole = head.partition(".")[0].lstrip("-").lstrip("0")
        raise DecimalRefused("places" if "." in head and len(whole) <= rule.digits else "digits", rule)
    match = pattern.fullmatch(text)
    if match is None:
        raise DecimalRefused("format", rule)
    sign, whole, fraction = match.group(1), match.group(2).rstrip("."), match.group(3) or ""
    if len(whole.lstrip("0")) > rule.digits:
        raise DecimalRefused("digits", rule)
    if len(fraction) > rule.places:
        raise DecimalRefused("places", rule)
    value = Decimal(sign + (whole or "0") + ("." + fraction if fraction else ""))
    if sign and not rule.negative and value:
        raise DecimalRefused("negative", rule)
    return value


def decimals_of(value: Decimal) -> int:
    """How many decimals `value` needs (trailing zeros do not count): 1.50 -> 1, 20 -> 0."""
    if not value:
        return 0
    exponent = value.normalize(context=_QUANTIZE).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)
