"""Judging on phones: assigned sheets only, the scoring window, PIN confirmation, versions, idempotency."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.contests.models import Criterion
from app.extensions import db
from app.judges.models import Judge
from app.judges.services import pin_digest
from app.judging.models import ScoreSheet, SheetVersion
from app.panels.models import ScoringWindow
from app.panels.services import PanelSpec, create_manual
from tests.conftest import csrf_from, login
from tests.factories import World, make_user

PIN = "246810"


@pytest.fixture()
def hall(world: World) -> World:
    """Three judges (PIN 246810) on a panel for the village group's plan round, two criteria of 20 points."""
    rnd = world.contest.rounds[0]
    rnd.criteria.append(Criterion(name="目标任务", max_points=Decimal(20), step=Decimal("0.5"), position=2))
    rnd.deviation_points = Decimal(10)
    judges = [db.session.execute(select(Judge)).scalar_one()]
    for name in ("judge2", "judge3"):
        user = make_user(name, "judge", name=name)
        db.session.flush()
        judges.append(Judge(contest_id=world.contest.id, user_id=user.id, unit="市财政局", field="finance"))
        db.session.add(judges[-1])
    db.session.flush()
    for judge in judges:
        judge.pin_digest = pin_digest(judge.id, PIN)
    db.session.commit()
    group = next(g for g in world.contest.groups if g.code == "village")
    create_manual(world.users["city_organizer"], PanelSpec(rnd.id, group.id, "路演评委组"), [j.id for j in judges])
    # Opened on the contest day, so the phones' offline confirmation times below (02:01 UTC) fall inside it.
    db.session.add(ScoringWindow(round_id=rnd.id, opened_by_id=world.users["city_organizer"].id,
                                 opened_at=datetime(2022, 3, 15, 1, 0)))
    db.session.commit()
    return world


def ids(world: World) -> tuple[int, int, list[int]]:
    rnd = world.contest.rounds[0]
    return rnd.id, world.entries["pingding"].id, [c.id for c in rnd.criteria]


FLASH_STORED = re.compile(r'<div class="alert alert-success[^"]*" role="status">\s*([^<]+?)\s*<button')


def confirm(client: FlaskClient, world: World, values: tuple[str, str], token: str, pin: str = PIN,
            **extra: str) -> tuple[int, dict[str, object]]:
    round_id, entry_id, criteria = ids(world)
    csrf = csrf_from(client.get(f"/judge/r/{round_id}/e/{entry_id}").get_data(as_text=True))
    data = {"csrf_token": csrf, "client_token": token, "pin": pin, "comment": "思路清晰",
            f"m-{criteria[0]}": values[0], f"m-{criteria[1]}": values[1]} | extra
    response = client.post(f"/judge/r/{round_id}/e/{entry_id}/confirm", data=data,
                           headers={"Accept": "application/json"})
    return response.status_code, response.get_json()


def versions() -> list[SheetVersion]:
    return list(db.session.execute(select(SheetVersion).order_by(SheetVersion.id)).scalars())


def test_a_judge_sees_assigned_contestants_and_who_is_on_stage(client: FlaskClient, hall: World) -> None:
    login(client, "judge")
    html = client.get("/judge/").get_data(as_text=True)
    assert "V001" in html and "V002" in html and "未评" in html
    assert "正在台上" not in html
    round_id, entry_id, _ = ids(hall)
    db.session.add(ScoringWindow(round_id=round_id, entry_id=entry_id, opened_by_id=hall.users["city_organizer"].id))
    db.session.commit()
    assert "正在台上 · 请评分" in client.get("/judge/list").get_data(as_text=True)


