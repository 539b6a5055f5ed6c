"""Forms for recording adjustments, proposing vetoes or their withdrawal and deciding them: shape and lengths only."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app import decimals
from app.contests.forms import REQUIRED
from app.forms import ChineseDecimalField, ChoiceField


class AdjustmentForm(FlaskForm):
    item_id = ChoiceField("加减分项", coerce=int, validators=[InputRequired("请选择加减分项")])
    measure = ChineseDecimalField("数量", rule=decimals.MEASURE, validators=[InputRequired(REQUIRED)],
                                  render_kw={"inputmode": "decimal"})
    note = StringField("备注", validators=[Optional(), Length(max=200, message="不超过200字")])


class VetoForm(FlaskForm):
    # Own ids: the adjustment form on the same page has an item_id too, and a label must name its own field.
    item_id = ChoiceField("一票否决事项", coerce=int, validators=[InputRequired("请选择一票否决事项")], id="veto-item")
    reason = TextAreaField("否决事由", validators=[DataRequired("请填写否决事由"),
                                                  Length(max=300, message="不超过300字")], id="veto-reason")


class VetoWithdrawalForm(FlaskForm):
    reason = TextAreaField("撤销理由", validators=[DataRequired("请填写撤销理由"),
                                                  Length(max=300, message="不超过300字")])


class WithdrawForm(FlaskForm):
    note = StringField("撤销说明", validators=[Optional(), Length(max=200, message="不超过200字")])


class DecisionForm(FlaskForm):
    note = TextAreaField("意见", validators=[Optional(), Length(max=300, message="不超过300字")])
