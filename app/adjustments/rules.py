"""The points of an adjustment item for a measure: whole units (a part unit counts as one) times points, capped."""

from decimal import ROUND_CEILING, Decimal


def units_of(measure: Decimal, unit_size: Decimal) -> int:
    """不足一个单位按一个单位计: 1 s of a 30 s unit is one unit, 31 s are two."""
    return int((measure / unit_size).to_integral_value(rounding=ROUND_CEILING))


def points_for(measure: Decimal, unit_size: Decimal, points_per_unit: Decimal, cap: Decimal) -> Decimal:
    """Signed points (as points_per_unit's sign), never beyond the cap's magnitude."""
    raw = units_of(measure, unit_size) * points_per_unit
    if abs(raw) > cap:
        return cap if raw > 0 else -cap
    return raw


def fits_places(value: Decimal, places: int) -> bool:
    """Whether a figure is exact with the contest's number of decimals."""
    return value == value.quantize(Decimal(1).scaleb(-places))


def scoring_text(value: Decimal, places: int) -> str:
    """A figure as SCORING.md writes it: exactly `places` decimals, no sign on zero."""
    text = str(value.quantize(Decimal(1).scaleb(-places)))
    return text[1:] if text.startswith("-") and Decimal(text) == 0 else text
