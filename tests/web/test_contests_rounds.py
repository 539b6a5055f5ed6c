"""A round's page: settings, panel preview, criteria and their lock, reordering, adjustment and veto items."""

from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.contests.models import AdjustmentItem, Criterion, Round, VetoItem
from app.contests.services import round_is_locked
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import Mark, ScoreSheet, SheetVersion
from tests.conftest import login
from tests.factories import World

BASE = "/organize/contests/rounds"


def plan(world: World) -> Round:
    db.session.expire_all()
    return world.contest.rounds[0]


def actions() -> list[str]:
    return [e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
            if e.action not in {"login", "login_failed"}]


def round_data(token: str, **fields: str) -> dict[str, str]:
    return {"name": "年初比规划", "mode": "roadshow", "starts_on": "2022-03-01", "ends_on": "2022-03-02",
            "venue": "市委党校", "panel_method": "trimmed_mean", "trim": "1", "trim_from": "5", "min_judges": "3",
            "normalize": "none", "deviation_kind": "points", "deviation_value": "15", "csrf_token": token} | fields


def criterion_data(token: str, **fields: str) -> dict[str, str]:
    return {"name": "集体增收", "guidance": "目标可量化", "min_points": "0", "max_points": "30", "step": "0.5",
            "csrf_token": token} | fields


def mark_round(world: World, rnd: Round) -> None:
    """One judge's confirmed sheet with one mark: the round is now being scored."""
    judge_id = db.session.execute(select(Judge.id)).scalar_one()
    sheet = ScoreSheet(round_id=rnd.id, entry_id=world.entries["pingding"].id, judge_id=judge_id, state="submitted")
    version = SheetVersion(number=1, client_token="t-1", total=Decimal(18), entered_by_id=world.users["judge"].id)
    version.marks = [Mark(criterion_id=rnd.criteria[0].id, value=Decimal(18))]
    sheet.versions = [version]
    db.session.add(sheet)
    db.session.commit()


def test_round_settings_are_saved_and_audited(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{plan(world).id}", data=round_data(token, trim="2", trim_from="9"))
    assert response.status_code == 302
    rnd = plan(world)
    assert (rnd.venue, rnd.trim, rnd.trim_from, rnd.deviation_points, rnd.deviation_share) == (
        "市委党校", 2, 9, Decimal(15), None)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "round_changed")).scalar_one()
    assert (event.before["trim_from"], event.after["trim_from"]) == (5, 9)
    assert event.after["starts_on"] == "2022-03-01"


