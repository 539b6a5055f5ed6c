"""Adjustments (加减分) and vetoes (一票否决): the point rule, versions, county scope, confirmation, scoring inputs."""

from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.adjustments import services, vetoes
from app.adjustments.models import AdjustmentRecord, VetoRecord
from app.adjustments.rules import points_for
from app.audit.models import AuditEvent
from app.contests.models import AdjustmentItem, VetoItem
from app.extensions import db
from tests.conftest import login
from tests.factories import World

OVERTIME = ("路演超时", "penalty", "每超时30秒扣0.5分，最多扣2分", "秒", "30", "-0.5", "2")
INNOVATION = ("创新做法", "bonus", "每项创新做法加1分，最多加3分", "项", "1", "1", "3")


@pytest.fixture()
def items(world: World) -> World:
    """The plan round has the overtime penalty, an innovation bonus and one veto item."""
    rnd = world.contest.rounds[0]
    for name, kind, rule, unit, size, per_unit, cap in (OVERTIME, INNOVATION):
        rnd.adjustment_items.append(AdjustmentItem(
            name=name, kind=kind, rule_text=rule, unit_label=unit, unit_size=Decimal(size),
            points_per_unit=Decimal(per_unit), cap=Decimal(cap)))
    rnd.veto_items.append(VetoItem(name="弄虚作假", description="材料或数据造假"))
    db.session.commit()
    return world


def ids(world: World) -> tuple[int, int, int, int, int]:
    """Round, pingding entry, overtime item, innovation item, veto item."""
    rnd = world.contest.rounds[0]
    return (rnd.id, world.entries["pingding"].id, rnd.adjustment_items[0].id, rnd.adjustment_items[1].id,
            rnd.veto_items[0].id)


def record(client: FlaskClient, token: str, round_id: int, entry_id: int, item_id: int, measure: str,
           note: str = "") -> int:
    url = f"/organize/adjustments/rounds/{round_id}/entries/{entry_id}/adjustments"
    response = client.post(url, data={"csrf_token": token, "item_id": item_id, "measure": measure, "note": note})
    return response.status_code


def count(model: type) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize(("seconds", "points"), [("0", "0"), ("1", "-0.5"), ("30", "-0.5"), ("31", "-1"),
                                                  ("125", "-2")])
def test_overtime_costs_half_a_point_per_started_thirty_seconds_at_most_two(seconds: str, points: str) -> None:
    assert points_for(Decimal(seconds), Decimal(30), Decimal("-0.5"), Decimal(2)) == Decimal(points)


@pytest.mark.parametrize(("count_", "points"), [("0", "0"), ("1", "1"), ("2.5", "3"), ("7", "3")])
def test_a_bonus_is_positive_and_capped_as_well(count_: str, points: str) -> None:
    assert points_for(Decimal(count_), Decimal(1), Decimal(1), Decimal(3)) == Decimal(points)


def test_a_county_organizer_records_overtime_for_their_county_with_an_audit_event(client: FlaskClient,
                                                                                   items: World) -> None:
    round_id, entry_id, overtime, _, _ = ids(items)
    token = login(client, "pdorg")
    assert record(client, token, round_id, entry_id, overtime, "45", "计时员记录") == 302
    row = db.session.execute(select(AdjustmentRecord)).scalar_one()
    assert (row.measure, row.points, row.version, row.supersedes_id) == (Decimal(45), Decimal(-1), 1, None)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "adjustment_recorded")).scalar_one()
    assert event.before is None
    assert event.after == {"round": round_id, "entry": entry_id, "item": overtime, "version": 1, "measure": "45",
                           "points": "-1", "note": "计时员记录", "withdrawn": False}
    page = client.get(f"/organize/adjustments/rounds/{round_id}").get_data(as_text=True)
    assert "路演超时" in page and "-1.00</span> 分" in page


