"""Panels with recusal, reproducible draws, sessions with running order, paper sheets, progress."""

import subprocess
from datetime import date, time
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from app.audit.models import AuditEvent
from app.entries.models import Entry, EntryHolder
from app.errors import DomainError
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet
from app.panels import draw
from app.panels.models import Assignment, ContestSession, Panel, Recusal, SessionSlot
from app.panels.services import PanelSpec, add_recusal, create_manual
from app.places.models import Township, Village
from tests.conftest import login
from tests.factories import World, make_user


@pytest.fixture()
def city(world: World) -> World:
    """The world plus 8 judges (two from 平定县) and 4 more village entries (3 in 平定县, 1 in 盂县)."""
    contest = world.contest
    village_group = next(g for g in contest.groups if g.code == "village")
    specs = [("农一", "agriculture", None), ("农二", "agriculture", None), ("财一", "finance", None),
             ("组一", "organization", None), ("组二", "organization", None), ("旅一", "tourism", None),
             ("平定甲", "grassroots", world.pingding), ("平定乙", "grassroots", world.pingding)]
    for i, (name, field, county) in enumerate(specs, start=1):
        user = make_user(f"jj{i}", "judge", county, name=name)
        db.session.flush()
        db.session.add(Judge(contest_id=contest.id, user_id=user.id, unit="单位", field=field,
                             home_county_id=county.id if county else None))
    guanshan = db.session.execute(select(Township).where(Township.code == "140321100")).scalar_one()
    xiushui = db.session.execute(select(Township).where(Township.code == "140322100")).scalar_one()
    for i, township in enumerate([guanshan, guanshan, guanshan, xiushui], start=3):
        village = Village(code=f"1403{i:08d}", name=f"村{i}", township=township)
        db.session.add(village)
        user = make_user(f"sv{i}", "secretary", township.county, name=f"书记{i}")
        entry = Entry(contest_id=contest.id, group=village_group, public_number=f"V00{i}",
                      county_id=township.county_id, township=township, village=village)
        entry.holders = [EntryHolder(user=user, started_on=date(2022, 1, 1))]
        db.session.add_all([village, entry])
    db.session.commit()
    return world


def plan_round(world: World) -> int:
    return world.contest.rounds[0].id


def minimum(world: World, judges: int) -> None:
    """The plan round's minimum of judges per contestant, for tests about something else than panel size."""
    world.contest.rounds[0].min_judges = judges
    db.session.commit()


def village_group(world: World) -> int:
    return next(g.id for g in world.contest.groups if g.code == "village")


def draw_form(world: World, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {"draw-name": "路演评委组", "draw-group_id": village_group(world), "draw-session_id": 0,
                               "draw-county_id": 0, "draw-recusal_scope": "county", "draw-size": 5,
                               "draw-min_agriculture": 2, "draw-min_finance": 1}
    data.update(extra)
    return data


def test_a_drawn_panel_meets_field_minimums_and_is_reproducible(client: FlaskClient, city: World) -> None:
    token = login(client, "city")
    response = client.post(f"/organize/panels/round/{plan_round(city)}/panels/draw",
                           data=draw_form(city) | {"csrf_token": token})
    assert response.status_code == 302
    panel = db.session.execute(select(Panel)).scalar_one()
    fields = sorted(m.judge.field for m in panel.members)
    assert len(fields) == 5 and fields.count("agriculture") >= 2 and fields.count("finance") >= 1
    # The recorded seed and inputs give the same panel again, and the page says so.
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "结果与本评委组一致" in html and panel.seed in html
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "panel_drawn")).scalar_one()
    assert event.after["seed"] == panel.seed and event.after["members"] == [m.judge_id for m in panel.members]


def test_the_same_seed_and_inputs_always_draw_the_same_panel() -> None:
    candidates = [draw.Candidate(i, "agriculture" if i % 2 else "finance", None, None) for i in range(1, 21)]
    places = [draw.Place(1, 10)]
    first = draw.draw_panel("abc123", 7, {"agriculture": 3}, "county", candidates, places)
    assert first == draw.draw_panel("abc123", 7, {"agriculture": 3}, "county", list(reversed(candidates)), places)
    assert first != draw.draw_panel("abc124", 7, {"agriculture": 3}, "county", candidates, places)


