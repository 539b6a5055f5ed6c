"""The audit log is a hash chain: any edit behind the app's back is caught at its first broken link."""

from flask import Flask
from sqlalchemy import select, text

from app.audit import services as audit
from app.audit.chain import GENESIS
from app.audit.models import AuditEvent
from app.extensions import db


def append_three() -> list[AuditEvent]:
    events = [audit.record("contest_changed", "contest", 1, before={"weight": str(w)}, after={"weight": str(w + 1)},
                           actor=(None, "测试")) for w in (1, 2, 3)]
    db.session.commit()
    return events


def test_each_event_links_to_the_previous_hash(ctx: Flask) -> None:
    first, second, third = append_three()
    assert first.prev_hash == GENESIS
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert len({first.hash, second.hash, third.hash}) == 3
    report = audit.verify()
    assert (report.checked, report.first_break) == (3, None)


def test_an_edited_event_is_caught_at_that_event(ctx: Flask) -> None:
    _, second, _ = append_three()
    db.session.execute(text("UPDATE audit_event SET after = :v WHERE id = :id"),
                       {"v": '{"weight": "99"}', "id": second.id})
    db.session.commit()
    report = audit.verify()
    assert report.checked == 1
    assert report.first_break is not None and report.first_break.event_id == second.id
    assert "被改动" in report.first_break.reason


def test_a_deleted_event_breaks_the_next_link(ctx: Flask) -> None:
    _, second, third = append_three()
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": second.id})
    db.session.commit()
    report = audit.verify()
    assert report.first_break is not None and report.first_break.event_id == third.id
    assert "不衔接" in report.first_break.reason


def test_flask_audit_verify_exits_non_zero_on_a_broken_chain(ctx: Flask) -> None:
    first, _, _ = append_three()
    runner = ctx.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "已核对 3 条事件" in result.output
    db.session.execute(text("UPDATE audit_event SET actor_label = '别人' WHERE id = :id"), {"id": first.id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"id={first.id}" in result.output


def test_events_keep_before_and_after_as_json(ctx: Flask) -> None:
    append_three()
    db.session.expire_all()
    rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert [(r.before, r.after) for r in rows] == [
        ({"weight": "1"}, {"weight": "2"}), ({"weight": "2"}, {"weight": "3"}), ({"weight": "3"}, {"weight": "4"})
    ]


def test_verify_prints_the_head_hash_to_write_down(ctx: Flask) -> None:
    *_, third = append_three()
    result = ctx.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert f"链尾哈希（请另行记下，用于日后比对）：{third.hash}" in result.output
    assert audit.verify().head == third.hash