def test_a_change_supersedes_the_current_record_and_keeps_the_history(client: FlaskClient, items: World) -> None:
    round_id, entry_id, overtime, _, _ = ids(items)
    token = login(client, "city")
    assert record(client, token, round_id, entry_id, overtime, "45") == 302
    assert record(client, token, round_id, entry_id, overtime, "125", "复核录像") == 302
    rows = db.session.execute(select(AdjustmentRecord).order_by(AdjustmentRecord.id)).scalars().all()
    assert [(r.version, r.measure, r.points, r.supersedes_id) for r in rows] == [
        (1, Decimal(45), Decimal(-1), None), (2, Decimal(125), Decimal(-2), rows[0].id)]
    assert services.scoring_adjustments(round_id) == [{"contestant": "V001", "value": "-2.00", "reason": "路演超时"}]
    page = client.get(f"/organize/adjustments/rounds/{round_id}/entries/{entry_id}").get_data(as_text=True)
    assert "已被取代" in page and "当前有效" in page
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "adjustment_changed")).scalar_one()
    assert (event.before["points"], event.after["points"]) == ("-1", "-2")


def test_a_withdrawal_is_a_new_version_and_leaves_nothing_to_score(client: FlaskClient, items: World) -> None:
    round_id, entry_id, overtime, _, _ = ids(items)
    token = login(client, "city")
    record(client, token, round_id, entry_id, overtime, "45")
    first = db.session.execute(select(AdjustmentRecord)).scalar_one()
    response = client.post(f"/organize/adjustments/records/{first.id}/withdraw",
                           data={"csrf_token": token, "note": "录入错误"})
    assert response.status_code == 302
    rows = db.session.execute(select(AdjustmentRecord).order_by(AdjustmentRecord.id)).scalars().all()
    assert [(r.version, r.withdrawn, r.points, r.note) for r in rows] == [
        (1, False, Decimal(-1), ""), (2, True, Decimal(0), "录入错误")]
    assert services.scoring_adjustments(round_id) == []
    again = client.post(f"/organize/adjustments/records/{first.id}/withdraw", data={"csrf_token": token})
    assert again.status_code == 400 and count(AdjustmentRecord) == 2


def test_the_scoring_lists_hold_current_non_zero_records_by_public_number(items: World) -> None:
    round_id, pingding, overtime, innovation, _ = ids(items)
    yuxian = items.entries["yuxian"].id
    city = items.users["city_organizer"]
    for entry, item, measure in ((yuxian, overtime, "31"), (pingding, innovation, "2"), (pingding, overtime, "0"),
                                 (yuxian, innovation, "1"), (yuxian, innovation, "5")):
        services.record_adjustment(city, round_id, entry, services.AdjustmentInput(item, Decimal(measure), ""))
    assert services.scoring_adjustments(round_id) == [
        {"contestant": "V001", "value": "2.00", "reason": "创新做法"},
        {"contestant": "V002", "value": "-1.00", "reason": "路演超时"},
        {"contestant": "V002", "value": "3.00", "reason": "创新做法"},
    ]
    assert services.scoring_vetoes(round_id) == []


def test_the_preview_shows_the_points_before_saving_and_stores_nothing(client: FlaskClient, items: World) -> None:
    round_id, _, overtime, _, _ = ids(items)
    login(client, "pdorg")
    html = client.get(f"/organize/adjustments/rounds/{round_id}/preview?item_id={overtime}&measure=31")
    assert "<strong class=\"fs-5 num-plain text-danger\">-1.00</strong>" in html.get_data(as_text=True)
    assert "不足30秒按30秒计" in html.get_data(as_text=True)
    negative = client.get(f"/organize/adjustments/rounds/{round_id}/preview?item_id={overtime}&measure=-3")
    assert "秒数不能为负数" in negative.get_data(as_text=True)
    assert count(AdjustmentRecord) == 0


def test_a_negative_measure_is_refused_and_nothing_is_stored(client: FlaskClient, items: World) -> None:
    round_id, entry_id, overtime, _, _ = ids(items)
    assert record(client, login(client, "city"), round_id, entry_id, overtime, "-5") == 400
    assert count(AdjustmentRecord) == 0