def test_a_draw_that_cannot_meet_a_field_minimum_is_refused_with_the_reason(client: FlaskClient, city: World) -> None:
    token = login(client, "city")
    response = client.post(f"/organize/panels/round/{plan_round(city)}/panels/draw",
                           data=draw_form(city, **{"draw-min_agriculture": 4}) | {"csrf_token": token},
                           headers={"Referer": "http://localhost/organize/panels/"})
    assert response.status_code == 400  # the round page again, the draw form open and as typed
    assert "农业领域评委不足：需要4人，可用3人" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(Panel)).scalar_one() == 0


def test_recusal_by_county_keeps_judges_off_their_own_county(client: FlaskClient, city: World) -> None:
    token = login(client, "city")
    judges = db.session.execute(select(Judge).order_by(Judge.id)).scalars().all()
    pingding_judge = next(j for j in judges if j.home_county_id == city.pingding.id)
    others = [j.id for j in judges if j.home_county_id is None][:3]
    response = client.post(f"/organize/panels/round/{plan_round(city)}/panels/manual", data={
        "manual-name": "手动组", "manual-group_id": village_group(city), "manual-session_id": 0,
        "manual-county_id": 0, "manual-recusal_scope": "county", "manual-judge_ids": [pingding_judge.id, *others],
        "csrf_token": token})
    assert response.status_code == 302
    pairs = set(db.session.execute(select(Assignment.judge_id, Assignment.entry_id)).tuples())
    entries = db.session.execute(select(Entry)).scalars().all()
    pingding_entries = {e.id for e in entries if e.county_id == city.pingding.id}
    assert len(entries) == 6 and len(pingding_entries) == 4
    assert {e for j, e in pairs if j == pingding_judge.id} == {e.id for e in entries} - pingding_entries
    assert len(pairs) == 3 * 6 + 2
    automatic = db.session.execute(select(func.count()).select_from(Recusal).where(Recusal.automatic)).scalar_one()
    assert automatic == 4


SHORT_OF_JUDGES = ("回避后以下参赛人的评委少于本轮最少评委数（3人）：V001（1人）、V003（1人）、V004（1人）、"
                   "V005（1人），共 4 人。请增加评委或调整回避范围后再试，评委组未保存。")


def stored_panels() -> tuple[int, int, int, int]:
    """Panels, assignments, recusals and panel audit events: what a refused panel must leave at zero."""
    return tuple(db.session.execute(select(func.count()).select_from(model)).scalar_one()  # type: ignore[return-value]
                 for model in (Panel, Assignment, Recusal, AuditEvent))


@pytest.mark.parametrize("method", ["manual", "draw"])
def test_a_panel_that_leaves_contestants_short_of_judges_is_refused_drawn_or_by_hand(
    client: FlaskClient, city: World, method: str
) -> None:
    """Both 平定县 judges and one other, 同县区 recusal, minimum 3: the four 平定县 villages keep one judge each."""
    token = login(client, "city")
    judges = db.session.execute(select(Judge).order_by(Judge.id)).scalars().all()
    pingding = [j.id for j in judges if j.home_county_id == city.pingding.id]
    before = stored_panels()
    if method == "manual":
        data = {"manual-name": "手动组", "manual-group_id": village_group(city), "manual-session_id": 0,
                "manual-county_id": 0, "manual-recusal_scope": "county",
                "manual-judge_ids": [*pingding, judges[0].id]}
    else:
        data = draw_form(city, **{"draw-size": 3, "draw-min_agriculture": 0, "draw-min_finance": 0,
                                  "draw-min_grassroots": 2})
    response = client.post(f"/organize/panels/round/{plan_round(city)}/panels/{method}",
                           data=data | {"csrf_token": token}, headers={"Referer": "http://localhost/organize/panels/"})
    # The round page again, the form open and as typed with the reason in it: one more judge, not a fresh start.
    assert response.status_code == 400
    refused = response.get_data(as_text=True)
    assert SHORT_OF_JUDGES in refused
    before_form, form = refused.split(f'action="/organize/panels/round/{plan_round(city)}/panels/{method}"')
    assert before_form.rsplit("<details", 1)[1].startswith(" open>")
    if method == "manual":
        picked = form.split("</form>")[0]
        assert [f'<option selected value="{j}">' in picked for j in pingding] == [True, True]
    assert stored_panels() == before
    page = client.get(f"/organize/panels/round/{plan_round(city)}").get_data(as_text=True)
    assert "本轮每名参赛人回避后至少须有 3 位评委" in page  # said before anyone tries


