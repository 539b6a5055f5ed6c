"""Forms for panels, recusals and sessions: shape and ranges only."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import ChineseDateField, ChineseIntegerField, ChineseTimeField, ChoiceField, MultipleChoiceField
from app.judge_fields import JUDGE_FIELDS

REQUIRED = "请填写此项"
FIELD_MINIMUM = [Optional(), NumberRange(0, 60, "须在 0–60 之间")]


class PanelForm(FlaskForm):
    name = StringField("评委组名称", validators=[DataRequired(REQUIRED), Length(max=64, message="名称过长")])
    group_id = ChoiceField("组别", coerce=int)
    session_id = ChoiceField("场次（可选）", coerce=int)
    county_id = ChoiceField("县区（现场观摩小组，可选）", coerce=int)
    recusal_scope = ChoiceField("回避范围", choices=[("county", "同县区回避"), ("township", "同乡镇回避")])


class DrawForm(PanelForm):
    size = ChineseIntegerField("评委人数",
                               validators=[DataRequired(REQUIRED), NumberRange(1, 60, "评委人数须在 1–60 之间")])


# One minimum per judge field (min_organization, …), in the list's order, after the size.
for _field, _label in JUDGE_FIELDS.items():
    setattr(DrawForm, f"min_{_field}", ChineseIntegerField(f"{_label}领域至少", default=0, validators=FIELD_MINIMUM))


class ManualPanelForm(PanelForm):
    judge_ids = MultipleChoiceField("评委（按座次顺序选择）", coerce=int,
                                    validators=[DataRequired("请至少选择一位评委")])


class RecusalForm(FlaskForm):
    judge_id = ChoiceField("评委", coerce=int)
    public_number = StringField("参赛编号（如 V001）",
                                validators=[DataRequired(REQUIRED), Length(max=16, message="参赛编号过长")])
    reason = StringField("回避理由", validators=[DataRequired(REQUIRED), Length(max=200, message="理由过长")])


class SessionForm(FlaskForm):
    name = StringField("场次名称", validators=[DataRequired(REQUIRED), Length(max=64, message="名称过长")])
    group_id = ChoiceField("组别", coerce=int)
    held_on = ChineseDateField("日期", validators=[DataRequired("请填写有效日期")])
    starts_at = ChineseTimeField("开始时间", validators=[DataRequired("请填写有效时间")])
    venue = StringField("地点", validators=[Optional(), Length(max=120, message="地点过长")])
    slot_minutes = ChineseIntegerField("每人时长（分钟）", default=8,
                                validators=[DataRequired(REQUIRED), NumberRange(1, 240, "时长须在 1–240 分钟之间")])
