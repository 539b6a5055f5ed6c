"""Contestants and judges one at a time: lists with masking, add, edit (换届), deactivate, exports, scope."""

import io
from datetime import date

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.people.imports import demo_contestants_xlsx
from tests.conftest import csrf_from, login
from tests.factories import World
from tests.people_data import (
    CODE_RE,
    VALID_ID,
    add_places,
    batch_id_of,
    clean_subgroups,  # noqa: F401  (autouse: sub-groups go first)
    commit,
    upload,
)


def post_form(client: FlaskClient, url: str, **data: str) -> object:
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def new_contestant(**fields: str) -> dict[str, str]:
    return {"group": "村党组织书记组", "place": "平定县/冠山镇", "village": "南关村", "name": "王建国",
            "phone": "13935300001", "id_number": "", "subgroup": ""} | fields


def test_the_contestant_list_masks_phone_and_id_numbers(client: FlaskClient, world: World) -> None:
    sec = world.users["secretary"]
    sec.phone, sec.id_number = "13935301234", VALID_ID
    db.session.commit()
    login(client, "city")
    html = client.get("/organize/people/").get_data(as_text=True)
    assert "***1234" in html and "1101**********002X" in html
    assert "13935301234" not in html and VALID_ID not in html
    assert "平定县冠山镇西关村" in html and "盂县秀水镇东关村" in html


def test_a_county_organizer_lists_only_their_countys_contestants_and_judges(
        client: FlaskClient, world: World) -> None:
    own = Judge(contest_id=world.contest.id, user=world.users["other_secretary"], unit="盂县委组织部",
                field="grassroots", home_county_id=world.yuxian.id)
    db.session.add(own)
    db.session.commit()
    login(client, "pdorg")
    html = client.get("/organize/people/").get_data(as_text=True)
    assert "西关村" in html and "东关村" not in html
    assert "盂县委组织部" not in client.get("/organize/people/judges/").get_data(as_text=True)


def test_the_list_filters_by_group_county_and_township(client: FlaskClient, world: World) -> None:
    places = add_places(world)
    login(client, "city")
    html = client.get(f"/organize/people/?county={world.yuxian.id}").get_data(as_text=True)
    assert "东关村" in html and "西关村" not in html
    html = client.get(f"/organize/people/?township={places['niangziguan'].id}").get_data(as_text=True)
    assert "没有符合条件的参赛人" in html


def test_adding_a_contestant_checks_like_an_import_and_numbers_the_entry(client: FlaskClient, world: World) -> None:
    add_places(world)
    login(client, "city")
    response = post_form(client, "/organize/people/contestants/new", **new_contestant(village="北村"))
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "“北村”不属于冠山镇（属于秀水镇）" in html
    response = post_form(client, "/organize/people/contestants/new", **new_contestant(subgroup="培训班A班"))
    entry = db.session.execute(select(Entry).where(Entry.public_number == "V003")).scalar_one()
    assert response.headers["Location"] == f"/organize/people/contestants/{entry.id}"  # type: ignore[attr-defined]
    assert entry.current_holder.user.username == "s140321100202" and entry.subgroup.name == "培训班A班"
    assert db.session.execute(select(AuditEvent.action).where(AuditEvent.object_id == str(entry.id))).scalars().all() \
        == ["entry_created"]


def test_a_new_secretary_name_is_a_handover_that_keeps_the_history(client: FlaskClient, world: World) -> None:
    login(client, "city")
    entry = world.entries["pingding"]
    url = f"/organize/people/contestants/{entry.id}/edit"
    response = post_form(client, url, name="新书记", phone="13935300077", id_number="", subgroup="")
    assert response.headers["Location"] == f"/organize/people/contestants/{entry.id}"  # type: ignore[attr-defined]
    db.session.refresh(entry)
    assert [(h.user.display_name, h.user.username, h.ended_on) for h in entry.holders] == [
        ("书记甲", "sec", date.today()), ("新书记", "s140321100201", None)]
    assert entry.current_holder.user.activation_digest and entry.current_holder.user.password_hash is None
    html = client.get(f"/organize/people/contestants/{entry.id}").get_data(as_text=True)
    assert "书记甲" in html and "新书记" in html and "至今" in html
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "entry_holder_changed")).scalar_one()
    assert (event.before["holder_name"], event.after["holder_name"]) == ("书记甲", "新书记")