def test_a_deviation_share_is_entered_as_a_percentage(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    client.post(f"{BASE}/{plan(world).id}", data=round_data(token, deviation_kind="share", deviation_value="15"))
    assert (plan(world).deviation_points, plan(world).deviation_share) == (None, Decimal("0.15"))


@pytest.mark.parametrize(("fields", "message"), [
    ({"trim": "2", "trim_from": "4"}, "去掉 2 个最高分和 2 个最低分时，启用人数至少为 5 位"),
    ({"trim": "-1"}, "须在 0–10 之间"),
    ({"min_judges": "0"}, "最少评委人数至少为 1 位"),
    ({"ends_on": "2022-02-01"}, "结束日期不能早于开始日期"),
    ({"deviation_kind": "share", "deviation_value": "120"}, "偏离阈值（比例）须大于 0% 且不超过 100%"),
    ({"deviation_value": "0"}, "偏离阈值（分）须大于 0"),
    ({"name": ""}, "请填写此项"),
    ({"trim": "一"}, "请填写整数"),
])
def test_bad_round_settings_are_refused_and_change_nothing(
    client: FlaskClient, world: World, fields: dict[str, str], message: str
) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{plan(world).id}", data=round_data(token, **fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    rnd = plan(world)
    assert (rnd.name, rnd.trim, rnd.trim_from, rnd.min_judges, rnd.venue, rnd.deviation_points) == (
        "年初比规划", 1, 5, 3, None, None)
    assert actions() == []


def test_the_preview_fragment_describes_the_panel_rule_as_typed(client: FlaskClient, world: World) -> None:
    login(client, "pdorg")  # reading is enough
    html = client.get(f"{BASE}/{plan(world).id}/preview?panel_method=trimmed_mean&trim=1&trim_from=5"
                      "&min_judges=3&preview_judges=15").get_data(as_text=True)
    assert "15 位评委，去掉 1 个最高分和 1 个最低分，取其余 13 位的平均分，保留两位小数，四舍五入" in html
    assert "<html" not in html
    html = client.get(f"{BASE}/{plan(world).id}/preview?trim=3&trim_from=5").get_data(as_text=True)
    assert "启用人数至少为 7 位" in html


def test_the_round_page_shows_the_preview_and_the_round_maximum(client: FlaskClient, world: World) -> None:
    login(client, "city")
    html = client.get(f"{BASE}/{plan(world).id}").get_data(as_text=True)
    assert "15 位评委，去掉 1 个最高分和 1 个最低分，取其余 13 位的平均分" in html
    assert "本轮满分 <strong class=\"num-plain\">20</strong> 分" in html
    assert "<script>" not in html and "hx-on" not in html


def test_a_criterion_is_added_and_the_round_maximum_follows(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{plan(world).id}/criteria", data=criterion_data(token))
    assert response.status_code == 302
    rnd = plan(world)
    assert [(c.name, c.max_points, c.position) for c in rnd.criteria] == [
        ("发展思路", Decimal(20), 1), ("集体增收", Decimal(30), 2)]
    assert rnd.max_total == Decimal(50)
    assert actions() == ["criterion_added"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"max_points": "0"}, "满分须大于 0"),
    ({"step": "0"}, "步长须大于 0"),
    ({"min_points": "31"}, "最低分不能高于满分"),
    ({"step": "0.7"}, "满分与最低分之差（30）须是步长 0.7 的整数倍"),
    ({"min_points": "-1"}, "最低分不能为负数"),
    ({"max_points": "abc"}, "请填写数字"),
    ({"step": "0.00001"}, "最多保留 4 位小数"),
    ({"max_points": "NaN"}, "请填写数字"),  # Decimal() reads these; the one parser does not
    ({"max_points": "2e1"}, "请填写数字"),
    ({"max_points": "２０"}, "请填写数字"),
    ({"step": "0.50000"}, "最多保留 4 位小数"),
    ({"max_points": "123456789"}, "数值过大：整数部分最多 8 位"),
    ({"name": "指" * 65}, "不能超过 64 个字"),
])
def test_bad_criteria_are_refused_and_change_nothing(
    client: FlaskClient, world: World, fields: dict[str, str], message: str
) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{plan(world).id}/criteria", data=criterion_data(token, **fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert [c.name for c in plan(world).criteria] == ["发展思路"]
    assert actions() == []


def test_once_marked_a_round_locks_its_criteria_points_and_steps(client: FlaskClient, world: World) -> None:
    rnd = plan(world)
    assert round_is_locked(rnd.id) is False
    mark_round(world, rnd)
    assert round_is_locked(rnd.id) is True
    assert round_is_locked(world.contest.rounds[1].id) is False
    token = login(client, "city")
    criterion = rnd.criteria[0]
    lock = "本轮已有评分，评分指标、分值和步长已锁定，不能修改"
    refused: list[Any] = [
        client.post(f"{BASE}/{rnd.id}/criteria", data=criterion_data(token)),
        client.post(f"{BASE}/criteria/{criterion.id}", data=criterion_data(token, name="发展思路", max_points="25")),
        client.post(f"{BASE}/criteria/{criterion.id}/remove", data={"csrf_token": token}),
    ]
    assert [r.status_code for r in refused] == [400, 400, 400]
    assert all(lock in r.get_data(as_text=True) for r in refused)
    rnd = plan(world)
    assert [(c.name, c.max_points, c.step) for c in rnd.criteria] == [("发展思路", Decimal(20), Decimal("0.5"))]
    assert lock in client.get(f"{BASE}/{rnd.id}").get_data(as_text=True)
    # Words stay editable: name and guidance with the same points.
    response = client.post(f"{BASE}/criteria/{criterion.id}", data=criterion_data(
        token, name="发展思路清晰", guidance="思路清楚", max_points="20", step="0.5"))
    assert response.status_code == 302
    assert (plan(world).criteria[0].name, plan(world).criteria[0].guidance) == ("发展思路清晰", "思路清楚")


def test_a_criterion_edit_is_audited_with_before_and_after(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    criterion = plan(world).criteria[0]
    client.post(f"{BASE}/criteria/{criterion.id}", data=criterion_data(token, name="发展思路", max_points="25",
                                                                       step="1"))
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "criterion_changed")).scalar_one()
    assert (event.before["max_points"], event.after["max_points"]) == ("20", "25")
    assert (event.before["step"], event.after["step"]) == ("0.5", "1")


def add_criteria(world: World) -> list[int]:
    rnd = plan(world)
    rnd.criteria.extend([Criterion(name="二", max_points=Decimal(10), step=Decimal(1), position=2),
                         Criterion(name="三", max_points=Decimal(10), step=Decimal(1), position=3)])
    db.session.commit()
    return [c.id for c in plan(world).criteria]