def test_a_confirmed_sheet_stores_one_version_with_its_marks_and_total(client: FlaskClient, hall: World) -> None:
    login(client, "judge")
    status, body = confirm(client, hall, ("18.5", "17"), "token-aaaaaaaa")
    assert (status, body["stored"], body["duplicate"]) == (200, True, False)
    [version] = versions()
    assert (version.number, version.total, version.comment) == (1, Decimal("35.5"), "思路清晰")
    assert sorted(m.value for m in version.marks) == [Decimal(17), Decimal("18.5")]
    assert version.sheet.state == "submitted"
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "sheet_submitted")).scalar_one()
    assert event.after["total"] == "35.5" and event.after["version"] == 1


def test_the_service_workers_background_fetch_leaves_the_stored_message_for_the_page_the_judge_opens(
        client: FlaskClient, hall: World) -> None:
    # After a confirm the phone opens the list while its service worker fetches the list and the sheet to keep
    # them offline: the worker's fetches (X-Judge-Keep) must not take "评分表已提交并锁定" away from the judge.
    login(client, "judge")
    confirm(client, hall, ("18.5", "17"), "token-kkkkkkkk")
    round_id, entry_id, _ = ids(hall)
    for path in ("/judge/", f"/judge/r/{round_id}/e/{entry_id}"):
        kept = client.get(path, headers={"X-Judge-Keep": "1"})
        assert kept.status_code == 200 and "flash-messages" not in kept.get_data(as_text=True)
    assert FLASH_STORED.findall(client.get("/judge/").get_data(as_text=True)) == ["评分表已提交并锁定。"]
    assert FLASH_STORED.findall(client.get("/judge/").get_data(as_text=True)) == []


def test_a_retry_with_the_same_token_stores_nothing_more(client: FlaskClient, hall: World) -> None:
    login(client, "judge")
    confirm(client, hall, ("18.5", "17"), "token-bbbbbbbb")
    status, body = confirm(client, hall, ("18.5", "17"), "token-bbbbbbbb")
    assert (status, body["stored"], body["duplicate"]) == (200, True, True)
    assert len(versions()) == 1


def test_a_second_submission_of_a_locked_sheet_is_refused(client: FlaskClient, hall: World) -> None:
    login(client, "judge")
    confirm(client, hall, ("18.5", "17"), "token-cccccccc")
    status, body = confirm(client, hall, ("10", "10"), "token-dddddddd")
    assert status == 400 and "已提交并锁定" in body["error"]
    assert [v.total for v in versions()] == [Decimal("35.5")]


@pytest.mark.parametrize(("values", "message"), [
    (("20.5", "10"), "“发展思路”：分数须在 0–20 之间"),
    (("18.3", "10"), "“发展思路”：分数须为 0.5 的整数倍"),
    (("", "10"), "“发展思路”：请填写分数"),
    (("abc", "10"), "“发展思路”：“abc”不是有效的数字"),
    (("-1", "10"), "“发展思路”：分数须在 0–20 之间"),
    (("1e1", "10"), "“发展思路”：“1e1”不是有效的数字"),  # Decimal() would read these; a phone never sends them
    (("1_0", "10"), "“发展思路”：“1_0”不是有效的数字"),
    (("１５", "10"), "“发展思路”：“１５”不是有效的数字"),
    (("NaN", "10"), "“发展思路”：“NaN”不是有效的数字"),
    # Checked as typed, before any arithmetic: a 28-digit subtraction would round this onto the step
    (("9.49999999999999999999999999999", "10"), "“发展思路”：分数最多保留 4 位小数"),
    (("9.50001", "10"), "“发展思路”：分数最多保留 4 位小数"),
    (("1" * 5000, "10"), "“发展思路”：分数须在 0–20 之间"),
])
def test_bad_marks_are_refused_with_the_criterion_named_and_nothing_stored(
    client: FlaskClient, hall: World, values: tuple[str, str], message: str
) -> None:
    login(client, "judge")
    status, body = confirm(client, hall, values, "token-eeeeeeee")
    assert status == 400 and message in body["error"]
    assert versions() == []