def test_points_finer_than_the_contest_decimals_are_refused(client: FlaskClient, items: World) -> None:
    round_id, entry_id, overtime, _, _ = ids(items)
    items.contest.places = 0
    db.session.commit()
    assert record(client, login(client, "city"), round_id, entry_id, overtime, "10") == 400
    assert count(AdjustmentRecord) == 0


def test_a_county_organizer_cannot_reach_another_countys_contestant_by_id(client: FlaskClient, items: World) -> None:
    round_id, _, overtime, _, _ = ids(items)
    yuxian = items.entries["yuxian"].id
    token = login(client, "pdorg")
    assert client.get(f"/organize/adjustments/rounds/{round_id}/entries/{yuxian}").status_code == 404
    assert record(client, token, round_id, yuxian, overtime, "45") == 404
    proposal = client.post(f"/organize/adjustments/rounds/{round_id}/entries/{yuxian}/vetoes",
                           data={"csrf_token": token, "item_id": ids(items)[4], "reason": "造假"})
    assert proposal.status_code == 404
    assert (count(AdjustmentRecord), count(VetoRecord)) == (0, 0)
    assert "V002" not in client.get(f"/organize/adjustments/rounds/{round_id}").get_data(as_text=True)


def test_a_county_organizer_cannot_withdraw_another_countys_record(client: FlaskClient, items: World) -> None:
    round_id, entry_id, overtime, _, _ = ids(items)
    services.record_adjustment(items.users["county_organizer"], round_id, entry_id,
                               services.AdjustmentInput(overtime, Decimal(45), ""))
    row = db.session.execute(select(AdjustmentRecord)).scalar_one()
    token = login(client, "yxorg")
    response = client.post(f"/organize/adjustments/records/{row.id}/withdraw", data={"csrf_token": token})
    assert response.status_code == 404
    assert count(AdjustmentRecord) == 1


def propose(client: FlaskClient, token: str, items: World, reason: str = "年度目标数据造假") -> int:
    round_id, entry_id, _, _, veto_item = ids(items)
    return client.post(f"/organize/adjustments/rounds/{round_id}/entries/{entry_id}/vetoes",
                       data={"csrf_token": token, "item_id": veto_item, "reason": reason}).status_code


def test_a_veto_takes_effect_only_when_a_supervisor_confirms_it(app: object, items: World) -> None:
    organizer, supervisor = items.users["county_organizer"], items.users["supervisor"]
    client = app.test_client()  # type: ignore[attr-defined]
    assert propose(client, login(client, "pdorg"), items) == 302
    veto = db.session.execute(select(VetoRecord)).scalar_one()
    assert (veto.state, veto.proposed_by_id) == ("proposed", organizer.id)
    assert services.scoring_vetoes(ids(items)[0]) == []
    sup = app.test_client()  # type: ignore[attr-defined]
    token = login(sup, "sup")
    assert "年度目标数据造假" in sup.get("/supervise/vetoes/").get_data(as_text=True)
    assert sup.post(f"/supervise/vetoes/{veto.id}/confirm", data={"csrf_token": token}).status_code == 302
    db.session.refresh(veto)
    assert (veto.state, veto.decided_by_id) == ("confirmed", supervisor.id)
    assert services.scoring_vetoes(ids(items)[0]) == [{"contestant": "V001", "reason": "弄虚作假"}]
    events = db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "veto_record")
                                .order_by(AuditEvent.id)).scalars().all()
    assert [(e.action, (e.before or {}).get("state"), e.after["state"]) for e in events] == [
        ("veto_proposed", None, "proposed"), ("veto_confirmed", "proposed", "confirmed")]


def proposed(items: World) -> VetoRecord:
    round_id, entry_id, _, _, veto_item = ids(items)
    return vetoes.propose_veto(items.users["county_organizer"], round_id, entry_id, veto_item, "年度目标数据造假")


