"""Contest configuration forms: shape, lengths and number formats only; the services decide the rules."""

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import DecimalField, Field, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app import decimals
from app.contests.models import CONTEST_STATUSES, PANEL_METHODS, ROUND_MODES
from app.contests.rounds import ADJUSTMENT_KINDS, NORMALIZE
from app.contests.services import ABSENT_ROUND, RANKING
from app.forms import WHOLE, ChineseDateField, ChineseDecimalField, ChineseIntegerField, ChoiceField

REQUIRED = "请填写此项"


def points(label: str, required: bool = True) -> DecimalField:
    first = InputRequired(REQUIRED) if required else Optional()
    return ChineseDecimalField(label, validators=[first], render_kw={"inputmode": "decimal"})


def whole(label: str, low: int, high: int) -> IntegerField:
    limits = NumberRange(low, high, f"须在 {low}–{high} 之间")
    return ChineseIntegerField(label, validators=[InputRequired(WHOLE), limits], render_kw={"inputmode": "numeric"})


def name_field(label: str, limit: int) -> StringField:
    return StringField(label, validators=[DataRequired(REQUIRED), Length(max=limit, message=f"不能超过 {limit} 个字")])


class NewContestForm(FlaskForm):
    year = whole("年度", 2000, 2100)
    name = name_field("比武名称", 120)


class CopyContestForm(NewContestForm):
    source_id = ChoiceField("复制哪一届", coerce=int, choices=[])


class SettingsForm(FlaskForm):
    name = name_field("比武名称", 120)
    year = whole("年度", 2000, 2100)
    status = ChoiceField("状态", choices=list(CONTEST_STATUSES.items()))
    places = whole("保留小数位数", 0, 10)
    absent_round = ChoiceField("缺席某一轮时", choices=list(ABSENT_ROUND.items()))
    ranking = ChoiceField("并列名次", choices=list(RANKING.items()))
    tie_1 = ChoiceField("第一比较", choices=[])
    tie_2 = ChoiceField("第二比较", choices=[])
    tie_3 = ChoiceField("第三比较", choices=[])

    def set_rounds(self, rounds: list[tuple[str, str]]) -> None:
        for field in (self.tie_1, self.tie_2, self.tie_3):
            field.choices = [("", "（不再比较）")] + rounds

    def tie_break(self) -> list[str]:
        return [f.data for f in (self.tie_1, self.tie_2, self.tie_3) if f.data]


class GroupForm(FlaskForm):
    name = name_field("组别名称", 64)
    parent_id = ChoiceField("上级组别", choices=[], coerce=str, validators=[Optional()])


class RenameForm(FlaskForm):
    name = name_field("名称", 64)


class RoundForm(FlaskForm):
    name = name_field("轮次名称", 64)
    mode = ChoiceField("评比方式", choices=list(ROUND_MODES.items()))
    starts_on = ChineseDateField("开始日期", validators=[Optional()])
    ends_on = ChineseDateField("结束日期", validators=[Optional()])
    venue = StringField("地点", validators=[Optional(), Length(max=120, message="不能超过 120 个字")])
    panel_method = ChoiceField("计分方法", choices=list(PANEL_METHODS.items()))
    trim = whole("高、低分各去掉", 0, 10)
    trim_from = whole("满几位才去掉", 1, 99)
    min_judges = whole("最少评委数", 0, 99)
    normalize = ChoiceField("标准化", choices=list(NORMALIZE.items()))
    deviation_kind = ChoiceField("偏离提示阈值", choices=[("", "不提示"), ("points", "按分数"),
                                                           ("share", "按满分的百分比")])
    deviation_value = points("阈值（分或 %）", required=False)

    def validate_deviation_value(self, field: Field) -> None:
        """A percentage is stored as a fraction with 4 decimals: a percent may carry 2."""
        if self.deviation_kind.data == "share" and isinstance(field.data, Decimal):
            decimals.parse(f"{field.data:f}", decimals.PERCENT)

    def deviation(self) -> tuple[Decimal | None, Decimal | None]:
        """(points, share): the share is entered as a percentage and stored as a fraction."""
        value = self.deviation_value.data
        if not self.deviation_kind.data or value is None:
            return None, None
        if self.deviation_kind.data == "points":
            return value, None
        return None, value / 100


class CriterionForm(FlaskForm):
    name = name_field("评分指标", 64)
    guidance = TextAreaField("评分要点", validators=[Optional(), Length(max=2000, message="不能超过 2000 个字")])
    min_points = points("最低分")
    max_points = points("满分")
    step = points("步长")


class AdjustmentForm(FlaskForm):
    name = name_field("名称", 64)
    kind = ChoiceField("类型", choices=list(ADJUSTMENT_KINDS.items()))
    unit_size = points("每多少")
    unit_label = name_field("单位", 16)
    points_per_unit = points("加（扣）分值")
    cap = points("最多加（扣）分")
    rule_text = StringField("规则说明", validators=[Optional(), Length(max=200, message="不能超过 200 个字")])


class VetoForm(FlaskForm):
    name = name_field("否决事项", 64)
    description = TextAreaField("说明", validators=[Optional(), Length(max=2000, message="不能超过 2000 个字")])
