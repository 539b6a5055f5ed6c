"""Every choice field of every form refuses in Chinese (issue 11: an English "Not a valid choice.")."""

import importlib
import pkgutil

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateTimeField, DecimalField, FloatField, IntegerField
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import AnyOf, EqualTo, Length, NumberRange, Regexp

import app as package
from app.forms import CHOOSE, ChineseChoices, ChoiceField, MultipleChoiceField, RadioChoiceField
from tests.conftest import csrf_from, login
from tests.factories import World


def product_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(package.__path__, "app."):
        importlib.import_module(module.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("app."):
            found.append(cls)
    return found


def test_no_form_uses_a_choice_field_that_answers_in_english() -> None:
    forms = product_forms()
    assert len(forms) >= 30
    english = [f"{form.__module__}.{form.__name__}.{name}" for form in forms for name in dir(form)
               if issubclass(getattr(getattr(form, name), "field_class", object), SelectFieldBase)
               and not issubclass(getattr(form, name).field_class, ChineseChoices)]
    assert english == []


PARSING = (DateTimeField, DecimalField, FloatField, IntegerField)  # DateField and TimeField are DateTimeFields
WORDY = (AnyOf, EqualTo, Length, NumberRange, Regexp)  # validators whose default message is English


def test_every_parsing_field_and_bounded_validator_speaks_chinese() -> None:
    english = []
    for form in product_forms():
        for name in dir(form):
            unbound = getattr(form, name)
            field_class = getattr(unbound, "field_class", None)
            if field_class is None:
                continue
            if issubclass(field_class, PARSING) and not field_class.__module__.startswith("app."):
                english.append(f"{form.__name__}.{name}: {field_class.__name__}")
            english += [f"{form.__name__}.{name}: {type(v).__name__}" for v in unbound.kwargs.get("validators") or []
                        if isinstance(v, WORDY) and not v.message]
    assert english == []


@pytest.mark.parametrize(("field", "posted"), [
    (ChoiceField("x", choices=[("a", "甲")]), ["b"]),
    (ChoiceField("x", coerce=int, choices=[(1, "甲")]), ["abc"]),
    (MultipleChoiceField("x", choices=[("a", "甲")]), ["a", "b"]),
    (MultipleChoiceField("x", coerce=int, choices=[(1, "甲")]), ["1", "abc"]),
    (RadioChoiceField("x", choices=[("a", "甲")]), ["b"]),
])
def test_each_choice_field_refuses_in_chinese(ctx: Flask, field: object, posted: list[str]) -> None:
    class Probe(FlaskForm):
        class Meta:
            csrf = False

    Probe.x = field  # type: ignore[attr-defined]
    with ctx.test_request_context(method="POST"):
        form = Probe(formdata=MultiDict([("x", value) for value in posted]))
        assert form.validate() is False
        assert form.x.errors == [CHOOSE]  # type: ignore[attr-defined]


def test_a_county_organizer_forcing_another_county_reads_chinese(client: Flask, world: World) -> None:
    token = login(client, "pdorg")  # type: ignore[arg-type]
    csrf_from(client.get("/organize/accounts/new").get_data(as_text=True))  # type: ignore[attr-defined]
    html = client.post("/organize/accounts/new", data={  # type: ignore[attr-defined]
        "display_name": "录入员", "username": "clerk9", "role": "clerk", "county_id": str(world.yuxian.id),
        "csrf_token": token}).get_data(as_text=True)
    assert CHOOSE in html and "Not a valid choice" not in html