def test_editing_the_same_secretary_changes_details_without_a_handover(client: FlaskClient, world: World) -> None:
    login(client, "city")
    entry = world.entries["pingding"]
    post_form(client, f"/organize/people/contestants/{entry.id}/edit", name="书记甲", phone="13935300078",
              id_number=VALID_ID, subgroup="")
    db.session.refresh(entry)
    assert len(entry.holders) == 1
    assert (entry.current_holder.user.phone, entry.current_holder.user.id_number) == ("13935300078", VALID_ID)
    response = post_form(client, f"/organize/people/contestants/{entry.id}/edit", name="书记甲", phone="123",
                         id_number="", subgroup="")
    assert "不是有效的手机号码" in response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_deactivating_a_contestant_is_audited_and_shown(client: FlaskClient, world: World) -> None:
    login(client, "city")
    entry = world.entries["pingding"]
    token = csrf_from(client.get(f"/organize/people/contestants/{entry.id}").get_data(as_text=True))
    client.post(f"/organize/people/contestants/{entry.id}/active", data={"csrf_token": token, "active": "0"})
    db.session.refresh(entry)
    assert entry.active is False
    assert "已停用" in client.get("/organize/people/").get_data(as_text=True)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "entry_deactivated")).scalar_one()
    assert (event.before, event.after) == ({"active": True}, {"active": False})


def test_a_judge_is_added_edited_and_deactivated_one_at_a_time(client: FlaskClient, world: World) -> None:
    login(client, "city")
    post_form(client, "/organize/people/judges/new", name="钱评", phone="13935300031", unit="市财政局",
              field="财政金融", home="", id_number="")
    judge = db.session.execute(select(Judge).where(Judge.unit == "市财政局")).scalar_one()
    assert (judge.user.username, judge.field, judge.home_county_id) == ("j01", "finance", None)
    post_form(client, f"/organize/people/judges/{judge.id}/edit", name="钱评", phone="13935300031",
              unit="平定县财政局", field="财政金融", home="平定县/冠山镇", id_number="")
    db.session.refresh(judge)
    assert (judge.unit, judge.home_county_id, judge.home_township.name) == ("平定县财政局", world.pingding.id, "冠山镇")
    token = csrf_from(client.get("/organize/people/judges/").get_data(as_text=True))
    client.post(f"/organize/people/judges/{judge.id}/active", data={"csrf_token": token, "active": "0"})
    db.session.refresh(judge)
    assert judge.active is False
    actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "judge")).scalars().all()
    assert actions == ["judge_created", "judge_edited", "judge_deactivated"]