def test_a_panel_counts_recorded_recusals_and_the_contestants_judges_on_other_panels(city: World) -> None:
    """The same rule, service level: a recusal by hand takes a judge away; another panel's judges add up."""
    rnd = city.contest.rounds[0]
    rnd.min_judges = 2
    db.session.commit()
    organizer = city.users["city_organizer"]
    others = [j.id for j in db.session.execute(select(Judge).where(Judge.home_county_id.is_(None))
                                               .order_by(Judge.id)).scalars()]
    add_recusal(organizer, rnd.id, others[0], "V002", "亲属关系")
    session = ContestSession(round_id=rnd.id, group_id=village_group(city), name="第一场", held_on=date(2022, 3, 1),
                             starts_at=time(9, 0))
    db.session.add(session)
    db.session.flush()
    db.session.add(SessionSlot(session_id=session.id, round_id=rnd.id, entry_id=city.entries["yuxian"].id,
                               position=1))
    db.session.commit()
    spec = PanelSpec(rnd.id, village_group(city), "场次组", session_id=session.id)
    with pytest.raises(DomainError) as refused:
        create_manual(organizer, spec, others[:2])
    assert refused.value.message == ("回避后以下参赛人的评委少于本轮最少评委数（2人）：V002（1人），共 1 人。"
                                     "请增加评委或调整回避范围后再试，评委组未保存。")
    create_manual(organizer, PanelSpec(rnd.id, village_group(city), "盂县组", county_id=city.yuxian.id), others[2:4])
    panel = create_manual(organizer, spec, others[:2])  # V002: others[1] here, others[2] and [3] on the county's
    assert [m.judge_id for m in panel.members] == others[:2]


def test_a_manual_recusal_takes_the_judge_off_that_contestant(client: FlaskClient, city: World) -> None:
    token = login(client, "city")
    judge_ids = [j.id for j in db.session.execute(select(Judge).where(Judge.home_county_id.is_(None))).scalars()][:3]
    client.post(f"/organize/panels/round/{plan_round(city)}/panels/manual", data={
        "manual-name": "组", "manual-group_id": village_group(city), "manual-session_id": 0, "manual-county_id": 0,
        "manual-recusal_scope": "county", "manual-judge_ids": judge_ids, "csrf_token": token})
    before = db.session.execute(select(func.count()).select_from(Assignment)).scalar_one()
    response = client.post(f"/organize/panels/round/{plan_round(city)}/recusals", data={
        "recusal-judge_id": judge_ids[0], "recusal-public_number": "v003", "recusal-reason": "亲属关系",
        "csrf_token": token})
    assert response.status_code == 302
    assert db.session.execute(select(func.count()).select_from(Assignment)).scalar_one() == before - 1
    recusal = db.session.execute(select(Recusal).where(~Recusal.automatic)).scalar_one()
    assert (recusal.judge_id, recusal.entry.public_number, recusal.reason) == (judge_ids[0], "V003", "亲属关系")
    # Never refused, but V003 now has 2 judges where the round needs 3: said at once, not at publication.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "V003 回避后只剩 2 位评委，少于本轮最少评委数（3人）：请为其增加评委，否则本轮成绩无法计算。" in page


def test_panel_changes_are_city_only(client: FlaskClient, city: World) -> None:
    token = login(client, "pdorg")
    response = client.post(f"/organize/panels/round/{plan_round(city)}/panels/draw",
                           data=draw_form(city) | {"csrf_token": token})
    assert response.status_code == 403
    assert client.get(f"/organize/panels/round/{plan_round(city)}").status_code == 200


def make_session(world: World) -> ContestSession:
    session = ContestSession(round_id=plan_round(world), group_id=village_group(world), name="第一场",
                             held_on=date(2022, 3, 15), starts_at=time(8, 30), venue="市委党校", slot_minutes=8)
    db.session.add(session)
    db.session.commit()
    return session


def test_distribute_then_draw_a_reproducible_running_order_with_time_slots(client: FlaskClient, city: World) -> None:
    token = login(client, "city")
    session = make_session(city)
    assert client.post(f"/organize/panels/round/{plan_round(city)}/distribute",
                       data={"group_id": village_group(city), "csrf_token": token}).status_code == 302
    assert db.session.execute(select(func.count()).select_from(SessionSlot)).scalar_one() == 6
    client.post(f"/organize/panels/session/{session.id}/draw", data={"csrf_token": token})
    db.session.expire_all()
    slots = sorted(db.session.get(ContestSession, session.id).slots, key=lambda s: s.position)
    assert [s.position for s in slots] == [1, 2, 3, 4, 5, 6]
    seed = db.session.get(ContestSession, session.id).order_seed
    assert [s.entry_id for s in slots] == draw.draw_order(seed, [s.entry_id for s in slots])
    html = client.get(f"/organize/panels/session/{session.id}").get_data(as_text=True)
    assert "08:30" in html and "09:10" in html and "结果一致" in html


