"""The accounts capability as the factory plugs it in: sign-in pages, `flask accounts`, and the names of its events."""

from app.accounts import loader  # noqa: F401  (registers Flask-Login's user loader)
from app.accounts.cli import accounts_cli
from app.accounts.views import bp
from app.capabilities import Capability

CAPABILITY = Capability(
    "accounts",
    blueprints=(bp,),
    commands=(accounts_cli,),
    audit_actions={
        "login": "登录", "login_failed": "登录失败", "password_changed": "修改密码",
        "account_created": "新建账号", "account_activated": "启用账号", "account_deactivated": "停用账号",
        "activation_code_issued": "发放激活码（重置密码）", "account_role_changed": "更改账号角色",
    },
    audit_objects={"user": "账号"},
)
