"""One person secretary of one unit only; street offices and zones not in the township group; every problem of a
row at once. The same rules for an import and for a contestant added by the form."""

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.entries.models import Entry
from app.extensions import db
from app.places.models import Township, Village
from tests.conftest import csrf_from, login
from tests.factories import World
from tests.people_data import (
    JUDGE_HEADERS,
    VALID_ID,
    add_places,
    batch_id_of,
    clean_subgroups,  # noqa: F401  (autouse: sub-groups go first)
    problems_of,
    upload,
    village_row,
    xlsx,
)

SAME = "同一人不能同时担任两个参赛村（乡镇）的书记"


def refused(client: FlaskClient, rows: list[list[Any]]) -> list[tuple[str, str, str, str, str]]:
    entries = db.session.execute(select(func.count(Entry.id))).scalar_one()
    response = upload(client, "contestants", xlsx(rows))
    assert response.status_code == 400, response.status_code
    assert db.session.execute(select(func.count(Entry.id))).scalar_one() == entries
    return problems_of(response.get_data(as_text=True))


def add_street(world: World) -> tuple[Township, Village]:
    street = Township(code="140321002", name="东城街道", kind="street", county=world.pingding)
    village = Village(code="140321002201", name="东城村", township=street)
    db.session.add_all([street, village])
    db.session.commit()
    return street, village


def test_the_same_person_as_secretary_of_two_villages_in_one_file_is_refused_on_both_rows(
        client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "city")
    problems = refused(client, [village_row("南关村", "王建国", "13935300001"),
                                village_row("北关村", "王建国", "139 3530 0001"),
                                village_row("北村", "赵红梅", "13935300003", "秀水镇", "盂县", id_number=VALID_ID),
                                village_row("娘子关村", "赵红", "13935300004", "娘子关镇", id_number=VALID_ID)])
    who = "同一人（姓名和手机号相同，或身份证号相同）"
    assert problems == [
        ("参赛人", "2", "E（书记姓名）", "王建国", f"{who}与第 3 行重复：{SAME}"),
        ("参赛人", "3", "E（书记姓名）", "王建国", f"{who}与第 2 行重复：{SAME}"),
        ("参赛人", "4", "E（书记姓名）", "赵红梅", f"{who}与第 5 行重复：{SAME}"),
        ("参赛人", "5", "E（书记姓名）", "赵红", f"{who}与第 4 行重复：{SAME}"),
    ]


def test_a_secretary_of_an_entry_already_in_the_contest_is_refused(client: FlaskClient, world: World) -> None:
    add_places(world)
    world.users["secretary"].phone = "13935300008"  # 书记甲, secretary of V001 (西关村)
    db.session.commit()
    login(client, "city")
    assert refused(client, [village_row("南关村", "书记甲", "13935300008")]) == [
        ("参赛人", "2", "E（书记姓名）", "书记甲", f"此人已是本次比武参赛人 V001 的书记，{SAME}")]


def test_a_street_office_is_refused_in_the_township_group_and_its_villages_compete_as_villages(
        client: FlaskClient, world: World) -> None:
    add_street(world)
    login(client, "city")
    assert refused(client, [["乡镇党委书记组", "平定县", "东城街道", "", "刘志强", "13935300009", "", ""]]) == [
        ("参赛人", "2", "C（乡镇）", "东城街道",
         "东城街道是街道：街道不参加乡镇党委书记组，其所辖的村参加村党组织书记组")]
    batch_id_of(upload(client, "contestants", xlsx([village_row("东城村", "刘志强", "13935300009", "东城街道")])))


def test_a_row_with_a_wrong_value_is_also_checked_for_duplicates(client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "city")
    problems = refused(client, [village_row("西关村", "王建国", "12345678901"),
                                village_row("南关村", "孙立", "13935300002", id_number="1101051949"),
                                village_row("南关村", "李明", "13935300003")])
    assert problems == [
        ("参赛人", "2", "F（手机号）", "12345678901", "不是有效的手机号码（应为 11 位大陆手机号）"),
        ("参赛人", "2", "D（村）", "西关村", "本次比武已有该村（乡镇）的参赛人（编号 V001）"),
        ("参赛人", "3", "G（身份证号）", "1101051949", "身份证号格式不正确（应为 18 位）"),
        ("参赛人", "3", "D（村）", "南关村", "同一村（乡镇）与第 4 行重复"),
        ("参赛人", "4", "D（村）", "南关村", "同一村（乡镇）与第 3 行重复"),
    ]


