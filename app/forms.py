"""The fields of every form of the product: a refused or malformed value reads in Chinese.

WTForms' own choice, number, date and time fields answer in English ("Not a valid choice."); no form uses them
directly (tests/web/test_choice_fields.py walks every form)."""

import re
from typing import Any

from wtforms import DateField, DecimalField, IntegerField, RadioField, SelectField, SelectMultipleField, TimeField
from wtforms.validators import ValidationError

from app import decimals
from scoring.numbers import DecimalRule

CHOOSE = "请从列表中选择"
WHOLE = "请填写整数"
WHOLE_TEXT = re.compile(r"-?[0-9]{1,12}")


class ChineseChoices:
    """Mixin: the parse (coerce) and choice refusals of a WTForms choice field, in Chinese."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(CHOOSE) from error

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # type: ignore[attr-defined]
            return  # already refused while parsing: say it once
        try:
            super().pre_validate(form)  # type: ignore[misc]
        except ValidationError as error:
            raise ValidationError(CHOOSE) from error


class ChoiceField(ChineseChoices, SelectField):
    """A select whose refusals read in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type = "SelectField"  # rendered as a select by the form macros


class MultipleChoiceField(ChineseChoices, SelectMultipleField):
    """A multiple select whose refusals read in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type = "SelectMultipleField"


class RadioChoiceField(ChineseChoices, RadioField):
    """Radio buttons whose refusals read in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type = "RadioField"


class ChineseParse:
    """Mixin: a field whose parse error reads as its `refusal`, in Chinese."""

    refusal = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(self.refusal) from error


class ChineseTimeField(ChineseParse, TimeField):
    refusal = "请填写有效时间，如 09:00"


class ChineseDateField(ChineseParse, DateField):
    refusal = "请填写有效日期，如 2023-03-15"


class ChineseDecimalField(DecimalField):
    """A decimal field read by the product's one parser under `rule` (points by default): its spelling and
    digits are checked before the value exists, so nothing is rounded; the refusal reads in Chinese."""

    def __init__(self, *args: Any, rule: DecimalRule = decimals.POINTS, what: str = "", **kwargs: Any) -> None:
        super().__init__(*args, places=None, **kwargs)
        self.rule, self.what = rule, what

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None  # also when refused: never a value the parser did not accept
        if valuelist and str(valuelist[0]).strip():
            self.data = decimals.parse(str(valuelist[0]), self.rule, self.what)


class ChineseIntegerField(ChineseParse, IntegerField):
    """An integer field spelt in ASCII digits (an optional minus, at most 12 digits), its refusal in Chinese: int()
    alone would also read full-width digits, a plus sign, underscores and thousands of digits."""

    refusal = WHOLE

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and str(valuelist[0]).strip() and not WHOLE_TEXT.fullmatch(str(valuelist[0]).strip()):
            raise ValueError(WHOLE)  # the field keeps its default, and the form does not validate
        super().process_formdata(valuelist)
