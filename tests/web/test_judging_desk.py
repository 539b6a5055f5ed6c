"""The organizers' desk: late sheets, county scope, judges' reports, reopen reasons, running order, progress."""

from datetime import date, time
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.judges.models import Judge
from app.judges.services import pin_digest
from app.judging.models import DeskReport, Mark, ScoreSheet, SheetReopening, SheetVersion
from app.judging.pages import my_rounds
from app.judging.progress import round_progress
from app.panels.models import ContestSession, ScoringWindow, SessionSlot
from app.panels.services import PanelSpec, create_manual
from app.timeutil import utcnow
from tests.conftest import csrf_from, login
from tests.factories import World

PIN = "135790"


@pytest.fixture()
def desk(world: World) -> World:
    """The world's judge (PIN 135790) scores both villages, V001 (平定县) and V002 (盂县), in the plan round."""
    judge = db.session.execute(select(Judge)).scalar_one()
    judge.pin_digest = pin_digest(judge.id, PIN)
    for rnd in world.contest.rounds:
        rnd.min_judges = 1  # the desk is about one judge's sheets
    db.session.commit()
    group = next(g for g in world.contest.groups if g.code == "village")
    create_manual(world.users["city_organizer"], PanelSpec(world.contest.rounds[0].id, group.id, "路演评委组"),
                  [judge.id])
    db.session.add(ScoringWindow(round_id=world.contest.rounds[0].id, opened_by_id=world.users["city_organizer"].id))
    db.session.commit()
    return world


def round_id(world: World) -> int:
    return int(world.contest.rounds[0].id)


def judge_id() -> int:
    return int(db.session.execute(select(Judge.id)).scalar_one())


def stored(world: World, key: str, *, state: str = "submitted", late: bool = False, asked: str = "",
           total: str = "18") -> ScoreSheet:
    """A sheet with one confirmed version, stored as the judge's phone would have left it."""
    rnd = world.contest.rounds[0]
    sheet = ScoreSheet(round_id=rnd.id, entry_id=world.entries[key].id, judge_id=judge_id(), state=state,
                       correction_requested_at=utcnow() if asked else None, correction_reason=asked)
    version = SheetVersion(number=1, client_token=f"token-{key}-{state}", total=Decimal(total),
                           source="offline" if late else "phone", entered_by_id=world.users["judge"].id,
                           late=late, counted=not late)
    version.marks = [Mark(criterion_id=rnd.criteria[0].id, value=Decimal(total))]
    sheet.versions = [version]
    db.session.add(sheet)
    db.session.commit()
    return sheet


def organizer(client: FlaskClient, username: str) -> tuple[FlaskClient, str]:
    other = client.application.test_client()
    return other, login(other, username)


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# 8. Late sheets are 迟交待审 wherever a state is printed.

def test_a_late_sheet_reads_as_awaiting_review_on_every_page(client: FlaskClient, desk: World) -> None:
    sheet = stored(desk, "pingding", state="late", late=True)
    city, _ = organizer(client, "city")
    chooser = page(city, f"/organize/desk/sheets?round={round_id(desk)}")
    assert "<td>迟交待审</td>" in chooser and ">late<" not in chooser
    history = page(city, f"/organize/desk/sheet/{sheet.id}")
    assert ">迟交待审</span>" in history and "迟交（待审）" in history
    assert ('<span class="badge text-bg-warning">迟交待审</span> 离线确认，评分关闭后送达；接受后才计入'
            in page(city, f"/organize/desk/round/{round_id(desk)}"))
    assert [(i.public_number, i.state_label) for i in my_rounds(desk.users["judge"])[0].items] == [
        ("V001", "迟交待审"), ("V002", "未评")]


# 9. A county organizer's desk is their county's, without the city's actions.