def test_a_hand_set_order_must_name_each_contestant_once(client: FlaskClient, city: World) -> None:
    token = login(client, "city")
    session = make_session(city)
    client.post(f"/organize/panels/round/{plan_round(city)}/distribute",
                data={"group_id": village_group(city), "csrf_token": token})
    page = f"http://localhost/organize/panels/session/{session.id}"
    client.post(f"/organize/panels/session/{session.id}/order", data={"order": "V001, V002", "csrf_token": token},
                headers={"Referer": page})
    assert "出场顺序必须恰好包含本场次的全部参赛人" in client.get(page).get_data(as_text=True)
    client.post(f"/organize/panels/session/{session.id}/order",
                data={"order": "V006，v005\nV004,V003,V002,V001", "csrf_token": token})
    db.session.expire_all()
    order = [s.entry.public_number for s in sorted(db.session.get(ContestSession, session.id).slots,
                                                   key=lambda s: s.position)]
    assert order == ["V006", "V005", "V004", "V003", "V002", "V001"]


def pdf_text(data: bytes, tmp_path: object) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
                          ).stdout.decode("utf-8")


def test_running_order_and_blank_sheets_print_as_pdf(client: FlaskClient, city: World) -> None:
    minimum(city, 2)
    token = login(client, "city")
    session = make_session(city)
    client.post(f"/organize/panels/round/{plan_round(city)}/distribute",
                data={"group_id": village_group(city), "csrf_token": token})
    client.post(f"/organize/panels/session/{session.id}/draw", data={"csrf_token": token})
    judge_ids = [j.id for j in db.session.execute(select(Judge).where(Judge.home_county_id.is_(None))).scalars()][:2]
    client.post(f"/organize/panels/round/{plan_round(city)}/panels/manual", data={
        "manual-name": "组", "manual-group_id": village_group(city), "manual-session_id": session.id,
        "manual-county_id": 0, "manual-recusal_scope": "county", "manual-judge_ids": judge_ids, "csrf_token": token})
    order = client.get(f"/organize/panels/session/{session.id}/running-order.pdf")
    assert order.mimetype == "application/pdf"
    text = pdf_text(order.data, None)
    assert "出场顺序表" in text and "08:30" in text and "V006" in text
    sheets = client.get(f"/organize/panels/session/{session.id}/blank-sheets.pdf")
    text = pdf_text(sheets.data, None)
    assert text.count("评委签名") == 12  # 2 judges × 6 contestants, one page each
    assert "发展思路" in text and "农一" in text
    per_session = pdf_text(client.get(f"/organize/panels/session/{session.id}/blank-sheets.pdf?per=session").data,
                           None)
    assert per_session.count("评委签名") == 2


def test_progress_counts_expected_and_submitted_sheets_in_a_fixed_number_of_queries(
    app: Flask, client: FlaskClient, city: World
) -> None:
    token = login(client, "city")
    judge_ids = [j.id for j in db.session.execute(select(Judge).where(Judge.home_county_id.is_(None))).scalars()][:3]
    client.post(f"/organize/panels/round/{plan_round(city)}/panels/manual", data={
        "manual-name": "组", "manual-group_id": village_group(city), "manual-session_id": 0, "manual-county_id": 0,
        "manual-recusal_scope": "county", "manual-judge_ids": judge_ids, "csrf_token": token})
    entry = db.session.execute(select(Entry).where(Entry.public_number == "V001")).scalar_one()
    db.session.add(ScoreSheet(round_id=plan_round(city), entry_id=entry.id, judge_id=judge_ids[0], state="submitted"))
    db.session.commit()
    def count_queries(url: str) -> tuple[int, str]:
        statements: list[str] = []
        db.session.remove()  # as in production: nothing cached from an earlier request

        def listener(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            html = client.get(url).get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements), html

    round_id, yuxian_id = plan_round(city), city.yuxian.id
    whole, html = count_queries(f"/organize/panels/round/{round_id}/progress")
    assert "1</span> / <span class=\"num\">18</span>" in html
    part, html = count_queries(f"/organize/panels/round/{round_id}/progress?county={yuxian_id}")
    assert "/ <span class=\"num\">6</span>" in html
    assert whole == part, (whole, part)  # no query per row: 18 sheets cost what 6 do
    xlsx = client.get(f"/organize/panels/round/{round_id}/progress.xlsx")
    assert xlsx.data[:2] == b"PK"


