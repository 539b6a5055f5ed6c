"""Objection forms (public and staff) and the 复核 and finalize forms: shape and lengths only."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.notices.services import CHANNELS, MAX_CONTENT


class ObjectionForm(FlaskForm):  # type: ignore[misc]
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=50, message="姓名不超过 50 字")])
    phone = StringField("手机号码", validators=[DataRequired("请填写手机号码"), Length(max=20)])
    public_number = SelectField("所涉参赛人", validators=[DataRequired("请选择所涉参赛人")])
    content = TextAreaField("异议内容", render_kw={"rows": 6, "maxlength": MAX_CONTENT}, validators=[
        DataRequired("请填写异议内容"), Length(max=MAX_CONTENT, message=f"异议内容不超过 {MAX_CONTENT} 字")])
    website = StringField("网站（请勿填写）")  # honeypot: hidden from people, filled by bots


class StaffObjectionForm(ObjectionForm):
    channel = SelectField("来源", choices=[(k, v) for k, v in CHANNELS.items() if k != "web"])


class ReviewForm(FlaskForm):  # type: ignore[misc]
    outcome = RadioField("复核结论", choices=[("maintained", "维持原结果"), ("corrected", "更正")],
                         validators=[DataRequired("请选择复核结论")])
    answer = TextAreaField("书面答复", render_kw={"rows": 5, "maxlength": MAX_CONTENT}, validators=[
        DataRequired("请填写书面答复"), Length(min=5, max=MAX_CONTENT, message=f"书面答复 5 至 {MAX_CONTENT} 字")])


class FinalizeForm(FlaskForm):  # type: ignore[misc]
    confirm_over_quota = BooleanField("已确认超出名额的奖项")