def test_contestants_and_judges_are_stopped_and_restored_with_a_message(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    entry = world.entries["pingding"]
    judge = db.session.execute(select(Judge).where(Judge.user_id == world.users["judge"].id)).scalar_one()
    switches = ((entry, f"/organize/people/contestants/{entry.id}", f"参赛人 {entry.public_number}"),
                (judge, "/organize/people/judges/", "评委 评委甲"))
    for item, back, described in switches:
        path = f"/organize/people/{'contestants' if item is entry else 'judges'}/{item.id}/active"
        for posted, word, active in (("0", "停用", False), ("1", "恢复", True)):
            response = client.post(path, data={"csrf_token": token, "active": posted})
            assert response.headers["Location"] == back
            assert f"已{word}{described}。" in client.get(back).get_data(as_text=True)
            db.session.refresh(item)
            assert item.active is active


def test_exports_mask_ids_and_neutralise_formulas(client: FlaskClient, world: World) -> None:
    sec = world.users["secretary"]
    sec.display_name, sec.id_number, sec.phone = "=HYPERLINK(\"http://x\")", VALID_ID, "13935301234"
    judge = db.session.execute(select(Judge)).scalar_one()
    judge.unit = "+cmd|' /C calc'!A0"
    db.session.commit()
    login(client, "city")
    sheet = load_workbook(io.BytesIO(client.get("/organize/people/contestants/export.xlsx").data))["参赛人"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["编号", "组别", "子组别", "县区", "乡镇", "村", "书记姓名", "用户名",
                                           "手机号", "身份证号", "状态"]
    assert [c.value for c in sheet[2]] == ["V001", "村党组织书记组", None, "平定县", "冠山镇", "西关村",
                                           "=HYPERLINK(\"http://x\")", "sec", "***1234", "1101**********002X", "参赛"]
    assert (sheet["G2"].data_type, sheet["G2"].quotePrefix) == ("s", True)  # text, not a formula
    judges = load_workbook(io.BytesIO(client.get("/organize/people/judges/export.xlsx").data))["评委"]
    assert [c.value for c in judges[2]][:4] == ["judge", "评委甲", "+cmd|' /C calc'!A0", "农业"]
    assert (judges["C2"].data_type, judges["C2"].quotePrefix) == ("s", True)


def test_a_forgotten_password_is_reset_with_a_new_code_that_signs_in(client: FlaskClient, world: World) -> None:
    login(client, "city")
    entry = world.entries["pingding"]
    token = csrf_from(client.get(f"/organize/people/contestants/{entry.id}").get_data(as_text=True))
    html = client.post(f"/organize/people/contestants/{entry.id}/code", data={"csrf_token": token}).get_data(
        as_text=True)
    code = CODE_RE.search(html).group(1)  # type: ignore[union-attr]
    person = client.application.test_client()
    token = csrf_from(person.get("/login").get_data(as_text=True))
    assert person.post("/login", data={"username": "sec", "password": "Passw0rd!", "csrf_token": token}
                       ).status_code == 200
    response = person.post("/login", data={"username": "sec", "password": code, "csrf_token": token})
    assert response.headers["Location"] == "/login/password"


def other_countys_ids(world: World) -> dict[str, int]:
    judge = Judge(contest_id=world.contest.id, user=world.users["other_secretary"], unit="盂县委组织部",
                  field="grassroots", home_county_id=world.yuxian.id)
    db.session.add(judge)
    db.session.commit()
    return {"entry_id": world.entries["yuxian"].id, "judge_id": judge.id}


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/organize/people/contestants/{entry_id}"),
    ("GET", "/organize/people/contestants/{entry_id}/edit"),
    ("POST", "/organize/people/contestants/{entry_id}/edit"),
    ("POST", "/organize/people/contestants/{entry_id}/active"),
    ("POST", "/organize/people/contestants/{entry_id}/code"),
    ("GET", "/organize/people/judges/{judge_id}/edit"),
    ("POST", "/organize/people/judges/{judge_id}/edit"),
    ("POST", "/organize/people/judges/{judge_id}/active"),
    ("POST", "/organize/people/judges/{judge_id}/code"),
])
def test_a_county_organizer_gets_404_for_another_countys_ids(
        client: FlaskClient, world: World, method: str, path: str) -> None:
    url = path.format(**other_countys_ids(world))
    token = login(client, "pdorg")
    data = {"csrf_token": token, "active": "0", "name": "改名", "phone": "13935300001", "unit": "x", "field": "农业"}
    response = client.get(url) if method == "GET" else client.post(url, data=data)
    assert response.status_code == 404
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action.notin_(["login"]))).first() is None


