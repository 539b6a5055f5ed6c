"""The judge fields (领域), listed once (app/judge_fields.py): the pool, the draw and the draw form read the list."""

from flask import Flask

from app.judge_fields import JUDGE_FIELDS
from app.panels.forms import DrawForm


def test_the_fields_are_the_five_of_the_city_in_order() -> None:
    assert list(JUDGE_FIELDS.items()) == [("organization", "组织"), ("agriculture", "农业"), ("finance", "财政金融"),
                                          ("tourism", "文化旅游"), ("grassroots", "基层党建")]


def test_the_draw_form_asks_one_minimum_per_field_after_the_size(app: Flask) -> None:
    with app.test_request_context():
        form = DrawForm(prefix="draw", meta={"csrf": False})
    names = [f.name for f in form]
    assert names[names.index("draw-size"):] == ["draw-size", "draw-min_organization", "draw-min_agriculture",
                                                "draw-min_finance", "draw-min_tourism", "draw-min_grassroots"]
    assert [form[f"min_{code}"].label.text for code in JUDGE_FIELDS] == [
        "组织领域至少", "农业领域至少", "财政金融领域至少", "文化旅游领域至少", "基层党建领域至少"]
