"""The absence form: shape and lengths only (who may record whom is the service's business)."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.panels.models import ABSENCE_REASON_LIMIT


class AbsenceForm(FlaskForm):
    public_number = StringField("参赛人编号", validators=[DataRequired("请选择或输入参赛人编号"),
                                                         Length(max=16, message="编号不超过16个字符")])
    reason = TextAreaField("缺席原因",
                           validators=[DataRequired("请填写缺席原因"),
                                       Length(max=ABSENCE_REASON_LIMIT, message=f"不超过{ABSENCE_REASON_LIMIT}字")],
                           render_kw={"maxlength": ABSENCE_REASON_LIMIT, "rows": 2})


class WithdrawForm(FlaskForm):
    """No fields: the CSRF token only."""