def test_the_demo_file_of_a_contest_imports_into_an_empty_contest(client: FlaskClient, world: World) -> None:
    from app.contests.demo import CONTEST_NAME
    from app.contests.models import Contest, Group

    world.users["secretary"].phone, world.users["other_secretary"].phone = "13935300041", "13935300042"
    data = demo_contestants_xlsx(world.contest)
    # Imports go to the current contest: the one the organizer set in progress (2022 has ended).
    world.contest.status = "closed"
    copy = Contest(year=2023, name="2023年度大比武", status="running", tie_break=[])
    copy.groups = [Group(code="township", name="乡镇党委书记组", position=1),
                   Group(code="village", name="村党组织书记组", position=2)]
    db.session.add(copy)
    db.session.commit()
    login(client, "city")
    assert "下载演示导入文件" not in client.get("/organize/people/import").get_data(as_text=True)
    commit(client, batch_id_of(upload(client, "contestants", data)))
    made = db.session.execute(select(Entry).where(Entry.contest_id == copy.id).order_by(Entry.public_number)
                              ).scalars().all()
    assert [(e.public_number, e.unit_name, e.current_holder.user.display_name) for e in made] == [
        ("V001", "平定县冠山镇西关村", "书记甲"), ("V002", "盂县秀水镇东关村", "书记乙")]
    world.users["judge"].is_demo = True
    world.contest.name = CONTEST_NAME  # the demo's contest, whose entries the link exports
    db.session.commit()
    assert "下载演示导入文件" in client.get("/organize/people/import").get_data(as_text=True)


def test_edit_forms_never_show_the_phone_and_a_blank_phone_stays_unchanged(client: FlaskClient, world: World) -> None:
    sec = world.users["secretary"]
    sec.phone = "13935301234"
    db.session.commit()
    login(client, "city")
    entry = world.entries["pingding"]
    url = f"/organize/people/contestants/{entry.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert "已登记：***1234" in html and "13935301234" not in html
    post_form(client, url, name="书记甲", phone="", id_number="", subgroup="")
    db.session.refresh(sec)
    assert sec.phone == "13935301234"
    response = post_form(client, url, name="新书记", phone="", id_number="", subgroup="")
    assert "必填项未填写" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    db.session.refresh(entry)
    assert len(entry.holders) == 1


def test_the_demo_file_link_gives_every_entry_as_an_import_row(client: FlaskClient, world: World) -> None:
    from app.contests.demo import CONTEST_NAME

    world.contest.name = CONTEST_NAME
    world.users["judge"].is_demo = True
    db.session.commit()
    login(client, "city")
    sheet = load_workbook(io.BytesIO(client.get("/organize/people/demo/contestants.xlsx").data))["参赛人"]
    assert [[c.value for c in row][:5] for row in sheet.iter_rows(min_row=3)] == [
        ["村党组织书记组", "平定县", "冠山镇", "西关村", "书记甲"],
        ["村党组织书记组", "盂县", "秀水镇", "东关村", "书记乙"]]


def test_a_name_that_starts_like_a_formula_survives_an_export_and_a_re_import_unchanged(
        client: FlaskClient, world: World) -> None:
    from app.contests.models import Contest, Group

    world.users["secretary"].phone, world.users["other_secretary"].phone = "13935300041", "13935300042"
    world.users["secretary"].display_name = "-书记甲"  # a stray dash typed before the name
    data = demo_contestants_xlsx(world.contest)
    assert load_workbook(io.BytesIO(data))["参赛人"]["E3"].value == "-书记甲"  # row 2 is the example
    world.contest.status = "closed"  # imports go to the contest in progress: 2023
    copy = Contest(year=2023, name="2023年度大比武", status="running", tie_break=[],
                   groups=[Group(code="village", name="村党组织书记组", position=1)])
    db.session.add(copy)
    db.session.commit()
    login(client, "city")
    commit(client, batch_id_of(upload(client, "contestants", data)))
    made = db.session.execute(select(Entry).where(Entry.contest_id == copy.id, Entry.public_number == "V001")
                              ).scalar_one()
    assert made.current_holder.user.display_name == "-书记甲"  # was "'-书记甲"
