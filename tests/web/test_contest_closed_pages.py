"""Pages of an ended contest say so and offer no write that would be refused (the desk, the judge's phone, paper
entry, the contest's setup tabs)."""

from flask.testing import FlaskClient

from tests.conftest import login
from tests.factories import World
from tests.people_data import batches, upload, village_row, xlsx
from tests.web.test_contest_closed import judge_named, set_status
from tests.web.test_judging import confirm, hall, ids

__all__ = ["hall"]  # the fixture, used by name

READ_ONLY = "本次比武已结束，只能查看：2022年度大比武的评分、名单和设置都不能再修改。"


def text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return " ".join(response.get_data(as_text=True).split())


def test_the_desk_of_an_ended_contest_reads_only(client: FlaskClient, hall: World) -> None:
    round_id = ids(hall)[0]
    login(client, "city")
    running = text(client, f"/organize/desk/round/{round_id}")
    assert "关闭评分" in running and "开放整轮评分" in running and READ_ONLY not in running
    set_status(hall, "closed")
    ended = text(client, f"/organize/desk/round/{round_id}")
    assert READ_ONLY in ended
    assert "关闭评分" not in ended and "开放整轮评分" not in ended
    assert "未关闭，但比武已结束，不再受理评分" in ended and "开放中" not in ended


def test_the_judges_phone_of_an_ended_contest_offers_no_correction(client: FlaskClient, hall: World) -> None:
    round_id, entry_id, _ = ids(hall)
    login(client, "judge")
    assert confirm(client, hall, ("18", "18"), "token-pppppppp")[0] == 200
    assert "申请更正" in text(client, f"/judge/r/{round_id}/e/{entry_id}")
    set_status(hall, "closed")
    sheet = text(client, f"/judge/r/{round_id}/e/{entry_id}")
    assert READ_ONLY in sheet and "申请更正" not in sheet
    assert "已结束 · 只能查看" in text(client, "/judge/")
    assert READ_ONLY in text(client, f"/judge/rounds/{round_id}")


def test_an_unsubmitted_sheet_of_an_ended_contest_has_no_form(client: FlaskClient, hall: World) -> None:
    round_id, entry_id, _ = ids(hall)
    login(client, "judge")
    set_status(hall, "closed")
    sheet = text(client, f"/judge/r/{round_id}/e/{entry_id}")
    assert "本评分表未提交；比武已结束，不能再填写或提交。" in sheet
    assert 'id="sheet-form"' not in sheet


def test_paper_entry_of_an_ended_contest_has_no_form(client: FlaskClient, hall: World) -> None:
    round_id, entry_id, _ = ids(hall)
    judge_id = judge_named("judge").id
    login(client, "clerk")
    home = text(client, "/organize/paper/")
    assert "2022年 年初比规划</option>" in home
    set_status(hall, "closed")
    assert "2022年 年初比规划（已结束，只能查看）</option>" in text(client, "/organize/paper/")
    page = text(client, f"/organize/paper/r/{round_id}/j/{judge_id}/e/{entry_id}")
    assert READ_ONLY in page and 'name="comment"' not in page


def test_the_contest_setup_tabs_of_an_ended_contest_say_so(client: FlaskClient, hall: World) -> None:
    login(client, "city")
    assert "只能查看" not in text(client, f"/organize/contests/{hall.contest.id}/groups")
    set_status(hall, "closed")
    note = ("本次比武已结束，只能查看：组别、轮次、评分指标和加减分项都不能再修改。"
            "如确需更改，请先在“基本设置”中单独将状态改回“进行中”并保存。")
    assert note in text(client, f"/organize/contests/{hall.contest.id}/groups")


def test_the_home_of_an_ended_contest_says_how_to_start_the_next_one(client: FlaskClient, hall: World) -> None:
    login(client, "city")
    set_status(hall, "closed")
    assert ("开始新一届比武：由市级组织者在“比武设置”中新建或复制上一年度，再把新一届的状态设为“进行中”。"
            in text(client, "/organize/"))


def test_an_ended_contest_takes_no_people_file_and_checks_none(client: FlaskClient, hall: World) -> None:
    login(client, "city")
    set_status(hall, "closed")
    page = text(client, "/organize/people/import")
    assert READ_ONLY in page and "上传并检查" not in page
    before = batches()
    # A row with several problems: none is listed, as fixing them would end in the same refusal.
    response = upload(client, "contestants", xlsx([village_row(name="", phone="123")]))
    refused = " ".join(response.get_data(as_text=True).split())
    assert response.status_code == 400
    assert "参赛人文件未导入：</strong>本次比武已结束：“2022年度大比武”的评分、名单和设置都不能再修改" in refused
    assert "问题清单" not in refused
    assert batches() == before
