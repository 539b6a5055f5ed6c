"""`flask audit verify` and `flask audit record-rules`: the audit log's checks, for the server's operator."""

import click
from flask.cli import AppGroup

from app.audit import integrity

audit_cli = AppGroup("audit", help="审计日志 / audit log")


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