def test_a_wrong_pin_stores_nothing(client: FlaskClient, hall: World) -> None:
    login(client, "judge")
    status, body = confirm(client, hall, ("18.5", "17"), "token-ffffffff", pin="000000")
    assert (status, body) == (400, {"stored": False, "error": "PIN 不正确，还可再试 4 次", "code": "pin",
                                    "locked": False})
    assert versions() == []


def test_the_fifth_wrong_pin_answers_locked_so_the_page_stops_asking(client: FlaskClient, hall: World) -> None:
    login(client, "judge")
    for attempt in range(4):
        assert confirm(client, hall, ("18.5", "17"), f"token-lock{attempt}aaa", pin="000000")[1]["locked"] is False
    status, body = confirm(client, hall, ("18.5", "17"), "token-lock4aaa", pin="000000")
    assert (status, body["code"], body["locked"]) == (400, "pin", True)
    assert body["error"] == "PIN 连续错误 5 次，已锁定 15 分钟，请联系工作人员"
    status, body = confirm(client, hall, ("18.5", "17"), "token-lock5aaa")  # the right PIN, while locked
    assert (status, body["code"], body["locked"]) == (400, "pin", True) and body["error"].startswith("PIN 已锁定")
    status, body = confirm(client, hall, ("25", "17"), "token-lock6aaa")  # not a PIN refusal: no code
    assert (status, "code" in body) == (400, False)


def test_the_review_page_of_a_closed_window_says_so_and_asks_for_no_pin(client: FlaskClient, hall: World) -> None:
    token = login(client, "judge")
    round_id, entry_id, criteria = ids(hall)
    form = {"csrf_token": token, "comment": "", f"m-{criteria[0]}": "18", f"m-{criteria[1]}": "17"}
    html = client.post(f"/judge/r/{round_id}/e/{entry_id}/review", data=form).get_data(as_text=True)
    assert 'id="window-closed"' not in html and "<fieldset >" in html
    db.session.execute(ScoringWindow.__table__.update().values(closed_at=datetime(2022, 3, 15, 3, 0)))
    db.session.commit()
    html = client.post(f"/judge/r/{round_id}/e/{entry_id}/review", data=form).get_data(as_text=True)
    assert "该参赛人的评分尚未开放或已关闭，现在不能提交。评分已保存为草稿" in html
    assert "<fieldset disabled>" in html and "autofocus" not in html


@pytest.mark.parametrize("pin", ["", "12345", "１２３４５６", "1234567"])
def test_a_pin_that_is_not_six_digits_is_refused_without_costing_an_attempt(
    client: FlaskClient, hall: World, pin: str
) -> None:
    login(client, "judge")
    status, body = confirm(client, hall, ("18.5", "17"), "token-ffffffff", pin=pin)
    assert (status, body["error"]) == (400, "PIN 为登录卡上的 6 位数字，请重新输入")
    status, body = confirm(client, hall, ("18.5", "17"), "token-ffffffff", pin="000000")
    assert status == 400 and "PIN 不正确，还可再试 4 次" in body["error"]  # the first attempt counted
    assert versions() == []


