"""公示 across versions: what the public diff shows, open objections moving on, causes beyond sheets, frozen names."""

from datetime import date, timedelta
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import select

from app.adjustments.services import AdjustmentInput, record_adjustment
from app.adjustments.vetoes import decide_veto, propose_veto
from app.audit.models import AuditEvent
from app.contests.models import AdjustmentItem, Contest, Criterion, Group, Round, VetoItem
from app.entries.models import Entry, EntryHolder
from app.extensions import db
from app.judges.models import Judge
from app.judging.corrections import accept_late
from app.judging.sheets import StoreOptions, store_version
from app.notices.diffs import diff
from app.notices.lifecycle import causes_for, input_changes
from app.notices.models import Notice, Objection
from app.notices.services import names_for_version, pdf_context
from app.publication.models import Publication
from app.results.awards import BandInput, set_bands
from app.timeutil import utcnow
from tests.conftest import login
from tests.factories import World, make_user
from tests.web.test_notices import correct_v002, end_period, file, finalize, notice, publish, review, scored

__all__ = ["notice", "scored"]  # fixtures shared with the notice tests


def only(statement: object) -> Objection:
    return db.session.execute(statement).scalar_one()  # type: ignore[call-overload, no-any-return]


def corrected_after_an_objection(client: FlaskClient, world: World, notice: Notice) -> tuple[Notice, Objection]:
    """An objection about V002 is reviewed 更正, one V002 sheet corrected, version 2 published."""
    file(client, notice)
    objection = only(select(Objection))
    organizer = client.application.test_client()
    assert review(organizer, objection, login(organizer, "city"), "corrected", "经复核，予以更正。") == 302
    correct_v002(world, ("19",))  # the reason stored with the sheet: "复核发现录入错误"
    return publish(client.application.test_client(), world), objection