def test_criteria_are_reordered_by_posting_their_ids(client: FlaskClient, world: World) -> None:
    first, second, third = add_criteria(world)
    token = login(client, "city")
    response = client.post(f"{BASE}/{plan(world).id}/criteria/order", data={"ids": [third, first, second],
                                                                          "csrf_token": token},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json()["message"] == "顺序已保存"
    assert [c.name for c in plan(world).criteria] == ["三", "发展思路", "二"]
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "criteria_reordered")).scalar_one()
    assert (event.before, event.after) == ([first, second, third], [third, first, second])


def test_a_reorder_with_other_ids_is_refused(client: FlaskClient, world: World) -> None:
    first, second, third = add_criteria(world)
    other = world.contest.rounds[1].criteria[0].id
    token = login(client, "city")
    for ids in ([third, first], [third, first, second, other], [first, first, second, third]):
        response = client.post(f"{BASE}/{plan(world).id}/criteria/order", data={"ids": ids, "csrf_token": token})
        assert response.status_code == 400
        assert "提交的评分指标与本轮的评分指标不一致" in response.get_data(as_text=True)
    assert [c.id for c in plan(world).criteria] == [first, second, third]


def adjustment_data(token: str, **fields: str) -> dict[str, str]:
    return {"name": "路演超时", "kind": "penalty", "unit_size": "30", "unit_label": "秒", "points_per_unit": "-0.5",
            "cap": "2", "rule_text": "", "csrf_token": token} | fields


def test_an_adjustment_item_gets_its_rule_in_words(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    assert client.post(f"{BASE}/{plan(world).id}/adjustments", data=adjustment_data(token)).status_code == 302
    item = db.session.execute(select(AdjustmentItem)).scalar_one()
    assert (item.name, item.rule_text, item.points_per_unit, item.cap) == (
        "路演超时", "每30秒扣0.5分，最多扣2分", Decimal("-0.5"), Decimal(2))
    assert client.post(f"{BASE}/adjustments/{item.id}/remove", data={"csrf_token": token}).status_code == 302
    assert plan(world).adjustment_items == []
    assert actions() == ["adjustment_item_added", "adjustment_item_removed"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"cap": "0"}, "最多加（扣）分须大于 0"),
    ({"unit_size": "0"}, "每单位的数量须大于 0"),
    ({"points_per_unit": "0"}, "每单位的分值不能为 0"),
    ({"points_per_unit": "0.5"}, "扣分项的每单位分值须为负数（如 -0.5）"),
    ({"kind": "bonus"}, "加分项的每单位分值须为正数"),
    ({"unit_label": ""}, "请填写此项"),
])
def test_bad_adjustment_items_are_refused_and_change_nothing(
    client: FlaskClient, world: World, fields: dict[str, str], message: str
) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{plan(world).id}/adjustments", data=adjustment_data(token, **fields))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.execute(select(AdjustmentItem)).first() is None
    assert actions() == []


def test_veto_items_are_added_and_removed_with_audit(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    client.post(f"{BASE}/{plan(world).id}/vetoes", data={"name": "弄虚作假", "description": "材料造假",
                                                       "csrf_token": token})
    item = db.session.execute(select(VetoItem)).scalar_one()
    assert (item.name, item.description, item.round_id) == ("弄虚作假", "材料造假", plan(world).id)
    response = client.post(f"{BASE}/{plan(world).id}/vetoes", data={"name": "", "csrf_token": token})
    assert response.status_code == 400 and "请填写此项" in response.get_data(as_text=True)
    client.post(f"{BASE}/vetoes/{item.id}/remove", data={"csrf_token": token})
    assert actions() == ["veto_item_added", "veto_item_removed"]
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "veto_item_removed")).scalar_one()
    assert event.before == {"round": plan(world).id, "name": "弄虚作假", "description": "材料造假"}


def test_a_county_organizer_cannot_change_a_round(client: FlaskClient, world: World) -> None:
    token = login(client, "pdorg")
    rnd = plan(world)
    assert client.get(f"{BASE}/{rnd.id}").status_code == 200
    assert client.post(f"{BASE}/{rnd.id}", data=round_data(token, trim="2", trim_from="9")).status_code == 403
    order = client.post(f"{BASE}/{rnd.id}/criteria/order", data={"ids": [rnd.criteria[0].id], "csrf_token": token})
    assert order.status_code == 403
    assert plan(world).trim == 1 and actions() == []


def test_an_unknown_round_answers_404(client: FlaskClient, world: World) -> None:
    login(client, "city")
    assert client.get(f"{BASE}/999999").status_code == 404