def test_a_county_organizer_desk_lists_only_their_county_and_no_city_actions(
    client: FlaskClient, desk: World
) -> None:
    late = stored(desk, "pingding", state="late", late=True)
    asked = stored(desk, "yuxian", asked="第二项看错")
    db.session.add(ScoringWindow(round_id=round_id(desk), entry_id=desk.entries["yuxian"].id,
                                 opened_by_id=desk.users["city_organizer"].id))
    db.session.commit()
    url = f"/organize/desk/round/{round_id(desk)}"
    city, _ = organizer(client, "city")
    html = page(city, url)
    assert f'id="sheet-{late.id}"' in html and f'id="sheet-{asked.id}"' in html
    assert "接受计入" in html and "重新开放" in html and "关闭评分" in html and "开放整轮评分" in html
    assert "台上参赛人 V002 盂县秀水镇东关村" in html
    pingding, _ = organizer(client, "pdorg")
    html = page(pingding, url)
    assert f'id="sheet-{late.id}"' in html and f'id="sheet-{asked.id}"' not in html
    assert "V002" not in html and "东关村" not in html  # nor the window of 盂县's contestant on stage
    assert "接受计入</button>" not in html and "重新开放</button>" not in html
    assert "关闭评分</button>" not in html and "开放整轮评分" not in html
    assert "待市级组织者处理" in html
    yuxian, _ = organizer(client, "yxorg")
    html = page(yuxian, url)
    assert f'id="sheet-{asked.id}"' in html and f'id="sheet-{late.id}"' not in html
    assert "评委申请更正：第二项看错" in html


