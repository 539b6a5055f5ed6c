"""`flask demo load` and `flask demo accounts`: the demo city and its accounts."""

import json
import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo import services as demo
from app.demo.scoring import publish_demo_plan_round

demo_cli = AppGroup("demo", help="演示数据 / demo data")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the database has no accounts yet.")
def demo_load(if_empty: bool) -> None:
    """Build the demo city and its 2022 contest (idempotent)."""
    if if_empty and not demo.database_is_empty():
        click.echo("数据库已有数据，跳过演示数据加载。")
        return
    started = time.perf_counter()
    report = demo.load(current_app.config["PASSWORD_HASH_METHOD"])
    # The 2022 plan round is scored, signed off and published, so its 公示 is there at once.
    published = publish_demo_plan_round()
    seconds = time.perf_counter() - started
    if not report.changed and not published.changed:
        click.echo(f"演示数据已齐全，未作任何改动（{seconds:.1f} 秒）。")
        return
    parts = ", ".join(f"{key}={value}" for key, value in sorted(report.created.items()))
    click.echo(f"演示数据已加载（{seconds:.1f} 秒）：{parts}")


@demo_cli.command("accounts")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--role", type=click.Choice(["organizer", "clerk", "judge", "secretary", "supervisor"]))
def demo_accounts(as_json: bool, role: str | None) -> None:
    """Print the demo accounts (role, username, password, scope)."""
    rows = demo.demo_accounts(role)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    click.echo(f"{'角色':<6}{'用户名':<16}{'密码':<12}{'姓名':<6}范围")
    for row in rows:
        click.echo(f"{row['role']:<6}{row['username']:<18}{row['password']:<12}{row['name']:<6}{row['scope']}")
