"""People forms: shape and length only; the row checker (same as the import's) decides the rest."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import ChoiceField

REQUIRED = "请填写此项"


class UploadForm(FlaskForm):
    file = FileField("Excel 文件（.xlsx）", validators=[FileRequired("请选择要上传的 .xlsx 文件")])


class SecretaryFields(FlaskForm):
    name = StringField("书记姓名", validators=[DataRequired(REQUIRED), Length(max=64, message="姓名过长")])
    phone = StringField("手机号", validators=[Optional(), Length(max=20, message="手机号过长")])
    id_number = StringField("身份证号（选填）", validators=[Optional(), Length(max=18, message="身份证号应为 18 位")])
    subgroup = ChoiceField("子组别（选填）", choices=[], validate_choice=False)


class ContestantForm(SecretaryFields):
    group = ChoiceField("组别", choices=[], validate_choice=False)
    place = ChoiceField("县区 · 乡镇", choices=[], validate_choice=False)
    village = StringField("村（乡镇党委书记组不填）", validators=[Optional(), Length(max=32, message="村名过长")])


class JudgeForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired(REQUIRED), Length(max=64, message="姓名过长")])
    phone = StringField("手机号", validators=[Optional(), Length(max=20, message="手机号过长")])
    unit = StringField("单位", validators=[DataRequired(REQUIRED), Length(max=64, message="单位名称过长")])
    field = ChoiceField("领域", choices=[], validate_choice=False)
    home = ChoiceField("所在县区 · 乡镇（用于回避）", choices=[], validate_choice=False)
    id_number = StringField("身份证号（选填）", validators=[Optional(), Length(max=18, message="身份证号应为 18 位")])


class SlipsForm(FlaskForm):
    target = ChoiceField("打印范围", choices=[], validate_choice=False)
