"""The decimals people type (marks, points, weights, money, thresholds), each read by scoring's one parser.

The rules bound the spelling and the digits to what the column stores; a sign is left to the service, which
says in its own words which values its quantity takes."""

from decimal import Decimal

from scoring.numbers import DecimalRefused, DecimalRule, read_decimal

#: Marks and every number of points (criterion bounds and steps, adjustment rules, thresholds): Numeric(12, 4).
POINTS = DecimalRule(digits=8, places=4, typed=True)
#: A round weight, a percentage stored in Numeric(8, 4).
WEIGHT = DecimalRule(digits=3, places=4, typed=True)
#: A percentage stored as a fraction in Numeric(6, 4): two decimals of a percent are four of the fraction.
PERCENT = DecimalRule(digits=3, places=2, typed=True)
#: An award band's count, share or minimum total (stored as text of at most 16 characters).
BAND = DecimalRule(digits=8, places=4, typed=True)
#: Money in yuan, Numeric(14, 2).
YUAN = DecimalRule(digits=12, places=2, typed=True)
#: An adjustment's measure (seconds, items, yuan...): below 1e8 with at most 4 decimals (the service says
#: which sign and size its item takes).
MEASURE = DecimalRule(digits=9, places=4, typed=True)


def refusal(refused: DecimalRefused) -> str:
    """What is wrong with a typed number, in Chinese."""
    rule = refused.rule
    if refused.flaw == "digits":
        return f"数值过大：整数部分最多 {rule.digits} 位"
    if refused.flaw == "places":
        return f"最多保留 {rule.places} 位小数"
    if refused.flaw == "negative":
        return "不能为负数"
    return "请填写数字（如 18.5）"


class NumberRefused(ValueError):
    """A typed number refused: the message in Chinese, `misspelt` when it is not a number at all."""

    def __init__(self, message: str, misspelt: bool) -> None:
        super().__init__(message)
        self.misspelt = misspelt


def parse(text: str, rule: DecimalRule, what: str = "") -> Decimal:
    """The exact value of what was typed (surrounding spaces aside); NumberRefused otherwise, its message
    naming `what` was typed when the number is readable but too long."""
    try:
        return read_decimal(text.strip(), rule)
    except DecimalRefused as refused:
        misspelt = refused.flaw == "format"
        raise NumberRefused(refusal(refused) if misspelt else what + refusal(refused), misspelt) from None


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros: 30, 0.5, 12.25."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"
