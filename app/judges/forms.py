"""Judge forms: the PIN typed on a phone, and the hidden judge id of an organizer's action."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, NumberRange, Optional, Regexp

from app.forms import ChineseIntegerField
from app.ids import ID_MAX


def _digits_only(value: str | None) -> str | None:
    return None if value is None else "".join(value.split())


class PinForm(FlaskForm):
    pin = StringField(
        "PIN（登录卡上的 6 位数字）",
        validators=[DataRequired("请输入登录卡上的 6 位 PIN"), Regexp(r"^\d{6}$", message="PIN 为 6 位数字")],
        filters=[_digits_only],
        render_kw={"maxlength": 8, "pattern": "[0-9 ]*"},
    )


class JudgeActionForm(FlaskForm):
    """One judge (judge_id), or for card printing which="missing": every judge without a card."""

    judge_id = ChineseIntegerField(validators=[Optional(), NumberRange(1, ID_MAX, message="请求无效")])
    which = HiddenField(validators=[Optional(), AnyOf(["missing"], message="请求无效")])
