"""Command-line tools: `flask audit verify`, `flask audit record-rules`, `flask demo load`, `flask demo accounts`,
`flask accounts …`."""

import json
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.audit import integrity
from app.demo import services as demo
from app.demo.scoring import publish_demo_plan_round

audit_cli = AppGroup("audit", help="审计日志 / audit log")
demo_cli = AppGroup("demo", help="演示数据 / demo data")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the audit chain and that every covered row matches its events; name the first problem (exit 1)."""
    report = integrity.verify()
    chain = report.chain
    if chain.first_break is None:
        click.echo(f"审计日志哈希链完整：已核对 {chain.checked} 条事件 (chain intact: {chain.checked} events)")
        click.echo(f"链尾哈希（请另行记下，用于日后比对）：{chain.head}")
    else:
        brk = chain.first_break
        click.echo(f"审计日志哈希链断裂：事件 id={brk.event_id}：{brk.reason}（此前 {chain.checked} 条完好）", err=True)
    if report.first_mismatch is None:
        click.echo(f"数据与审计记录一致：已核对 {report.rows} 行 (rows match their events: {report.rows})")
    else:
        click.echo(f"数据与审计记录不符（共 {report.mismatches} 处），第一处：{report.first_mismatch.describe()}",
                   err=True)
    if not report.ok:
        raise SystemExit(1)


@audit_cli.command("record-rules")
def audit_record_rules() -> None:
    """Once, after upgrading a database from before the rules were covered: record the values of round weights,
    criteria, adjustment items, award bands and entries that no audit event records yet (recorded ones stay)."""
    count = integrity.record_unrecorded_rules()
    click.echo(f"已为 {count} 行计分规则补记审计事件（已有记录的数值未改动） (rules recorded: {count})")


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


def register(app: Flask) -> None:
    from app.accounts.cli import accounts_cli

    app.cli.add_command(accounts_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(demo_cli)
