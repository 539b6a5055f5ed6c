"""缺席登记: recorded and withdrawn with history, scoped by county, no sheets expected, SCORING.md's absent rounds."""

from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.test import TestResponse

from app.audit.models import AuditEvent
from app.contests.models import Round
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.judges.services import pin_digest
from app.judging.models import ScoreSheet, SheetVersion
from app.judging.progress import round_progress
from app.judging.sheets import StoreOptions, store_version
from app.panels.models import RoundAbsence, ScoringWindow
from app.panels.services import PanelSpec, create_manual
from app.results.services import preview
from tests.conftest import csrf_from, login
from tests.factories import World, make_user

PIN = "246810"
# round -> judge -> (V001 mark, V002 mark or None for no sheet); one criterion of max 20, step 0.5, three judges
# (fewer than trim_from = 5, so the plain mean): plan V001 18.17, V002 15.50; service V001 16.00, V002 none;
# results V001 19.00, V002 17.00.
MARKS: dict[str, list[tuple[str, str | None]]] = {
    "plan": [("18", "15"), ("17.5", "16"), ("19", "15.5")],
    "service": [("16", None), ("16", None), ("16", None)],
    "results": [("19", "17"), ("19", "17"), ("19", "17")],
}


@pytest.fixture()
def panel(world: World) -> World:
    """Three judges (PIN 246810) on the village group's panel in every round; the plan round's scoring is open."""
    judges = [db.session.execute(select(Judge)).scalar_one()]
    for name in ("judge2", "judge3"):
        user = make_user(name, "judge", name=f"评委{name[-1]}")
        db.session.flush()
        judges.append(Judge(contest_id=world.contest.id, user_id=user.id, unit="市财政局", field="finance"))
        db.session.add(judges[-1])
    db.session.flush()
    for judge in judges:
        judge.pin_digest = pin_digest(judge.id, PIN)
    db.session.commit()
    village = next(g for g in world.contest.groups if g.code == "village")
    for rnd in world.contest.rounds:
        create_manual(world.users["city_organizer"], PanelSpec(rnd.id, village.id, f"{rnd.name}评委组"),
                      [j.id for j in judges])
    db.session.add(ScoringWindow(round_id=world.contest.rounds[0].id, opened_by_id=world.users["city_organizer"].id))
    db.session.commit()
    return world


def round_of(world: World, code: str) -> Round:
    return next(r for r in world.contest.rounds if r.code == code)


def score(world: World, code: str) -> None:
    """Store the MARKS of one round as counted sheets."""
    rnd = round_of(world, code)
    judges = list(db.session.execute(select(Judge).order_by(Judge.id)).scalars())
    entries = (world.entries["pingding"], world.entries["yuxian"])
    for judge, values in zip(judges, MARKS[code], strict=True):
        for entry, value in zip(entries, values, strict=True):
            if value is not None:
                store_version(None, rnd.id, entry.id, judge.id, {rnd.criteria[0].id: Decimal(value)}, "",
                              StoreOptions(client_token=f"t-{code}-{judge.id}-{entry.id}", source="phone",
                                           entered_by_id=judge.user_id))
    db.session.commit()


def url(world: World, code: str = "service") -> str:
    return f"/organize/absences/rounds/{round_of(world, code).id}"


def record(client: FlaskClient, world: World, number: str, reason: str = "手术后休养",
           code: str = "service") -> TestResponse:
    token = csrf_from(client.get(url(world, code)).get_data(as_text=True))
    return client.post(url(world, code), data={"public_number": number, "reason": reason, "csrf_token": token})


def absences() -> list[RoundAbsence]:
    return list(db.session.execute(select(RoundAbsence).order_by(RoundAbsence.id)).scalars())


def events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)).scalars())


