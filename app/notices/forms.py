"""Objection forms (public and staff), the 复核 and finalize forms, 公示 settings: shape and lengths only."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from app.errors import DomainError
from app.forms import ChineseIntegerField, ChoiceField, RadioChoiceField
from app.notices import settings as rules
from app.notices.phones import PHONE_ERROR, normalise_phone
from app.notices.services import CHANNELS, MAX_CONTENT, PHONE_REQUIRED


def phone_number(form: Any, field: Field) -> None:
    """Checked here as well as in the service, so the message stands next to the field and nothing typed is lost."""
    if field.data and field.data.strip() and normalise_phone(field.data) is None:
        raise ValidationError(PHONE_ERROR)


def listed(form: Any, field: Field) -> None:
    """One of the notice's contestants; WTForms' own choice check would answer in English."""
    if field.data and field.data not in {value for value, _label in field.choices or [] if value}:
        raise ValidationError("所涉参赛人不在本公示名单中，请从列表中选择")


def one_line_break(value: str | None) -> str | None:
    return value.replace("\r\n", "\n") if value else value


class ObjectionForm(FlaskForm):  # type: ignore[misc]
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=50, message="姓名不超过 50 字")])
    phone = StringField("联系电话（手机或固定电话）", validators=[DataRequired(PHONE_REQUIRED["web"]),
                                                      Length(max=20, message=PHONE_ERROR), phone_number])
    public_number = ChoiceField("所涉参赛人", validate_choice=False,
                                validators=[DataRequired("请选择所涉参赛人"), listed])
    # A browser sends a line break as CRLF but counts it as one character against maxlength: count it as one.
    content = TextAreaField("异议内容", render_kw={"rows": 6, "maxlength": MAX_CONTENT}, filters=[one_line_break],
                            validators=[DataRequired("请填写异议内容"),
                                        Length(max=MAX_CONTENT, message=f"异议内容不超过 {MAX_CONTENT} 字")])
    website = StringField("网站（请勿填写）")  # honeypot: hidden from people, filled by bots


class StaffObjectionForm(ObjectionForm):
    channel = ChoiceField("来源", choices=[(k, v) for k, v in CHANNELS.items() if k != "web"])
    phone = StringField("联系电话", validators=[Length(max=20, message=PHONE_ERROR), phone_number])

    def validate_phone(self, field: Field) -> None:
        """Required for a call only: a letter or a visit may leave no number."""
        if not (field.data or "").strip() and self.channel.data in PHONE_REQUIRED:
            raise ValidationError(PHONE_REQUIRED[self.channel.data])


class ReviewForm(FlaskForm):  # type: ignore[misc]
    outcome = RadioChoiceField("复核结论", choices=[("maintained", "维持原结果"), ("corrected", "更正")],
                         validators=[DataRequired("请选择复核结论")])
    answer = TextAreaField("书面答复", render_kw={"rows": 5, "maxlength": MAX_CONTENT}, validators=[
        DataRequired("请填写书面答复"), Length(min=5, max=MAX_CONTENT, message=f"书面答复 5 至 {MAX_CONTENT} 字")])


class FinalizeForm(FlaskForm):  # type: ignore[misc]
    confirm_over_quota = BooleanField("已确认超出名额的奖项")


def contact_length(form: Any, field: Field) -> None:
    """Counted as stored: a browser's CRLF line break is one character, trailing blanks are dropped."""
    try:
        rules.clean_contact(field.data or "")
    except DomainError as error:
        raise ValidationError(error.message) from error


def _contact_field() -> TextAreaField:
    return TextAreaField("联系方式（电话、来信地址、受理时间）", validators=[contact_length],
                         render_kw={"rows": 4, "maxlength": rules.MAX_CONTACT})


PERIOD = [InputRequired(rules.PERIOD_ERROR), NumberRange(rules.MIN_DAYS, rules.MAX_DAYS, rules.PERIOD_ERROR)]
ISSUING_BODY = [DataRequired(rules.ISSUING_BODY_ERROR), Length(max=rules.MAX_ISSUING_BODY,
                                                                message=rules.ISSUING_BODY_ERROR)]


class NoticeSettingsForm(FlaskForm):  # type: ignore[misc]
    period_days = ChineseIntegerField("公示期（工作日）", validators=PERIOD,
                                      render_kw={"min": rules.MIN_DAYS, "max": rules.MAX_DAYS})
    contact = _contact_field()
    issuing_body = StringField("发布单位", validators=ISSUING_BODY, render_kw={"maxlength": rules.MAX_ISSUING_BODY})


class ContactForm(FlaskForm):  # type: ignore[misc]
    contact = _contact_field()
