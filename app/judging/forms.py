"""Forms of the judge's phone: the comment and PIN; marks are read per criterion by the view."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class ReasonForm(FlaskForm):
    reason = StringField("理由", validators=[DataRequired("请填写理由"), Length(max=200, message="理由过长")])


class ReportForm(FlaskForm):
    message = TextAreaField("遇到的问题",
                            validators=[DataRequired("请填写问题"), Length(max=300, message="不超过300字")])