def test_a_closed_window_refuses_a_sheet_but_keeps_one_confirmed_offline_as_late(
    client: FlaskClient, hall: World
) -> None:
    db.session.execute(ScoringWindow.__table__.update().values(closed_at=datetime(2022, 3, 15, 3, 0)))
    db.session.commit()
    login(client, "judge")
    status, body = confirm(client, hall, ("18.5", "17"), "token-gggggggg")
    assert status == 400 and "尚未开放或已经关闭" in body["error"]
    status, body = confirm(client, hall, ("18.5", "17"), "token-hhhhhhhh", confirmed_offline_at="2022-03-15T02:01:00Z")
    assert (status, body["stored"], body["late"]) == (200, True, True)
    [version] = versions()
    assert (version.late, version.counted, version.source, version.sheet.state) == (True, False, "offline", "late")
    # The organizer accepts it with a reason; then it counts.
    organizer = client.application.test_client()
    token = login(organizer, "city")
    round_id = ids(hall)[0]
    response = organizer.post(f"/organize/desk/round/{round_id}/version/{version.id}/accept",
                              data={"reason": "现场网络中断，监督员见证", "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert (versions()[0].counted, versions()[0].sheet.state) == (True, "submitted")


def test_a_sheet_far_from_the_others_asks_the_judge_to_look_again(client: FlaskClient, hall: World) -> None:
    for username, token in (("judge2", "token-j2j2j2j2"), ("judge3", "token-j3j3j3j3")):
        other = client.application.test_client()
        login(other, username)
        assert confirm(other, hall, ("18", "18"), token)[1]["stored"] is True
    login(client, "judge")
    status, body = confirm(client, hall, ("10", "10"), "token-iiiiiiii")
    assert (status, body["stored"], body["deviation"]) == (200, False, True)
    assert body["message"] == "您的评分与其他评委差异较大，请确认是否无误"
    assert len(versions()) == 2
    status, body = confirm(client, hall, ("10", "10"), "token-iiiiiiii", acknowledge_deviation="1")
    assert body["stored"] is True
    assert versions()[-1].deviation_flag is True


def test_a_correction_adds_a_version_and_keeps_the_first(client: FlaskClient, hall: World) -> None:
    token = login(client, "judge")
    confirm(client, hall, ("18.5", "17"), "token-kkkkkkkk")
    round_id, entry_id, _ = ids(hall)
    html = client.get(f"/judge/r/{round_id}/e/{entry_id}").get_data(as_text=True)
    assert '<label class="form-label" for="correction-reason">需要更正的原因（不超过200字）</label>' in html
    client.post(f"/judge/r/{round_id}/e/{entry_id}/correction", data={"reason": "第二项看错", "csrf_token": token})
    assert re.findall(r'>(已提交[^<]*)</span>', client.get("/judge/").get_data(as_text=True)) == ["已提交 · 已申请更正"]
    sheet = db.session.execute(select(ScoreSheet)).scalar_one()
    organizer = client.application.test_client()
    org_token = login(organizer, "city")
    assert organizer.post(f"/organize/desk/round/{round_id}/sheet/{sheet.id}/reopen",
                          data={"reason": "评委申请，核实属实", "csrf_token": org_token}).status_code == 302
    listed = client.get("/judge/").get_data(as_text=True)  # the judge's turn now: no stale 已申请更正
    assert "已申请更正" not in listed and re.findall(r'>(待更正[^<]*)</span>', listed) == ["待更正"]
    _, _, criteria = ids(hall)
    form = {"csrf_token": token, "comment": "", f"m-{criteria[0]}": "18.5", f"m-{criteria[1]}": "19"}
    review = client.post(f"/judge/r/{round_id}/e/{entry_id}/review", data=form).get_data(as_text=True)
    cells = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr[ >].*?</tr>", review, re.S)]
    assert cells == ["评分项 原第 1 版 本次", "发展思路 18.5 18.5", "目标任务 已修改 17 19", "合计 35.5 37.5"]
    status, body = confirm(client, hall, ("18.5", "19"), "token-llllllll")
    assert body["stored"] is True
    db.session.expire_all()
    assert [(v.number, v.total) for v in versions()] == [(1, Decimal("35.5")), (2, Decimal("37.5"))]
    assert versions()[1].reason == "评委申请：第二项看错；组织者重新开放：评委申请，核实属实"
    actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "score_sheet")
                                 .order_by(AuditEvent.id)).scalars().all()
    assert actions == ["sheet_submitted", "correction_requested", "sheet_reopened", "sheet_submitted"]


def test_a_judge_cannot_open_a_sheet_not_assigned_to_them(client: FlaskClient, hall: World) -> None:
    other_round = hall.contest.rounds[1].id  # no panel there
    login(client, "judge")
    entry_id = ids(hall)[1]
    response = client.get(f"/judge/r/{other_round}/e/{entry_id}")
    assert response.status_code == 403 and "未分配给您评分" in response.get_data(as_text=True)
    assert client.get(f"/judge/r/{ids(hall)[0]}/e/999999").status_code == 404