def diff_html(client: FlaskClient, prefix: str, notice: Notice, username: str | None = None) -> str:
    if username:
        login(client, username)
    response = client.get(f"{prefix}/{notice.id}/diff")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_public_diff_has_counts_and_pseudonyms_and_staff_diffs_have_reasons_and_receipts(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    second, objection = corrected_after_an_objection(client, scored, notice)
    judge = db.session.get(Publication, second.version_id).causes["corrections"][0]["judge"]
    public = diff_html(client.application.test_client(), "/public/notices", second)
    assert "依异议更正：1 件" in public and "依异议复核更正" in public
    assert f"评委 {judge} 评分表第 2 版（更正）</div>" in public
    assert objection.receipt not in public and "复核发现录入错误" not in public
    reason = f"评委 {judge} 评分表第 2 版（更正）：复核发现录入错误"
    for prefix, username in (("/organize/notices", "city"), ("/supervise/notices", "sup"), ("/organize/notices",
                                                                                              "yxorg")):
        staff = diff_html(client.application.test_client(), prefix, second, username)
        assert reason in staff and f"异议 {objection.receipt} 复核更正" in staff, username
    # V002 is 盂县's: 平定县's organizer reads its causes as the public does
    county = diff_html(client.application.test_client(), "/organize/notices", second, "pdorg")
    assert "复核发现录入错误" not in county and objection.receipt not in county and "依异议复核更正" in county
    supervisor = client.application.test_client()
    login(supervisor, "sup")
    assert f'href="/supervise/notices/{second.id}"' in supervisor.get(
        f"/supervise/notices/{second.id}/diff").get_data(as_text=True)
    secretary = client.application.test_client()
    login(secretary, "sec")
    assert secretary.get(f"/supervise/notices/{second.id}/diff").status_code == 403


def test_open_objections_move_to_the_new_version_and_block_finalizing_it(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    file(client, notice)
    file(client, notice, content="第二件异议，已答复。")
    moving, answered = db.session.execute(select(Objection).order_by(Objection.id)).scalars().all()
    organizer = client.application.test_client()
    token = login(organizer, "city")
    assert review(organizer, answered, token, "maintained", "经复核，维持原结果。") == 302
    correct_v002(scored, ("19",))
    second = publish(client.application.test_client(), scored)
    db.session.refresh(moving)
    db.session.refresh(answered)
    assert (moving.notice_id, moving.state, answered.notice_id) == (second.id, "open", notice.id)
    event = only(select(AuditEvent).where(AuditEvent.action == "objections_moved"))
    assert (event.object_type, event.object_id) == ("notice", str(second.id))
    assert (event.before, event.after) == ({"notice_id": notice.id}, {"notice_id": second.id,
                                                                      "receipts": [moving.receipt]})
    receipt = client.get(f"/public/objections/{moving.receipt}").get_data(as_text=True)
    assert f'href="/public/notices/{second.id}"' in receipt and "成绩公示（第2版）" in receipt
    assert moving.receipt in organizer.get(f"/organize/notices/{second.id}").get_data(as_text=True)
    first_page = organizer.get(f"/organize/notices/{notice.id}").get_data(as_text=True)
    assert moving.receipt not in first_page and answered.receipt in first_page
    end_period(second)
    status, body = finalize(organizer, second, token)
    assert status == 400 and "尚有 1 件异议未复核" in body
    assert review(organizer, moving, token, "maintained", "经复核，第 2 版无误。") == 302
    assert finalize(organizer, second, token)[0] == 302
    db.session.refresh(second)
    assert second.state == "finalized"


def test_a_moved_objection_corrected_on_version_2_is_a_cause_of_version_3(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    file(client, notice)
    objection = only(select(Objection))
    correct_v002(scored, ("19",))
    second = publish(client.application.test_client(), scored)
    organizer = client.application.test_client()
    token = login(organizer, "city")
    assert review(organizer, objection, token, "corrected", "经复核，再次更正。") == 302
    end_period(second)
    status, body = finalize(organizer, second, token)
    assert status == 400 and "请更正后重新签核、发布新版本" in body
    correct_v002(scored, ("18.5", "17"))
    third = publish(client.application.test_client(), scored)
    version = db.session.get(Publication, third.version_id)
    assert (version.number, version.causes["objections"]) == (3, [objection.receipt])
    db.session.refresh(second)
    assert second.state == "superseded"


def other_contest(world: World) -> tuple[Round, Entry, Judge]:
    """A second contest with a round of the same code, one entry and one judge."""
    contest = Contest(year=2023, name="2023年度大比武", status="running", tie_break=[])
    contest.groups = [Group(code="village", name="村党组织书记组", position=1)]
    rnd = Round(code="plan", name="年初比规划", position=1, weight=Decimal(100), mode="roadshow")
    rnd.criteria = [Criterion(name="发展思路", max_points=Decimal(20), step=Decimal("0.5"), position=1)]
    contest.rounds = [rnd]
    db.session.add(contest)
    db.session.flush()
    mine = world.entries["pingding"]
    entry = Entry(contest_id=contest.id, group=contest.groups[0], public_number="V009", county_id=mine.county_id,
                  township_id=mine.township_id, village_id=mine.village_id)
    judge = Judge(contest_id=contest.id, user_id=world.users["judge"].id, unit="市农业农村局", field="agriculture")
    db.session.add_all([entry, judge])
    db.session.commit()
    return rnd, entry, judge


def test_causes_take_only_this_contests_corrections_and_late_sheets(scored: World) -> None:
    since = utcnow() - timedelta(seconds=1)
    rnd, entry, judge = other_contest(scored)
    organizer = scored.users["city_organizer"]
    sheet = store_version(None, rnd.id, entry.id, judge.id, {rnd.criteria[0].id: Decimal("10")}, "",
                          StoreOptions(client_token="other-1", source="paper", entered_by_id=organizer.id)).sheet
    sheet.correction_reason = "另一比武的更正"
    store_version(sheet, rnd.id, entry.id, judge.id, {rnd.criteria[0].id: Decimal("11")}, "",
                  StoreOptions(client_token="other-2", source="paper", entered_by_id=organizer.id))
    extra = make_user("judge9", "judge", name="评委9")
    db.session.flush()
    late_judge = Judge(contest_id=rnd.contest_id, user_id=extra.id, unit="市统计局", field="finance")
    db.session.add(late_judge)
    db.session.flush()
    late = store_version(None, rnd.id, entry.id, late_judge.id, {rnd.criteria[0].id: Decimal("12")}, "",
                         StoreOptions(client_token="other-late", source="offline", entered_by_id=extra.id, late=True))
    db.session.commit()
    accept_late(organizer, late.id, "另一比武的迟交")
    correct_v002(scored, ("19",))
    for scope in ("year", "round:plan"):
        version = Publication(contest_id=scored.contest.id, scope=scope, number=2)
        causes = causes_for(version, since)
        assert [(c["public_number"], c["round"], c["reason"]) for c in causes["corrections"]] == [
            ("V002", "plan", "复核发现录入错误")], scope
        assert causes["late_accepted"] == [], scope


def items(world: World) -> tuple[AdjustmentItem, VetoItem]:
    rnd = world.contest.rounds[0]
    bonus = AdjustmentItem(round_id=rnd.id, name="创新加分", kind="bonus", rule_text="每项加 1 分，最多 2 分",
                           unit_label="项", unit_size=Decimal(1), points_per_unit=Decimal(1), cap=Decimal(2))
    veto = VetoItem(round_id=rnd.id, name="违反廉洁纪律", description="")
    db.session.add_all([bonus, veto])
    db.session.commit()
    return bonus, veto


def test_adjustments_vetoes_and_award_bands_since_the_last_version_are_causes_by_item_name_only(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    bonus, veto_item = items(scored)
    rnd, organizer = scored.contest.rounds[0], scored.users["city_organizer"]
    record_adjustment(organizer, rnd.id, scored.entries["yuxian"].id,
                      AdjustmentInput(bonus.id, Decimal(1), "张某举报的创新项目经核实"))
    veto = propose_veto(organizer, rnd.id, scored.entries["pingding"].id, veto_item.id, "收受王某礼品")
    decide_veto(scored.users["supervisor"], veto.id, True, "经核实属实")
    village = next(g for g in scored.contest.groups if g.code == "village")
    set_bands(organizer, scored.contest, village.id, [BandInput("一等奖", "count", "1")])
    second = publish(client, scored)
    causes = db.session.get(Publication, second.version_id).causes
    assert causes["adjustments"] == [{"round": "plan", "public_number": "V002", "item": "创新加分",
                                      "before": None, "after": "1.00"}]
    assert causes["vetoes"] == [{"round": "plan", "public_number": "V001", "item": "违反廉洁纪律",
                                 "change": "confirmed"}]
    assert causes["awards"] == [{"group": "village", "before": [], "after": [{"name": "一等奖", "count": 1}]}]
    html = diff_html(client.application.test_client(), "/public/notices", second)
    assert "加减分“创新加分”：无 → +1.00" in html and "一票否决“违反廉洁纪律”生效" in html
    assert "加减分变化：1 项；一票否决变化：1 项" in html and "奖项设置调整：村党组织书记组" in html
    assert "无 → <strong>一等奖</strong>" in html and "16.50" in html  # V002: 15.50 + 1, now first
    for free_text in ("张某", "王某", "经核实属实"):
        assert free_text not in html


def test_a_change_of_award_alone_is_a_move(client: FlaskClient, scored: World, notice: Notice) -> None:
    village = next(g for g in scored.contest.groups if g.code == "village")
    set_bands(scored.users["city_organizer"], scored.contest, village.id, [BandInput("一等奖", "count", "1")])
    second = publish(client, scored)
    _, _, moves = diff(second.id)
    assert [(m.public_number, m.old_rank, m.new_rank, m.old_total, m.new_total, m.old_award, m.new_award, m.moved)
            for m in moves] == [("V001", 1, 1, "18.17", "18.17", None, "一等奖", True),
                                ("V002", 2, 2, "15.50", "15.50", None, None, False)]
    html = diff_html(client.application.test_client(), "/public/notices", second)
    assert '<tr class="table-warning"><td class="text-nowrap">V001</td>' in html
    assert ">V002<" not in html and "本组其余 1 名参赛人名次、得分、奖项均无变化。" in html
    everyone = client.get(f"/public/notices/{second.id}/diff?all=1").get_data(as_text=True)
    assert '<tr class="table-warning"><td class="text-nowrap">V001</td>' in everyone
    assert '<tr class=""><td class="text-nowrap">V002</td>' in everyone


def test_input_changes_name_revoked_vetoes_and_changed_or_withdrawn_adjustments() -> None:
    def rounds(adjustments: list[dict[str, str]], vetoes: list[dict[str, str]]) -> dict[str, object]:
        return {"rounds": [{"id": "plan", "adjustments": adjustments, "vetoes": vetoes}]}

    old = rounds([{"contestant": "V001", "value": "1.00", "reason": "创新加分"},
                  {"contestant": "V002", "value": "-0.50", "reason": "超时扣分"}],
                 [{"contestant": "V003", "reason": "违反廉洁纪律"}])
    new = rounds([{"contestant": "V001", "value": "2.00", "reason": "创新加分"}], [])
    assert input_changes(old, new) == {
        "adjustments": [
            {"round": "plan", "public_number": "V001", "item": "创新加分", "before": "1.00", "after": "2.00"},
            {"round": "plan", "public_number": "V002", "item": "超时扣分", "before": "-0.50", "after": None}],
        "vetoes": [{"round": "plan", "public_number": "V003", "item": "违反廉洁纪律", "change": "revoked"}],
        "awards": []}
    assert input_changes(new, new) == {"adjustments": [], "vetoes": [], "awards": []}


def hand_over(world: World) -> None:
    """换届: 书记甲's entry V001 passes to 书记丙."""
    entry = world.entries["pingding"]
    entry.holders[0].ended_on = date.today()
    entry.holders.append(EntryHolder(user=make_user("sec3", "secretary", world.pingding, name="书记丙"),
                                     started_on=date.today()))
    db.session.commit()


def test_a_notice_keeps_the_names_it_was_published_with_after_a_handover(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    assert notice.names == {"V001": "书记甲", "V002": "书记乙"}
    hand_over(scored)
    html = client.get(f"/public/notices/{notice.id}").get_data(as_text=True)
    assert "书记甲" in html and "书记丙" not in html
    assert [line["name"] for line in pdf_context(notice.id)["groups"][0]["lines"]] == ["书记甲", "书记乙"]
    assert names_for_version(notice.version_id) == {"V001": "书记甲", "V002": "书记乙"}
    correct_v002(scored, ("19",))
    second = publish(client.application.test_client(), scored)  # a correction published after the handover
    assert names_for_version(second.version_id) == {"V001": "书记丙", "V002": "书记乙"}
    assert "书记丙" in client.get(f"/public/notices/{second.id}").get_data(as_text=True)
    assert names_for_version(notice.version_id)["V001"] == "书记甲"


def test_a_notice_from_before_names_were_frozen_shows_the_current_holders(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    notice.names = None
    db.session.commit()
    hand_over(scored)
    assert names_for_version(notice.version_id) == {"V001": "书记丙", "V002": "书记乙"}
    assert "书记丙" in client.get(f"/public/notices/{notice.id}").get_data(as_text=True)
