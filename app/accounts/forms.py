"""Account forms: shape and length only; the services decide what is allowed."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from app.forms import ChoiceField

REQUIRED = "请填写此项"


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), Length(max=64, message="用户名过长")])
    password = PasswordField(
        "密码或激活码", validators=[DataRequired(REQUIRED), Length(max=128, message="密码过长")]
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField("当前密码或激活码",
                            validators=[DataRequired(REQUIRED), Length(max=128, message="密码过长")])
    new = PasswordField(
        "新密码",
        validators=[
            DataRequired(REQUIRED),
            Length(min=8, max=128, message="新密码长度应为 8–128 位"),
            Regexp(r"^(?=.*[A-Za-z])(?=.*\d).+$", message="新密码须同时包含字母和数字"),
        ],
    )
    confirm = PasswordField(
        "再次输入新密码", validators=[DataRequired(REQUIRED), EqualTo("new", message="两次输入的新密码不一致")]
    )


class AccountForm(FlaskForm):
    display_name = StringField("姓名", validators=[DataRequired(REQUIRED), Length(max=64, message="姓名过长")])
    username = StringField(
        "用户名",
        validators=[
            DataRequired(REQUIRED),
            Length(min=3, max=64, message="用户名长度应为 3–64 位"),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和连字符"),
        ],
    )
    phone = StringField("手机号", validators=[Optional(), Length(max=20, message="手机号过长")])
    role = ChoiceField("角色", choices=[])
    county_id = ChoiceField("所属县区", choices=[], coerce=str)
    unit = StringField("单位", validators=[Optional(), Length(max=64, message="单位名称过长")])


class RoleForm(FlaskForm):
    role = ChoiceField("新角色", choices=[])
