"""Contest configuration: list, new, copy last year's, settings, groups and round weights."""

from datetime import date
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.contests.models import AdjustmentItem, Contest, Criterion, Group, VetoItem
from app.extensions import db
from tests.conftest import login
from tests.factories import World

BASE = "/organize/contests"


def events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)).scalars())


def contests() -> list[tuple[int, str]]:
    return [(c.year, c.name) for c in db.session.execute(select(Contest).order_by(Contest.id)).scalars()]


def settings_data(world: World, token: str, **fields: str) -> dict[str, str]:
    return {"name": "2022年度大比武", "year": "2022", "status": "running", "places": "2", "absent_round": "zero",
            "ranking": "competition", "tie_1": "results", "tie_2": "", "tie_3": "", "csrf_token": token} | fields


def weights_of(world: World) -> dict[str, Decimal]:
    db.session.expire_all()
    return {r.code: r.weight for r in world.contest.rounds}


def test_the_list_shows_each_contest_with_its_counts(client: FlaskClient, world: World) -> None:
    login(client, "city")
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "2022年度大比武" in html and "新建比武" in html and "复制上一年度" in html
    assert '<td class="num" data-label="参赛人">2</td>' in html
    assert '<td class="num" data-label="评分指标">3</td>' in html


def test_a_new_contest_starts_with_two_groups_and_three_rounds_of_30_30_40(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/new", data={"year": "2023", "name": "2023年度大比武", "csrf_token": token})
    assert response.status_code == 302
    contest = db.session.execute(select(Contest).where(Contest.year == 2023)).scalar_one()
    assert [g.name for g in contest.groups] == ["乡镇党委书记组", "村党组织书记组"]
    assert [(r.code, r.weight, r.mode) for r in contest.rounds] == [
        ("plan", Decimal(30), "roadshow"), ("service", Decimal(30), "site_visit"),
        ("results", Decimal(40), "exhibition")]
    assert events("contest_created")[0].after["name"] == "2023年度大比武"


def test_a_contest_of_an_existing_year_and_name_is_refused(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/new", data={"year": "2022", "name": "2022年度大比武", "csrf_token": token})
    assert "2022 年度已有名为“2022年度大比武”的比武" in response.get_data(as_text=True)
    assert contests() == [(2022, "2022年度大比武")]


def enrich(world: World) -> None:
    """Sub-groups, dates, a venue, rules and items on the 2022 contest, to be copied."""
    contest = world.contest
    village = next(g for g in contest.groups if g.code == "village")
    contest.groups.append(Group(code="class-a", name="培训班A班", parent=village, position=3))
    plan = contest.rounds[0]
    plan.starts_on, plan.ends_on, plan.venue = date(2022, 2, 28), date(2022, 3, 2), "市委党校"
    plan.trim, plan.trim_from, plan.min_judges, plan.deviation_points = 2, 9, 7, Decimal(15)
    plan.criteria.append(Criterion(name="目标任务", guidance="目标明确", min_points=Decimal(2),
                                   max_points=Decimal(30), step=Decimal("0.5"), position=2))
    plan.adjustment_items.append(AdjustmentItem(name="路演超时", kind="penalty",
                                                rule_text="每超时30秒扣0.5分，最多扣2分", unit_label="秒",
                                                unit_size=Decimal(30), points_per_unit=Decimal("-0.5"), cap=Decimal(2)))
    plan.veto_items.append(VetoItem(name="弄虚作假", description="一票否决"))
    contest.places, contest.ranking = 3, "dense"
    db.session.commit()


def test_copying_last_year_copies_structure_and_rules_but_no_people(client: FlaskClient, world: World) -> None:
    enrich(world)
    token = login(client, "city")
    response = client.post(f"{BASE}/copy", data={"source_id": str(world.contest.id), "year": "2023",
                                                  "name": "2023年度大比武", "csrf_token": token})
    assert response.status_code == 302
    new = db.session.execute(select(Contest).where(Contest.year == 2023)).scalar_one()
    assert (new.status, new.places, new.absent_round, new.ranking, new.tie_break) == (
        "draft", 3, "zero", "dense", ["results"])
    assert [(g.code, g.name, g.parent.code if g.parent else None) for g in new.groups] == [
        ("township", "乡镇党委书记组", None), ("village", "村党组织书记组", None), ("class-a", "培训班A班", "village")]
    assert all(g.contest_id == new.id for g in new.groups)
    plan = new.rounds[0]
    assert (plan.code, plan.weight, plan.mode, plan.starts_on, plan.ends_on, plan.venue) == (
        "plan", Decimal(30), "roadshow", date(2023, 2, 28), date(2023, 3, 2), None)
    assert (plan.panel_method, plan.trim, plan.trim_from, plan.min_judges, plan.normalize,
            plan.deviation_points, plan.deviation_share) == ("trimmed_mean", 2, 9, 7, "none", Decimal(15), None)
    assert [(c.name, c.guidance, c.min_points, c.max_points, c.step, c.position) for c in plan.criteria] == [
        ("发展思路", "", Decimal(0), Decimal(20), Decimal("0.5"), 1),
        ("目标任务", "目标明确", Decimal(2), Decimal(30), Decimal("0.5"), 2)]
    assert [(a.name, a.kind, a.rule_text, a.unit_label, a.unit_size, a.points_per_unit, a.cap)
            for a in plan.adjustment_items] == [
        ("路演超时", "penalty", "每超时30秒扣0.5分，最多扣2分", "秒", Decimal(30), Decimal("-0.5"), Decimal(2))]
    assert [(v.name, v.description) for v in plan.veto_items] == [("弄虚作假", "一票否决")]
    assert [r.code for r in new.rounds] == ["plan", "service", "results"]
    from app.entries.models import Entry
    from app.judges.models import Judge
    assert db.session.execute(select(func.count(Entry.id)).where(Entry.contest_id == new.id)).scalar_one() == 0
    assert db.session.execute(select(func.count(Judge.id)).where(Judge.contest_id == new.id)).scalar_one() == 0
    assert events("contest_copied")[0].after["copied_from"] == world.contest.id


def test_copying_into_an_existing_year_and_name_is_refused(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/copy", data={"source_id": str(world.contest.id), "year": "2022",
                                                  "name": "2022年度大比武", "csrf_token": token})
    assert "已有名为" in response.get_data(as_text=True)
    assert contests() == [(2022, "2022年度大比武")]


def test_settings_are_saved_and_audited_with_before_and_after(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{world.contest.id}/", data=settings_data(
        world, token, places="1", absent_round="reweight", ranking="dense", tie_1="results", tie_2="plan"))
    assert response.status_code == 302
    db.session.expire_all()
    contest = world.contest
    assert (contest.places, contest.absent_round, contest.ranking, contest.tie_break) == (
        1, "reweight", "dense", ["results", "plan"])
    event = events("contest_settings_changed")[0]
    assert (event.before["places"], event.after["places"]) == (2, 1)
    assert (event.before["tie_break"], event.after["tie_break"]) == (["results"], ["results", "plan"])