def test_a_county_organizer_sees_only_their_county_progress(client: FlaskClient, city: World) -> None:
    minimum(city, 1)
    token = login(client, "city")
    judge_ids = [j.id for j in db.session.execute(select(Judge).where(Judge.home_county_id.is_(None))).scalars()][:1]
    client.post(f"/organize/panels/round/{plan_round(city)}/panels/manual", data={
        "manual-name": "组", "manual-group_id": village_group(city), "manual-session_id": 0, "manual-county_id": 0,
        "manual-recusal_scope": "county", "manual-judge_ids": judge_ids, "csrf_token": token})
    county_client = client.application.test_client()
    login(county_client, "pdorg")
    html = county_client.get(f"/organize/panels/round/{plan_round(city)}/progress?county={city.yuxian.id}"
                             ).get_data(as_text=True)
    assert "/ <span class=\"num\">4</span>" in html  # 平定县's four entries, whatever the filter asked


def test_a_panel_cannot_change_once_its_contestants_have_sheets(client: FlaskClient, city: World) -> None:
    minimum(city, 2)
    token = login(client, "city")
    judge_ids = [j.id for j in db.session.execute(select(Judge).where(Judge.home_county_id.is_(None))).scalars()][:2]
    client.post(f"/organize/panels/round/{plan_round(city)}/panels/manual", data={
        "manual-name": "组", "manual-group_id": village_group(city), "manual-session_id": 0, "manual-county_id": 0,
        "manual-recusal_scope": "county", "manual-judge_ids": judge_ids, "csrf_token": token})
    panel = db.session.execute(select(Panel)).scalar_one()
    entry = db.session.execute(select(Entry).where(Entry.public_number == "V001")).scalar_one()
    db.session.add(ScoreSheet(round_id=plan_round(city), entry_id=entry.id, judge_id=judge_ids[0], state="draft"))
    db.session.commit()
    client.post(f"/organize/panels/panel/{panel.id}/delete", data={"csrf_token": token},
                headers={"Referer": "http://localhost/organize/panels/"})
    assert db.session.execute(select(func.count()).select_from(Panel)).scalar_one() == 1
    assert "已有评分" in client.get("/organize/panels/").get_data(as_text=True)


def test_unknown_ids_are_404(client: FlaskClient, city: World) -> None:
    login(client, "city")
    for path in ["/organize/panels/round/999999", "/organize/panels/panel/999999",
                 "/organize/panels/session/999999", "/organize/panels/session/999999/running-order.pdf"]:
        assert client.get(path).status_code == 404, path


def test_decimal_fields_survive(city: World) -> None:
    assert city.contest.rounds[0].criteria[0].max_points == Decimal(20)


def test_a_secretary_sees_their_session_time_slot_and_place_in_the_running_order(
    client: FlaskClient, city: World
) -> None:
    token = login(client, "city")
    session = make_session(city)
    client.post(f"/organize/panels/round/{plan_round(city)}/distribute",
                data={"group_id": village_group(city), "csrf_token": token})
    client.post(f"/organize/panels/session/{session.id}/order",
                data={"order": "V006,V005,V004,V003,V002,V001", "csrf_token": token})
    secretary = client.application.test_client()
    login(secretary, "sec")  # holds V001: last of six, 40 minutes after 08:30
    html = secretary.get("/me/").get_data(as_text=True)
    assert "第一场" in html and "2022年3月15日 09:10" in html
    assert "第 <strong>6</strong> 位（共 6 位）" in html


def test_a_round_without_sessions_says_what_to_do_for_its_kind(client: FlaskClient, world: World) -> None:
    login(client, "city")
    plan, service = world.contest.rounds[0], world.contest.rounds[1]
    assert "本轮尚无场次。请先创建场次" in client.get(f"/organize/panels/round/{plan.id}").get_data(as_text=True)
    site_visit = client.get(f"/organize/panels/round/{service.id}").get_data(as_text=True)
    assert "本轮为现场观摩，可不设场次：评委组逐一评分，在评分工作台开放整轮评分即可" in site_visit