def test_an_organizer_cannot_confirm_a_veto(client: FlaskClient, items: World) -> None:
    veto = proposed(items)
    token = login(client, "city")
    assert client.post(f"/supervise/vetoes/{veto.id}/confirm", data={"csrf_token": token}).status_code == 403
    db.session.refresh(veto)
    assert veto.state == "proposed" and services.scoring_vetoes(ids(items)[0]) == []


def test_a_supervisor_cannot_decide_a_veto_they_proposed(client: FlaskClient, items: World) -> None:
    round_id, entry_id, _, _, veto_item = ids(items)
    veto = vetoes.propose_veto(items.users["supervisor"], round_id, entry_id, veto_item, "自己提出")
    token = login(client, "sup")
    response = client.post(f"/supervise/vetoes/{veto.id}/confirm", data={"csrf_token": token})
    assert response.status_code == 403 and "不能确认或驳回自己提出的一票否决" in response.get_data(as_text=True)


def test_a_rejection_needs_a_note_and_leaves_no_veto(client: FlaskClient, items: World) -> None:
    veto = proposed(items)
    token = login(client, "sup")
    assert client.post(f"/supervise/vetoes/{veto.id}/reject", data={"csrf_token": token}).status_code == 400
    assert client.post(f"/supervise/vetoes/{veto.id}/reject",
                       data={"csrf_token": token, "note": "证据不足"}).status_code == 302
    db.session.refresh(veto)
    assert (veto.state, veto.decision_note) == ("rejected", "证据不足")
    assert services.scoring_vetoes(ids(items)[0]) == []


def test_a_veto_needs_a_reason_of_at_most_300_characters(client: FlaskClient, items: World) -> None:
    token = login(client, "pdorg")
    assert propose(client, token, items, "") == 400
    assert propose(client, token, items, "假" * 301) == 400
    assert count(VetoRecord) == 0
    assert propose(client, token, items, "假" * 300) == 302
    assert propose(client, token, items, "重复") == 400  # one open veto per item
    assert count(VetoRecord) == 1


def test_an_organizer_retracts_an_undecided_veto(client: FlaskClient, items: World) -> None:
    veto = proposed(items)
    token = login(client, "pdorg")
    response = client.post(f"/organize/adjustments/vetoes/{veto.id}/retract", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(veto)
    assert veto.state == "retracted"
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "veto_proposal_retracted")).scalar_one()
    assert (event.before["state"], event.after["state"]) == ("proposed", "retracted")
    again = client.post(f"/organize/adjustments/vetoes/{veto.id}/retract", data={"csrf_token": token})
    assert again.status_code == 400 and "该一票否决已撤回，不能撤回" in again.get_data(as_text=True)


def test_an_item_in_use_cannot_be_removed_and_nothing_changes(client: FlaskClient, items: World) -> None:
    token = login(client, "city")
    round_id, entry_id, overtime, _, veto_item = ids(items)
    assert record(client, token, round_id, entry_id, overtime, "45") == 302
    assert propose(client, token, items) == 302
    refused = client.post(f"/organize/contests/rounds/adjustments/{overtime}/remove", data={"csrf_token": token})
    assert refused.status_code == 400
    assert "加减分项“路演超时”已有 1 条记录，不能删除" in refused.get_data(as_text=True)
    refused = client.post(f"/organize/contests/rounds/vetoes/{veto_item}/remove", data={"csrf_token": token})
    assert refused.status_code == 400
    assert "一票否决事项“弄虚作假”已有 1 条记录，不能删除" in refused.get_data(as_text=True)
    assert (count(AdjustmentItem), count(VetoItem)) == (2, 1)


def test_the_index_lists_each_round_with_its_item_counts(client: FlaskClient, items: World) -> None:
    login(client, "city")
    html = client.get("/organize/adjustments/").get_data(as_text=True)
    plan, service = items.contest.rounds[0], items.contest.rounds[1]
    assert f'href="/organize/adjustments/rounds/{plan.id}"' in html
    assert f'href="/organize/adjustments/rounds/{service.id}"' in html
    assert "2 个加减分项 · 1 个一票否决事项" in html and "0 个加减分项 · 0 个一票否决事项" in html