def test_places_beyond_ten_are_refused_and_change_nothing(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{world.contest.id}/", data=settings_data(world, token, places="11"))
    assert response.status_code == 400 and "须在 0–10 之间" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.contest.places == 2
    assert events("contest_settings_changed") == []


def test_an_unknown_status_is_refused_in_chinese(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{world.contest.id}/", data=settings_data(world, token, status="archived"))
    assert response.status_code == 400 and "请从列表中选择" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.contest.status == "running"


def test_a_tie_break_round_must_belong_to_the_contest(client: FlaskClient, world: World) -> None:
    from app.contests import services
    from app.errors import DomainError
    city = world.users["city_organizer"]
    data = services.ContestSettings("2022年度大比武", 2022, "running", 2, "zero", "competition", ["final"])
    try:
        services.update_settings(city, world.contest.id, data)
    except DomainError as error:
        assert error.message == "同分比较的轮次“final”不是本比武的轮次"
    else:
        raise AssertionError("an unknown round was accepted")
    db.session.expire_all()
    assert world.contest.tie_break == ["results"]


def test_an_empty_contest_name_is_refused(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{world.contest.id}/", data=settings_data(world, token, name="  "))
    assert response.status_code == 400 and "请填写此项" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.contest.name == "2022年度大比武"


def test_weights_not_summing_to_100_are_refused_with_the_sum(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    ids = [r.id for r in world.contest.rounds]
    response = client.post(f"{BASE}/{world.contest.id}/rounds", data={
        f"weight-{ids[0]}": "30", f"weight-{ids[1]}": "20", f"weight-{ids[2]}": "40", "csrf_token": token})
    assert response.status_code == 400
    assert "权重合计为 90%，须为 100%" in response.get_data(as_text=True)
    assert weights_of(world) == {"plan": Decimal(30), "service": Decimal(30), "results": Decimal(40)}
    assert events("round_weights_changed") == []


def test_all_weights_change_together_in_one_step(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    ids = [r.id for r in world.contest.rounds]
    response = client.post(f"{BASE}/{world.contest.id}/rounds", data={
        f"weight-{ids[0]}": "25", f"weight-{ids[1]}": "25.5", f"weight-{ids[2]}": "49.5", "csrf_token": token})
    assert response.status_code == 302
    assert weights_of(world) == {"plan": Decimal(25), "service": Decimal("25.5"), "results": Decimal("49.5")}
    event = events("round_weights_changed")[0]
    assert (event.before, event.after) == ({"plan": "30", "service": "30", "results": "40"},
                                           {"plan": "25", "service": "25.5", "results": "49.5"})


@pytest.mark.parametrize(("typed", "message"), [
    ("三十", "“年初比规划”的权重请填写数字"),
    ("3E1", "“年初比规划”的权重请填写数字"),  # Decimal() reads 30 here; a person never types it
    ("３０", "“年初比规划”的权重请填写数字"),
    ("29.99999999999999999999999999999", "“年初比规划”的权重最多保留 4 位小数"),
])
def test_a_weight_that_is_not_a_number_is_refused(client: FlaskClient, world: World, typed: str, message: str) -> None:
    token = login(client, "city")
    ids = [r.id for r in world.contest.rounds]
    response = client.post(f"{BASE}/{world.contest.id}/rounds", data={
        f"weight-{ids[0]}": typed, f"weight-{ids[1]}": "30", f"weight-{ids[2]}": "40", "csrf_token": token})
    assert message in response.get_data(as_text=True)
    assert weights_of(world)["plan"] == Decimal(30)


def test_a_zero_weight_is_refused_even_when_the_sum_is_100(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    ids = [r.id for r in world.contest.rounds]
    response = client.post(f"{BASE}/{world.contest.id}/rounds", data={
        f"weight-{ids[0]}": "0", f"weight-{ids[1]}": "60", f"weight-{ids[2]}": "40", "csrf_token": token})
    assert "“年初比规划”的权重须大于 0" in response.get_data(as_text=True)
    assert weights_of(world)["service"] == Decimal(30)


def test_groups_and_sub_groups_are_added_renamed_and_removed(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    village = next(g for g in world.contest.groups if g.code == "village")
    client.post(f"{BASE}/{world.contest.id}/groups", data={"name": "培训班A班", "parent_id": str(village.id),
                                                          "csrf_token": token})
    sub = db.session.execute(select(Group).where(Group.name == "培训班A班")).scalar_one()
    assert sub.parent_id == village.id
    client.post(f"{BASE}/groups/{sub.id}/rename", data={"name": "培训班甲班", "csrf_token": token})
    db.session.expire_all()
    assert sub.name == "培训班甲班"
    assert client.post(f"{BASE}/groups/{sub.id}/remove", data={"csrf_token": token}).status_code == 302
    assert db.session.get(Group, sub.id) is None
    assert [e.action for e in db.session.execute(select(AuditEvent).where(AuditEvent.object_type == "group")
                                                  .order_by(AuditEvent.id)).scalars()] == [
        "group_added", "group_renamed", "group_removed"]


def test_a_group_with_entries_cannot_be_removed(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    village = next(g for g in world.contest.groups if g.code == "village")
    response = client.post(f"{BASE}/groups/{village.id}/remove", data={"csrf_token": token})
    assert response.status_code == 400
    assert "“村党组织书记组”已有参赛人，不能删除" in response.get_data(as_text=True)
    assert db.session.get(Group, village.id) is not None


def test_a_duplicate_group_name_is_refused(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"{BASE}/{world.contest.id}/groups", data={"name": "村党组织书记组", "parent_id": "",
                                                                     "csrf_token": token})
    assert "已有名为“村党组织书记组”的组别" in response.get_data(as_text=True)
    assert len(world.contest.groups) == 2


def test_a_county_organizer_may_view_every_page_but_change_nothing(client: FlaskClient, world: World) -> None:
    token = login(client, "pdorg")
    cid, rid = world.contest.id, world.contest.rounds[0].id
    for path in (f"{BASE}/", f"{BASE}/{cid}/", f"{BASE}/{cid}/groups", f"{BASE}/{cid}/rounds",
                 f"{BASE}/rounds/{rid}", f"{BASE}/rounds/criteria/{world.contest.rounds[0].criteria[0].id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "新建比武" not in response.get_data(as_text=True)
    page = client.get(f"{BASE}/{cid}/").get_data(as_text=True)
    assert "县区组织者可以查看，不能修改" in page
    assert client.get(f"{BASE}/new").status_code == 403
    refused = [client.post(f"{BASE}/{cid}/", data=settings_data(world, token, places="3")),
               client.post(f"{BASE}/{cid}/rounds", data={"csrf_token": token}),
               client.post(f"{BASE}/{cid}/groups", data={"name": "新组", "csrf_token": token}),
               client.post(f"{BASE}/rounds/{rid}/criteria", data={"csrf_token": token}),
               client.post(f"{BASE}/new", data={"year": "2030", "name": "x", "csrf_token": token})]
    assert [r.status_code for r in refused] == [403] * 5
    db.session.expire_all()
    assert world.contest.places == 2 and contests() == [(2022, "2022年度大比武")]


@pytest.mark.parametrize("places", ["３", "+3", "3_0", "0x3", "3.0", "1e1"])
def test_a_whole_number_is_ascii_digits_only_and_anything_else_changes_nothing(
        client: FlaskClient, world: World, places: str) -> None:
    # int() would read full-width digits, a sign and underscores: a whole number is spelt as the decimals are.
    token = login(client, "city")
    response = client.post(f"{BASE}/{world.contest.id}/", data=settings_data(world, token, places=places))
    assert response.status_code == 400 and "请填写整数" in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.contest.places == 2
    assert events("contest_settings_changed") == []