def test_an_absence_is_recorded_with_its_reason_who_and_when_and_audited(client: FlaskClient, panel: World) -> None:
    login(client, "city")
    response = record(client, panel, "v002", "换届进行中，新书记尚未到任")
    assert response.status_code == 302
    [absence] = absences()
    yuxian = panel.entries["yuxian"]
    assert (absence.entry_id, absence.round_id, absence.reason, absence.in_effect, absence.withdrawn_at) == (
        yuxian.id, round_of(panel, "service").id, "换届进行中，新书记尚未到任", True, None)
    assert absence.recorded_by_id == panel.users["city_organizer"].id
    [event] = events("absence_recorded")
    assert (event.object_id, event.before) == (str(absence.id), None)
    assert event.after == {"round": absence.round_id, "entry": yuxian.id, "public_number": "V002",
                           "reason": "换届进行中，新书记尚未到任", "in_effect": True}
    html = client.get(url(panel)).get_data(as_text=True)
    assert "换届进行中，新书记尚未到任" in html and "市组织者 登记于" in html
    assert "缺席轮次按 0 分计入" in html
    # V002 is no longer offered in the form; V001 still is.
    assert '<option value="V002">' not in html and '<option value="V001">平定县冠山镇西关村</option>' in html


def test_a_withdrawal_keeps_the_row_and_the_contestant_may_be_recorded_again(client: FlaskClient,
                                                                            panel: World) -> None:
    token = login(client, "city")
    record(client, panel, "V002")
    [absence] = absences()
    assert client.post(f"/organize/absences/{absence.id}/withdraw", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert (absence.in_effect, absence.withdrawn_by_id) == (None, panel.users["city_organizer"].id)
    assert absence.withdrawn_at is not None
    [event] = events("absence_withdrawn")
    assert (event.before["in_effect"], event.after["in_effect"]) == (True, False)
    again = client.post(f"/organize/absences/{absence.id}/withdraw", data={"csrf_token": token})
    assert again.status_code == 400 and "该缺席登记已撤销" in again.get_data(as_text=True)
    assert record(client, panel, "V002", "复查后确认缺席").status_code == 302
    assert [(a.reason, a.in_effect) for a in absences()] == [("手术后休养", None), ("复查后确认缺席", True)]
    html = client.get(url(panel)).get_data(as_text=True)
    assert html.index("复查后确认缺席") < html.index("已撤销的登记") < html.index("手术后休养")


def test_a_second_absence_in_effect_is_refused(client: FlaskClient, panel: World) -> None:
    login(client, "city")
    record(client, panel, "V002")
    response = record(client, panel, "V002", "再登记一次")
    assert response.status_code == 400 and "该参赛人本轮已登记缺席" in response.get_data(as_text=True)
    assert len(absences()) == 1 and len(events("absence_recorded")) == 1


def test_a_county_organizer_records_only_their_county_by_number_and_by_id(client: FlaskClient,
                                                                          panel: World) -> None:
    login(client, "pdorg")  # 平定县: V001 is theirs, V002 is 盂县's
    html = client.get(url(panel)).get_data(as_text=True)
    assert '<option value="V001">' in html and "V002" not in html
    refused = record(client, panel, "V002")
    assert refused.status_code == 404 and "本比武没有这个编号的参赛人" in refused.get_data(as_text=True)
    assert absences() == []
    other = client.application.test_client()
    login(other, "yxorg")
    assert record(other, panel, "V002").status_code == 302
    [absence] = absences()
    token = csrf_from(client.get(url(panel)).get_data(as_text=True))
    assert client.post(f"/organize/absences/{absence.id}/withdraw", data={"csrf_token": token}).status_code == 404
    assert "V002" not in client.get(url(panel)).get_data(as_text=True)  # nor listed to 平定县
    db.session.expire_all()
    assert absence.in_effect is True and events("absence_withdrawn") == []


def test_the_database_holds_one_absence_in_effect_per_round_and_contestant(panel: World) -> None:
    """Withdrawn rows (in_effect NULL) may repeat; a second row in effect is refused by the database itself."""
    keys = {"round_id": round_of(panel, "service").id, "entry_id": panel.entries["yuxian"].id,
            "recorded_by_id": panel.users["city_organizer"].id}
    for reason in ("甲", "乙"):  # recorded, then withdrawn (the service's UPDATE to NULL)
        absence = RoundAbsence(reason=reason, **keys)
        db.session.add(absence)
        db.session.commit()
        absence.in_effect = None
        db.session.commit()
    db.session.add(RoundAbsence(reason="丙", **keys))
    db.session.commit()
    db.session.add(RoundAbsence(reason="丁", **keys))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert [a.reason for a in absences()] == ["甲", "乙", "丙"]


@pytest.mark.parametrize("username", ["judge", "sec", "sup", "clerk"])
def test_only_organizers_reach_the_absence_pages(client: FlaskClient, panel: World, username: str) -> None:
    token = login(client, username)
    assert client.get(url(panel)).status_code == 403
    assert client.post(url(panel), data={"public_number": "V002", "reason": "x", "csrf_token": token}
                       ).status_code == 403
    assert absences() == []


def test_a_contestant_already_scored_in_the_round_cannot_be_recorded_absent(client: FlaskClient,
                                                                            panel: World) -> None:
    score(panel, "service")  # V001 has three counted sheets in the service round, V002 none
    login(client, "city")
    response = record(client, panel, "V001")
    assert response.status_code == 400 and "该参赛人本轮已有评分，不能登记缺席" in response.get_data(as_text=True)
    assert absences() == [] and events("absence_recorded") == []


def test_a_late_sheet_awaiting_review_also_refuses_an_absence(client: FlaskClient, panel: World) -> None:
    rnd, judge = round_of(panel, "service"), db.session.execute(select(Judge).order_by(Judge.id)).scalars().first()
    assert judge is not None
    store_version(None, rnd.id, panel.entries["yuxian"].id, judge.id, {rnd.criteria[0].id: Decimal(12)}, "",
                  StoreOptions(client_token="t-late-1", source="offline", entered_by_id=judge.user_id, late=True))
    db.session.commit()
    assert db.session.execute(select(SheetVersion.counted)).scalar_one() is False
    login(client, "city")
    response = record(client, panel, "V002")
    assert response.status_code == 400 and "有迟交评分表待审核，不能登记缺席" in response.get_data(as_text=True)
    assert absences() == []


def test_the_preview_no_longer_waits_for_an_absent_contestant_and_shows_absent(client: FlaskClient,
                                                                               panel: World) -> None:
    score(panel, "service")
    login(client, "city")
    preview_url = f"/organize/results/{panel.contest.id}/round:service"
    before = client.get(preview_url).get_data(as_text=True)
    assert "尚不能发布" in before and "还缺 3 张评分表（V002）" in before
    record(client, panel, "V002")
    html = client.get(preview_url).get_data(as_text=True)
    assert "尚不能发布" not in html
    row = html[html.index('<td class="nowrap">V002</td>'):].split("</tr>", 1)[0]
    # The round cell and the remark both say 缺席; out of the ranking, its total (0 in the package) reads 缺席 too.
    assert row.count(">缺席</td>") == 2
    assert '<td class="num fw-semibold"><span class="text-secondary">缺席</span></td>' in row
    assert round_progress(round_of(panel, "service").id).expected == 3  # V002's three sheets are not due


def test_a_sheet_that_reaches_an_absent_contestant_blocks_publication(panel: World) -> None:
    absent = RoundAbsence(round_id=round_of(panel, "service").id, entry_id=panel.entries["yuxian"].id,
                          reason="因病", recorded_by_id=panel.users["city_organizer"].id)
    db.session.add(absent)
    db.session.commit()
    rnd = round_of(panel, "service")
    judge = db.session.execute(select(Judge).order_by(Judge.id)).scalars().first()
    assert judge is not None
    # Entered on paper after the absence, say: the two contradict each other, so nothing is published.
    store_version(None, rnd.id, panel.entries["yuxian"].id, judge.id, {rnd.criteria[0].id: Decimal(12)}, "",
                  StoreOptions(client_token="t-paper-1", source="paper", entered_by_id=judge.user_id))
    db.session.commit()
    problems = preview(panel.contest.id, "round:service").problems
    assert "年中比服务：V002 已登记缺席，却有评分表（请撤销缺席登记或处理评分表）" in problems


def year_row(world: World, number: str) -> tuple[dict[str, str | None], str, int | None, bool, list[str]]:
    result = preview(world.contest.id, "year")
    row = next(r for r in result.rows if r.public_number == number)
    return row.rounds, row.total, row.rank, row.absent, result.problems


def test_the_year_total_of_an_absent_round_follows_the_contests_absent_round_rule(client: FlaskClient,
                                                                                  panel: World) -> None:
    for code in MARKS:
        score(panel, code)
    assert "还缺 3 张评分表（V002）" in " ".join(preview(panel.contest.id, "year").problems)
    login(client, "city")
    record(client, panel, "V002")
    # zero: (30 × 15.50 + 30 × 0 + 40 × 17.00) / 100 = 11.45; V001 (30 × 18.17 + 30 × 16 + 40 × 19) / 100 = 17.851
    assert year_row(panel, "V002") == ({"plan": "15.50", "service": None, "results": "17.00"}, "11.45", 2, False, [])
    assert year_row(panel, "V001")[1:3] == ("17.85", 1)
    panel.contest.absent_round = "reweight"
    db.session.commit()
    # reweight: (30 × 15.50 + 40 × 17.00) / 70 = 16.357… → 16.36
    assert year_row(panel, "V002") == ({"plan": "15.50", "service": None, "results": "17.00"}, "16.36", 2, False, [])
    html = client.get(f"/organize/results/{panel.contest.id}/year").get_data(as_text=True)
    row = html[html.index('<td class="nowrap">V002</td>'):].split("</tr>", 1)[0]
    assert ">15.50</td>" in row and ">缺席</td>" in row and ">16.36</td>" in row


def sheet_confirm(client: FlaskClient, world: World, entry: Entry, token: str) -> tuple[int, dict[str, object]]:
    rnd = round_of(world, "plan")
    csrf = csrf_from(client.get(f"/judge/r/{rnd.id}/e/{entry.id}").get_data(as_text=True))
    response = client.post(f"/judge/r/{rnd.id}/e/{entry.id}/confirm", headers={"Accept": "application/json"},
                           data={"csrf_token": csrf, "client_token": token, "pin": PIN, "comment": "",
                                 f"m-{rnd.criteria[0].id}": "15"})
    return response.status_code, response.get_json()


def test_a_judge_sees_absent_and_cannot_confirm_a_sheet_for_an_absent_contestant(client: FlaskClient,
                                                                                  panel: World) -> None:
    organizer = client.application.test_client()
    login(organizer, "city")
    assert record(organizer, panel, "V002", code="plan").status_code == 302
    login(client, "judge")
    html = client.get("/judge/list").get_data(as_text=True)
    rnd, yuxian = round_of(panel, "plan"), panel.entries["yuxian"]
    assert "缺席 · 无需评分" in html
    assert '已提交 <span class="num-plain">0</span>/<span class="num-plain">1</span>' in html  # V001 only
    assert f'href="/judge/r/{rnd.id}/e/{yuxian.id}"' not in html
    status, body = sheet_confirm(client, panel, yuxian, "token-absent-1")
    assert (status, body["stored"], body["error"]) == (400, False, "该参赛人本轮已登记缺席，无需评分")
    assert db.session.execute(select(func.count(SheetVersion.id))).scalar_one() == 0
    assert db.session.execute(select(func.count(ScoreSheet.id)).where(ScoreSheet.state == "submitted")
                              ).scalar_one() == 0
    # Withdrawn: the same judge may score V002 again.
    [absence] = absences()
    token = csrf_from(organizer.get(url(panel, "plan")).get_data(as_text=True))
    organizer.post(f"/organize/absences/{absence.id}/withdraw", data={"csrf_token": token})
    status, body = sheet_confirm(client, panel, yuxian, "token-absent-2")
    assert (status, body["stored"]) == (200, True)


def test_the_round_page_links_to_its_absences(client: FlaskClient, panel: World) -> None:
    login(client, "city")
    rnd = round_of(panel, "service")
    html = client.get(f"/organize/panels/round/{rnd.id}").get_data(as_text=True)
    assert f'href="/organize/absences/rounds/{rnd.id}"' in html
    index = client.get("/organize/absences/").get_data(as_text=True)
    assert f'href="/organize/absences/rounds/{rnd.id}"' in index and "无缺席" in index
