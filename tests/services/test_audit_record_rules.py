"""`flask audit record-rules`: a database from before the rules were covered gets their events once; a value an
event already records is never re-recorded, so a change made behind the app stays named."""

from flask import Flask
from sqlalchemy import text

from app.extensions import db
from tests.factories import World


def run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", *args])
    return result.exit_code, result.output


def test_an_old_database_gets_its_rules_recorded_once_and_a_later_change_stays_named(ctx: Flask, world: World) -> None:
    app = ctx
    plan = next(r for r in world.contest.rounds if r.code == "plan")
    plan_id, weight = plan.id, plan.weight.normalize()
    rounds = world.contest.rounds
    rows = 1 + len(rounds) + sum(len(r.criteria) + len(r.adjustment_items) for r in rounds) + len(world.entries)
    code, output = run(app, "verify")
    assert code == 1
    assert f"第一处：表 contest id={world.contest.id} 字段 （审计事件）：现存 本行，审计记录 无对应的审计事件" in output

    assert run(app, "record-rules") == (0, f"已为 {rows} 行计分规则补记审计事件（已有记录的数值未改动） "
                                           f"(rules recorded: {rows})\n")
    code, output = run(app, "verify")
    assert code == 0 and f"已核对 {rows} 行" in output

    db.session.execute(text("UPDATE contest_round SET weight = 55 WHERE id = :id"), {"id": plan_id})
    db.session.commit()
    assert run(app, "record-rules")[1].startswith("已为 0 行")  # the recorded weight is not overwritten
    code, output = run(app, "verify")
    assert code == 1
    assert f"表 contest_round id={plan_id} 字段 weight：现存 55，审计记录 {weight:f}" in output
