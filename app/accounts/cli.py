"""`flask accounts …`: the server's operator creates, resets, disables and enables accounts, supervisors above all.

Supervisors (纪检监督) are never made by an organizer; the first one is made here, the next ones by a supervisor
or here. Every change is audit-logged as the server's operator."""

import click
from flask.cli import AppGroup

from app.accounts import services
from app.errors import DomainError
from app.roles import ROLES

accounts_cli = AppGroup("accounts", help="账号（服务器管理员）/ accounts, by the server's operator")


def _fail(error: DomainError) -> None:
    click.echo(error.message, err=True)
    raise SystemExit(1)


def _print_code(issued: services.IssuedCode, what: str) -> None:
    user = issued.user
    click.echo(f"{what}：{user.display_name}（{user.username}，{user.role_label}）")
    click.echo(f"激活码（仅显示这一次，首次登录后失效）：{issued.code}")


@accounts_cli.command("create")
@click.argument("username")
@click.argument("display_name")
@click.option("--role", type=click.Choice(ROLES), default="supervisor", show_default=True)
@click.option("--phone", default="", help="11-digit mobile number (optional)")
@click.option("--unit", default="", help="Unit, e.g. 市纪委监委 (optional)")
def create(username: str, display_name: str, role: str, phone: str, unit: str) -> None:
    """Create a city-wide account (a supervisor by default) and print its one-time activation code."""
    data = services.NewAccount(display_name=display_name, username=username, phone=phone, role=role,
                               county_id=None, unit=unit)
    try:
        issued = services.create_account(None, data)
    except DomainError as error:
        _fail(error)
    else:
        _print_code(issued, "账号已创建")


@accounts_cli.command("reset")
@click.argument("username")
def reset(username: str) -> None:
    """Replace the account's password with a new activation code; every session of it ends."""
    try:
        issued = services.reissue_code(None, services.user_by_username(username).id)
    except DomainError as error:
        _fail(error)
    else:
        _print_code(issued, "已发放新激活码，原密码已失效")


def _switch(username: str, active: bool) -> None:
    try:
        user = services.set_active(None, services.user_by_username(username).id, active)
    except DomainError as error:
        _fail(error)
    else:
        click.echo(f"已{'启用' if active else '停用'}账号 {user.username}（{user.display_name}）。")


@accounts_cli.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Deactivate the account; every session of it ends."""
    _switch(username, False)


@accounts_cli.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    """Activate the account again."""
    _switch(username, True)


@accounts_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def set_role(username: str, role: str) -> None:
    """Give the account another role (the only way into or out of the supervisor role); its sessions end."""
    try:
        user = services.change_role(None, services.user_by_username(username).id, role)
    except DomainError as error:
        _fail(error)
    else:
        click.echo(f"已将账号 {user.username} 的角色改为{user.role_label}。")