def test_a_county_organizer_cannot_see_or_act_on_another_countys_sheet(client: FlaskClient, desk: World) -> None:
    theirs = stored(desk, "yuxian", asked="第二项看错")
    own_late = stored(desk, "pingding", state="late", late=True)
    window = db.session.execute(select(ScoringWindow)).scalar_one()
    pingding, token = organizer(client, "pdorg")
    assert pingding.get(f"/organize/desk/sheet/{theirs.id}").status_code == 404
    assert pingding.get(f"/organize/desk/sheet/{own_late.id}").status_code == 200
    listing = page(pingding, f"/organize/desk/sheets?round={round_id(desk)}")
    assert "V001" in listing and "V002" not in listing
    base = f"/organize/desk/round/{round_id(desk)}"
    assert pingding.post(f"{base}/sheet/{theirs.id}/reopen",
                         data={"reason": "越权", "csrf_token": token}).status_code == 403
    assert pingding.post(f"{base}/version/{own_late.versions[0].id}/accept",
                         data={"reason": "越权", "csrf_token": token}).status_code == 403
    assert pingding.post(f"{base}/close/{window.id}", data={"csrf_token": token}).status_code == 403
    assert pingding.post(f"{base}/open", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert db.session.get(ScoreSheet, theirs.id).state == "submitted"
    assert (own_late.versions[0].counted, own_late.state) == (False, "late")
    assert db.session.get(ScoringWindow, window.id).closed_at is None
    assert db.session.execute(select(SheetReopening)).first() is None


# 11. Judges' reports: checked ids, any round of theirs, marked handled.

def report(client: FlaskClient, token: str, rnd: int, message: str, entry_id: int | None = None) -> int:
    data: dict[str, object] = {"round_id": rnd, "message": message, "csrf_token": token}
    if entry_id is not None:
        data["entry_id"] = entry_id
    return client.post("/judge/report", data=data).status_code


def test_a_report_names_only_a_contestant_assigned_to_the_judge(client: FlaskClient, desk: World) -> None:
    token = login(client, "judge")
    rnd = round_id(desk)
    response = client.post("/judge/report", data={"round_id": rnd, "entry_id": 999999, "message": "台上不对",
                                                  "csrf_token": token})
    assert response.status_code == 400 and "参赛人不存在或未分配给您" in response.get_data(as_text=True)
    city, city_token = organizer(client, "city")
    city.post(f"/organize/panels/round/{rnd}/recusals", data={
        "recusal-judge_id": judge_id(), "recusal-public_number": "V002", "recusal-reason": "亲属",
        "csrf_token": city_token})
    assert report(client, token, rnd, "台上不对", desk.entries["yuxian"].id) == 400
    assert db.session.execute(select(DeskReport)).first() is None
    assert report(client, token, rnd, "台上不是V001", desk.entries["pingding"].id) == 302
    stored_report = db.session.execute(select(DeskReport)).scalar_one()
    assert (stored_report.round_id, stored_report.entry_id, stored_report.message) == (
        rnd, desk.entries["pingding"].id, "台上不是V001")


def test_a_report_is_taken_for_any_round_the_judge_sits_on_a_panel_of(client: FlaskClient, desk: World) -> None:
    token = login(client, "judge")
    service_round = desk.contest.rounds[1].id
    assert report(client, token, service_round, "网络中断") == 403  # no panel of theirs in that round yet
    group = next(g for g in desk.contest.groups if g.code == "village")
    create_manual(desk.users["city_organizer"], PanelSpec(service_round, group.id, "走访组"), [judge_id()])
    assert report(client, token, service_round, "网络中断", desk.entries["yuxian"].id) == 302
    assert db.session.execute(select(DeskReport.round_id)).scalar_one() == service_round


def test_an_organizer_marks_a_report_handled_and_it_leaves_the_lists(client: FlaskClient, desk: World) -> None:
    token = login(client, "judge")
    rnd = round_id(desk)
    report(client, token, rnd, "评分表提交不了", desk.entries["pingding"].id)
    item = db.session.execute(select(DeskReport)).scalar_one()
    city, city_token = organizer(client, "city")
    desk_url, progress_url = f"/organize/desk/round/{rnd}", f"/organize/panels/round/{rnd}/progress"
    assert "评委甲（关于 V001）：评分表提交不了" in page(city, desk_url)
    assert "评委甲（关于 V001）：评分表提交不了" in page(city, progress_url)
    response = city.post(f"/organize/desk/report/{item.id}/resolve", data={"csrf_token": city_token,
                                                                           "back": progress_url})
    assert (response.status_code, response.headers["Location"]) == (302, progress_url)
    db.session.expire_all()
    item = db.session.get(DeskReport, item.id)
    assert item.resolved_at is not None and item.resolved_by_id == desk.users["city_organizer"].id
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "desk_report_resolved")).scalar_one()
    assert (event.object_id, event.before, event.after) == (str(item.id), {"resolved": False}, {"resolved": True})
    assert "评分表提交不了" not in page(city, progress_url)
    html = page(city, desk_url)
    assert "评分表提交不了" not in html and "暂无未处理的反馈。" in html
    assert "市组织者 已处理" in page(city, f"{desk_url}?reports=all")
    # A second click changes nothing and says so.
    city.post(f"/organize/desk/report/{item.id}/resolve", data={"csrf_token": city_token})
    assert "该反馈已标记为已处理" in page(city, desk_url)
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "desk_report_resolved")).all()
    assert len(events) == 1


