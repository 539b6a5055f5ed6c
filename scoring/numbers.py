"""Decimal arithmetic of the contract: exact sums, 28-digit divisions, half-up rounding to places."""

from __future__ import annotations

import re
from collections.abc import Callable
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

#: The only spelling of a number in the contract's JSON: `-?[0-9]+(\.[0-9]+)?`, ASCII digits.
DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

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


def parse_decimal_text(text: object) -> Decimal | None:
    """The Decimal of a contract number string, or None when `text` is not one."""
    if type(text) is str and DECIMAL_TEXT.fullmatch(text):
        return Decimal(text)
    return None


def decimals_of(value: Decimal) -> int:
    """How many decimals `value` needs (trailing zeros do not count): 1.50 -> 1, 20 -> 0."""
    if not value:
        return 0
    exponent = value.normalize(context=_QUANTIZE).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)
