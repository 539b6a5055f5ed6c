"""Choice fields for every form of the product: a refused or malformed choice reads in Chinese.

WTForms' own SelectField, SelectMultipleField and RadioField answer "Not a valid choice." in English; no form
uses them directly (tests/web/test_choice_fields.py walks every form)."""

from typing import Any

from wtforms import RadioField, SelectField, SelectMultipleField, TimeField
from wtforms.validators import ValidationError

CHOOSE = "请从列表中选择"


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


class ChineseTimeField(TimeField):
    """A time field whose parse error reads in Chinese."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("请填写有效时间，如 09:00") from error