def test_a_county_organizer_sees_and_handles_only_their_countys_reports(client: FlaskClient, desk: World) -> None:
    token = login(client, "judge")
    rnd = round_id(desk)
    report(client, token, rnd, "V002 的材料打不开", desk.entries["yuxian"].id)
    report(client, token, rnd, "大厅网络中断")  # no contestant named: the judge scores both counties
    about_yuxian = db.session.execute(select(DeskReport).where(DeskReport.entry_id.is_not(None))).scalar_one()
    pingding, pd_token = organizer(client, "pdorg")
    html = page(pingding, f"/organize/desk/round/{rnd}")
    assert "大厅网络中断" in html and "材料打不开" not in html
    assert "材料打不开" not in page(pingding, f"/organize/panels/round/{rnd}/progress")
    assert pingding.post(f"/organize/desk/report/{about_yuxian.id}/resolve",
                         data={"csrf_token": pd_token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(DeskReport, about_yuxian.id).resolved_at is None
    yuxian, yx_token = organizer(client, "yxorg")
    assert "材料打不开" in page(yuxian, f"/organize/desk/round/{rnd}")
    assert yuxian.post(f"/organize/desk/report/{about_yuxian.id}/resolve",
                       data={"csrf_token": yx_token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(DeskReport, about_yuxian.id).resolved_by_id == desk.users["other_county_organizer"].id


# 12. Running order across sessions: by day and start time, not by the session's name.

@pytest.mark.parametrize(("second", "third", "expected"), [
    ((date(2022, 3, 15), time(14, 0)), (date(2022, 3, 16), time(8, 30)), ["V002", "V001"]),  # 第三场 the next day
    ((date(2022, 3, 15), time(14, 0)), (date(2022, 3, 15), time(8, 30)), ["V001", "V002"]),  # 第三场 that morning
])
def test_the_judges_list_follows_session_dates_and_times(
    desk: World, second: tuple[date, time], third: tuple[date, time], expected: list[str]
) -> None:
    rnd, group = desk.contest.rounds[0], next(g for g in desk.contest.groups if g.code == "village")
    for name, (day, start), key in (("第二场", second, "yuxian"), ("第三场", third, "pingding")):
        session = ContestSession(round_id=rnd.id, group_id=group.id, name=name, held_on=day, starts_at=start)
        session.slots = [SessionSlot(round_id=rnd.id, entry_id=desk.entries[key].id, position=1)]
        db.session.add(session)
        db.session.commit()
    assert [i.public_number for i in my_rounds(desk.users["judge"])[0].items] == expected


# 14. Sheet history is reachable from the desk and the round page.

def test_the_sheet_history_is_linked_from_the_desk_and_the_round_page(client: FlaskClient, desk: World) -> None:
    sheet = stored(desk, "pingding", asked="看错")
    city, _ = organizer(client, "city")
    chooser = f'href="/organize/desk/sheets?round={round_id(desk)}"'
    assert chooser in page(city, f"/organize/panels/round/{round_id(desk)}")
    html = page(city, f"/organize/desk/round/{round_id(desk)}")
    assert chooser in html and f'href="/organize/desk/sheet/{sheet.id}"><i class="bi bi-clock-history"' in html
    history = page(city, f"/organize/desk/sheet/{sheet.id}")
    assert f'href="/organize/desk/round/{round_id(desk)}"' in history


# 15. Reopening keeps the judge's reason and the organizer's.

def confirm(client: FlaskClient, world: World, value: str, token: str) -> None:
    rnd, entry_id = round_id(world), world.entries["pingding"].id
    csrf = csrf_from(client.get(f"/judge/r/{rnd}/e/{entry_id}").get_data(as_text=True))
    response = client.post(f"/judge/r/{rnd}/e/{entry_id}/confirm", headers={"Accept": "application/json"}, data={
        "csrf_token": csrf, "client_token": token, "pin": PIN, f"m-{world.contest.rounds[0].criteria[0].id}": value})
    assert response.get_json()["stored"] is True, response.get_json()


def test_a_reopened_sheet_keeps_both_reasons_with_who_and_when(client: FlaskClient, desk: World) -> None:
    token = login(client, "judge")
    confirm(client, desk, "17", "token-reopen-01")
    rnd, entry_id = round_id(desk), desk.entries["pingding"].id
    client.post(f"/judge/r/{rnd}/e/{entry_id}/correction", data={"reason": "第二项看错", "csrf_token": token})
    sheet = db.session.execute(select(ScoreSheet)).scalar_one()
    city, city_token = organizer(client, "city")
    city.post(f"/organize/desk/round/{rnd}/sheet/{sheet.id}/reopen",
              data={"reason": "核实属实", "csrf_token": city_token})
    reopening = db.session.execute(select(SheetReopening)).scalar_one()
    assert (reopening.version_number, reopening.request_reason, reopening.requested_by_id, reopening.reason,
            reopening.reopened_by_id) == (1, "第二项看错", desk.users["judge"].id, "核实属实",
                                          desk.users["city_organizer"].id)
    assert reopening.requested_at is not None and reopening.reopened_at >= reopening.requested_at
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "sheet_reopened")).scalar_one()
    assert event.after == {"state": "reopened", "reason": "核实属实", "request_reason": "第二项看错"}
    pending = page(city, f"/organize/desk/sheet/{sheet.id}")
    assert "评委申请更正（评委甲，" in pending and "）：第二项看错" in pending
    assert "组织者重新开放（市组织者，" in pending and "）：核实属实" in pending and "等待评委再次提交" in pending
    assert "（理由：核实属实）" in page(client, f"/judge/r/{rnd}/e/{entry_id}")  # the organizer's words alone
    waiting = "已重新开放，等待评委修改后再次提交（提交前不能发布成绩）"
    assert waiting in page(city, f"/organize/desk/round/{rnd}")  # still on the desk's list, the judge's turn now
    confirm(client, desk, "19", "token-reopen-02")
    assert waiting not in page(city, f"/organize/desk/round/{rnd}")
    db.session.expire_all()
    versions = db.session.execute(select(SheetVersion).order_by(SheetVersion.number)).scalars().all()
    assert [(v.number, v.reason) for v in versions] == [(1, ""), (2, "评委申请：第二项看错；组织者重新开放：核实属实")]
    history = page(city, f"/organize/desk/sheet/{sheet.id}")
    assert history.count("评委申请更正（评委甲，") == 1 and "等待评委再次提交" not in history
    assert history.index("第 1 版") < history.index("第 2 版") < history.index("）：第二项看错")  # why v2 replaced v1


def test_a_sheet_reopened_without_a_request_gives_the_organizers_reason_alone(
    client: FlaskClient, desk: World
) -> None:
    login(client, "judge")
    confirm(client, desk, "17", "token-reopen-11")
    sheet = db.session.execute(select(ScoreSheet)).scalar_one()
    city, city_token = organizer(client, "city")
    city.post(f"/organize/desk/round/{round_id(desk)}/sheet/{sheet.id}/reopen",
              data={"reason": "纸质原件核对不符", "csrf_token": city_token})
    reopening = db.session.execute(select(SheetReopening)).scalar_one()
    assert (reopening.requested_at, reopening.requested_by_id, reopening.request_reason) == (None, None, "")
    confirm(client, desk, "18", "token-reopen-12")
    db.session.expire_all()
    assert db.session.execute(select(SheetVersion.reason).where(SheetVersion.number == 2)).scalar_one() == (
        "组织者重新开放：纸质原件核对不符")
    assert "评委申请更正" not in page(city, f"/organize/desk/sheet/{sheet.id}")


# 16. The progress page lists late sheets apart, with the way to accept them.

def test_the_progress_page_shows_a_late_sheet_and_links_to_accepting_it(client: FlaskClient, desk: World) -> None:
    late = stored(desk, "pingding", state="late", late=True)
    rnd = round_id(desk)
    city, city_token = organizer(client, "city")
    html = page(city, f"/organize/panels/round/{rnd}/progress")
    assert "0</span> / <span class=\"num\">2</span> 张评分表已提交" in html
    assert f'href="/organize/desk/round/{rnd}#sheet-{late.id}" title="到评分工作台审核">V001 迟交待审</a>' in html
    assert "迟交待审</a></div>V002</td>" in html  # V001 is not among those not yet scored
    [progress] = round_progress(rnd).judges
    assert (progress.unscored, progress.late, progress.owed) == (["V002"], [("V001", late.id)],
                                                                 ["V002", "V001（迟交待审）"])
    assert f'id="sheet-{late.id}"' in page(city, f"/organize/desk/round/{rnd}")
    city.post(f"/organize/desk/round/{rnd}/version/{late.versions[0].id}/accept",
              data={"reason": "现场网络中断，监督员见证", "csrf_token": city_token})
    html = page(city, f"/organize/panels/round/{rnd}/progress")
    assert "1</span> / <span class=\"num\">2</span> 张评分表已提交" in html and "迟交待审" not in html