def post_contestant(client: FlaskClient, **fields: str) -> str:
    url = "/organize/people/contestants/new"
    token = csrf_from(client.get(url).get_data(as_text=True))
    data = {"group": "村党组织书记组", "place": "平定县/冠山镇", "village": "南关村", "name": "王建国",
            "phone": "13935300001", "id_number": "", "subgroup": ""} | fields
    response = client.post(url, data={"csrf_token": token, **data})
    assert response.status_code == 200  # the form again, with the problems
    return response.get_data(as_text=True)


def test_the_form_applies_the_same_rules(client: FlaskClient, world: World) -> None:
    add_places(world)
    add_street(world)
    world.users["secretary"].phone = "13935300008"
    db.session.commit()
    login(client, "city")
    entries = db.session.execute(select(func.count(Entry.id))).scalar_one()
    assert f"此人已是本次比武参赛人 V001 的书记，{SAME}" in post_contestant(client, name="书记甲", phone="13935300008")
    html = post_contestant(client, group="乡镇党委书记组", place="平定县/东城街道", village="")
    assert "东城街道是街道：街道不参加乡镇党委书记组，其所辖的村参加村党组织书记组" in html
    html = post_contestant(client, village="西关村", phone="12345678901")
    assert "本次比武已有该村（乡镇）的参赛人（编号 V001）" in html and "不是有效的手机号码" in html
    assert db.session.execute(select(func.count(Entry.id))).scalar_one() == entries


def test_a_handover_to_the_secretary_of_another_entry_is_refused(client: FlaskClient, world: World) -> None:
    world.users["other_secretary"].phone = "13935300009"  # 书记乙, secretary of V002
    db.session.commit()
    login(client, "city")
    entry = world.entries["pingding"]
    url = f"/organize/people/contestants/{entry.id}/edit"
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "name": "书记乙", "phone": "13935300009",
                                      "id_number": "", "subgroup": ""})
    assert f"此人已是本次比武参赛人 V002 的书记，{SAME}" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert [h.user.display_name for h in entry.holders] == ["书记甲"]


def test_a_judge_row_with_a_wrong_value_is_also_checked_for_duplicates(client: FlaskClient, world: World) -> None:
    login(client, "city")
    data = xlsx([["周评", "13935300021", "市财政局", "法律", "", "", ""],
                 ["周评", "13935300021", "市农业农村局", "农业", "", "", ""]], JUDGE_HEADERS, "评委")
    response = upload(client, "judges", data)
    assert response.status_code == 400
    assert problems_of(response.get_data(as_text=True)) == [
        ("评委", "2", "D（领域）", "法律", "未知的领域“法律”，应为：组织、农业、财政金融、文化旅游、基层党建"),
        ("评委", "2", "A（姓名）", "周评", "同名同手机号的评委与第 3 行重复"),
        ("评委", "3", "A（姓名）", "周评", "同名同手机号的评委与第 2 行重复")]


def test_restoring_a_withdrawn_entry_whose_secretary_now_holds_another_is_refused(
        client: FlaskClient, world: World) -> None:
    # Withdrawn, its secretary may lead another entry (the duplicate check looks at active entries); restoring the
    # first one must not make one person the secretary of two active entries.
    add_places(world)
    world.users["secretary"].phone = "13935300008"  # 书记甲, secretary of V001 (西关村)
    db.session.commit()
    login(client, "city")
    first = world.entries["pingding"]
    switch = f"/organize/people/contestants/{first.id}/active"
    token = csrf_from(client.get(f"/organize/people/contestants/{first.id}").get_data(as_text=True))
    assert client.post(switch, data={"csrf_token": token, "active": "0"}).status_code == 302
    url = "/organize/people/contestants/new"
    response = client.post(url, data={"csrf_token": token, "group": "村党组织书记组", "place": "平定县/冠山镇",
                                      "village": "南关村", "name": "书记甲", "phone": "13935300008", "id_number": "",
                                      "subgroup": ""})
    assert response.status_code == 302
    second = db.session.execute(select(Entry).where(Entry.id != first.id).order_by(Entry.id.desc())).scalars().first()
    assert second is not None and second.current_holder.user.display_name == "书记甲"
    response = client.post(switch, data={"csrf_token": token, "active": "1"})
    assert response.status_code == 400
    assert f"此人已是本次比武参赛人 {second.public_number} 的书记，{SAME}" in response.get_data(as_text=True)
    db.session.refresh(first)
    assert first.active is False