def test_a_recused_judge_cannot_open_that_sheet(client: FlaskClient, hall: World) -> None:
    organizer = client.application.test_client()
    token = login(organizer, "city")
    judge = db.session.execute(select(Judge).join(Judge.user).where(Judge.user.has(username="judge"))).scalar_one()
    round_id, entry_id, _ = ids(hall)
    organizer.post(f"/organize/panels/round/{round_id}/recusals", data={
        "recusal-judge_id": judge.id, "recusal-public_number": "V001", "recusal-reason": "曾在该村任职",
        "csrf_token": token})
    login(client, "judge")
    assert client.get(f"/judge/r/{round_id}/e/{entry_id}").status_code == 403


def test_a_draft_is_kept_and_shown_again(client: FlaskClient, hall: World) -> None:
    token = login(client, "judge")
    round_id, entry_id, criteria = ids(hall)
    response = client.post(f"/judge/r/{round_id}/e/{entry_id}/draft",
                           data={"csrf_token": token, f"m-{criteria[0]}": "15.5", "comment": "草稿"})
    assert response.get_json() == {"saved": True}
    html = client.get(f"/judge/r/{round_id}/e/{entry_id}").get_data(as_text=True)
    assert 'value="15.5"' in html and "草稿" in html
    assert db.session.execute(select(func.count()).select_from(SheetVersion)).scalar_one() == 0


def test_secretaries_never_reach_judge_pages(client: FlaskClient, hall: World) -> None:
    login(client, "sec")
    round_id, entry_id, _ = ids(hall)
    assert client.get(f"/judge/r/{round_id}/e/{entry_id}").status_code == 403


def test_organizers_and_supervisors_see_every_version_of_a_sheet(client: FlaskClient, hall: World) -> None:
    token = login(client, "judge")
    confirm(client, hall, ("18.5", "17"), "token-hist0001")
    round_id, entry_id, _ = ids(hall)
    client.post(f"/judge/r/{round_id}/e/{entry_id}/correction", data={"reason": "看错", "csrf_token": token})
    sheet = db.session.execute(select(ScoreSheet)).scalar_one()
    organizer = client.application.test_client()
    org_token = login(organizer, "city")
    organizer.post(f"/organize/desk/round/{round_id}/sheet/{sheet.id}/reopen",
                   data={"reason": "核实属实", "csrf_token": org_token})
    confirm(client, hall, ("18.5", "19"), "token-hist0002")
    html = organizer.get(f"/organize/desk/sheet/{sheet.id}").get_data(as_text=True)
    assert "第 1 版" in html and "第 2 版" in html and "35.5" in html
    assert "评委申请更正（评委甲，" in html and "）：看错" in html and "组织者重新开放（市组织者，" in html
    listing = organizer.get(f"/organize/desk/sheets?round={round_id}&number=v001").get_data(as_text=True)
    assert "V001" in listing and "judge" in listing
    supervisor = client.application.test_client()
    login(supervisor, "sup")
    assert "第 2 版" in supervisor.get(f"/supervise/sheets/{sheet.id}").get_data(as_text=True)
    county = client.application.test_client()
    login(county, "yxorg")  # V001 is in 平定县
    assert county.get(f"/organize/desk/sheet/{sheet.id}").status_code == 404


def test_a_judges_report_reaches_the_progress_page(client: FlaskClient, hall: World) -> None:
    token = login(client, "judge")
    round_id = ids(hall)[0]
    client.post("/judge/report", data={"round_id": round_id, "message": "台上不是V001", "csrf_token": token})
    organizer = client.application.test_client()
    login(organizer, "city")
    html = organizer.get(f"/organize/panels/round/{round_id}/progress").get_data(as_text=True)
    assert "评委反馈的问题" in html and "评委甲：台上不是V001" in html
