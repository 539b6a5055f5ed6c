"""公示: publishing opens a public notice; objections, 复核, a corrected version, the diff and finalizing."""

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.judges.models import Judge
from app.judging.corrections import accept_late
from app.judging.models import ScoreSheet
from app.judging.sheets import StoreOptions, store_version
from app.notices.models import Notice, Objection
from app.notices.services import pdf_context, today
from app.publication.models import Publication
from app.results.models import AwardBand
from app.timeutil import local
from scoring import verify_package
from tests.conftest import csrf_from, login
from tests.factories import World, make_user
from tests.web.test_results import current_hash, preview_html, scored, sign

__all__ = ["scored"]  # the fixture, shared with the results tests

PHONE = "13912345678"


def publish(client: FlaskClient, world: World) -> Notice:
    """The supervisor signs the plan round, the city organizer publishes it; returns the new notice."""
    sign(client, world)
    organizer = client.application.test_client()
    token = login(organizer, "city")
    digest = current_hash(preview_html(organizer, world))
    response = organizer.post(f"/organize/results/{world.contest.id}/round:plan/publish",
                              data={"package_hash": digest, "csrf_token": token})
    assert response.status_code == 302
    return db.session.execute(select(Notice).order_by(Notice.id.desc()).limit(1)).scalar_one()


@pytest.fixture()
def notice(client: FlaskClient, scored: World) -> Notice:
    scored.users["secretary"].phone = "13800138000"
    db.session.commit()
    return publish(client.application.test_client(), scored)


def objection_data(client: FlaskClient, notice: Notice, **changes: str) -> dict[str, str]:
    token = csrf_from(client.get(f"/public/notices/{notice.id}/object").get_data(as_text=True))
    data = {"name": "张三", "phone": PHONE, "public_number": "V002", "content": "V002 的成绩计算有误，请复核。",
            "website": "", "csrf_token": token}
    data.update(changes)
    return data


def file(client: FlaskClient, notice: Notice, **changes: str) -> tuple[int, str]:
    response = client.post(f"/public/notices/{notice.id}/object", data=objection_data(client, notice, **changes))
    return response.status_code, response.headers.get("Location", "") or response.get_data(as_text=True)


def objections() -> int:
    return db.session.execute(select(func.count(Objection.id))).scalar_one()


def end_period(notice: Notice, days_ago: int = 1) -> None:
    notice.ends_on = today() - timedelta(days=days_ago)
    db.session.commit()


def test_publishing_opens_a_notice_counted_from_the_shanghai_date(
    client: FlaskClient, scored: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2022-09-29 16:30 UTC is 2022-09-30 00:30 in Shanghai: Friday before National Day
    monkeypatch.setattr("app.publication.services.utcnow", lambda: datetime(2022, 9, 29, 16, 30))
    notice = publish(client, scored)
    version = db.session.get(Publication, notice.version_id)
    assert (notice.starts_on, notice.ends_on, notice.period_days) == (date(2022, 9, 30), date(2022, 10, 11), 5)
    assert (notice.state, notice.fallback_calendar, notice.issuing_body) == ("open", False, "中共阳泉市委组织部")
    assert notice.title == "2022年度大比武年初比规划成绩公示"
    assert (version.notice_starts_on, version.notice_ends_on, version.causes) == (date(2022, 9, 30),
                                                                                  date(2022, 10, 11), None)
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "notice_started")).scalar_one()


def test_the_public_page_shows_ranks_names_and_the_hash_and_no_phone_numbers(
    client: FlaskClient, notice: Notice
) -> None:
    version = db.session.get(Publication, notice.version_id)
    response = client.get(f"/public/notices/{notice.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert version.package_hash in html and "2022年度大比武年初比规划成绩公示" in html
    assert html.index("V001") < html.index("V002") and "书记甲" in html and "平定县冠山镇西关村" in html
    assert "18.17" in html and "15.50" in html and "公示中" in html
    assert "13800138000" not in html and "评委甲" not in html


def test_the_public_landing_lists_the_current_notice(client: FlaskClient, notice: Notice) -> None:
    html = client.get("/public/").get_data(as_text=True)
    assert f"/public/notices/{notice.id}" in html and "暂无公示" not in html


def test_a_valid_objection_gets_a_receipt_and_the_receipt_page_shows_state_only(
    client: FlaskClient, notice: Notice
) -> None:
    status, location = file(client, notice)
    assert status == 302
    objection = db.session.execute(select(Objection)).scalar_one()
    assert location.endswith(f"/public/objections/{objection.receipt}")
    assert (objection.channel, objection.phone, objection.public_number, objection.state) == (
        "web", PHONE, "V002", "open")
    assert len(objection.receipt) == 10 and not set(objection.receipt) & set("0O1IL")
    html = client.get(f"/public/objections/{objection.receipt.lower()}").get_data(as_text=True)
    assert "待复核" in html and objection.receipt in html
    assert PHONE not in html and "张三" not in html and "计算有误" not in html


def test_the_receipt_lookup_form_leads_to_the_receipt_and_an_unknown_one_is_404(
    client: FlaskClient, notice: Notice
) -> None:
    assert file(client, notice)[0] == 302
    receipt = db.session.execute(select(Objection.receipt)).scalar_one()
    assert client.get(f"/public/objections?receipt= {receipt.lower()} ").headers["Location"].endswith(
        f"/public/objections/{receipt}")
    for response in (client.get("/public/objections?receipt=abcdefghjk"), client.get("/public/objections/abcdefghjk")):
        html = response.get_data(as_text=True)  # the form again, with what was typed, to correct it
        assert response.status_code == 404 and "凭回执号查询异议" in html
        assert 'value="ABCDEFGHJK"' in html and "没有这个回执号的异议，请核对后重新输入" in html


def test_a_filled_honeypot_is_refused_and_nothing_is_stored(client: FlaskClient, notice: Notice) -> None:
    status, body = file(client, notice, website="http://spam.example")
    assert status == 400 and "提交未被受理" in body and objections() == 0


def test_content_over_1000_characters_is_refused(client: FlaskClient, notice: Notice) -> None:
    status, body = file(client, notice, content="异" * 1001)
    assert status == 400 and "异议内容不超过 1000 字" in body and objections() == 0
    assert file(client, notice, content="异" * 1000)[0] == 302


def test_an_unknown_contestant_or_phone_is_refused(client: FlaskClient, notice: Notice) -> None:
    assert file(client, notice, public_number="V999")[0] == 400
    status, body = file(client, notice, phone="12345")
    assert status == 400 and "请填写有效的手机号码" in body and objections() == 0


def test_objections_are_refused_after_the_period(client: FlaskClient, notice: Notice) -> None:
    token = csrf_from(client.get(f"/public/notices/{notice.id}/object").get_data(as_text=True))
    end_period(notice)
    data = {"name": "张三", "phone": PHONE, "public_number": "V002", "content": "迟到的异议", "csrf_token": token}
    response = client.post(f"/public/notices/{notice.id}/object", data=data)
    assert response.status_code == 400 and "不再受理网上异议" in response.get_data(as_text=True)
    assert objections() == 0
    assert "公示期已结束" in client.get(f"/public/notices/{notice.id}").get_data(as_text=True)


def test_the_public_form_is_rate_limited_per_address(client: FlaskClient, notice: Notice) -> None:
    statuses = [file(client, notice)[0] for _ in range(6)]
    assert statuses == [302, 302, 302, 302, 302, 429] and objections() == 5


def staff_entry(client: FlaskClient, notice: Notice, token: str, channel: str = "phone") -> int:
    response = client.post(f"/organize/notices/{notice.id}/objections", data={
        "channel": channel, "name": "李四", "phone": "13700001111", "public_number": "V001",
        "content": "来电反映 V001 得分偏高。", "csrf_token": token})
    return response.status_code


def test_staff_enter_a_phone_objection_with_its_channel_and_see_the_number_masked(
    client: FlaskClient, notice: Notice
) -> None:
    token = login(client, "city")
    assert staff_entry(client, notice, token, "letter") == 302
    objection = db.session.execute(select(Objection)).scalar_one()
    assert (objection.channel, objection.name, objection.entered_by_id is not None) == ("letter", "李四", True)
    html = client.get(f"/organize/notices/{notice.id}").get_data(as_text=True)
    assert "信函" in html and "137****1111" in html and "13700001111" not in html


def review(client: FlaskClient, objection: Objection, token: str, outcome: str, answer: str) -> int:
    return client.post(f"/organize/notices/objections/{objection.id}/review",
                       data={"outcome": outcome, "answer": answer, "csrf_token": token}).status_code


def test_review_maintained_with_an_answer_the_objector_reads_by_receipt(client: FlaskClient, notice: Notice) -> None:
    file(client, notice)
    objection = db.session.execute(select(Objection)).scalar_one()
    organizer = client.application.test_client()
    token = login(organizer, "city")
    assert review(organizer, objection, token, "maintained", "短") == 400
    assert review(organizer, objection, token, "maintained", "经复核，评分无误，维持原结果。") == 302
    db.session.refresh(objection)
    assert (objection.state, objection.answer) == ("maintained", "经复核，评分无误，维持原结果。")
    assert review(organizer, objection, token, "corrected", "再次复核的答复。") == 400
    html = client.get(f"/public/objections/{objection.receipt}").get_data(as_text=True)
    assert "已复核：维持原结果" in html and "经复核，评分无误，维持原结果。" in html
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "objection_reviewed")).scalar_one()
    assert event.after == {"state": "maintained", "answer": "经复核，评分无误，维持原结果。"}


def correct_v002(world: World, values: tuple[str, ...] = ("16",)) -> None:
    """Correct the first len(values) V002 sheets of the plan round."""
    rnd = world.contest.rounds[0]
    sheets = db.session.execute(select(ScoreSheet).where(ScoreSheet.entry_id == world.entries["yuxian"].id)
                                .order_by(ScoreSheet.id)).scalars().all()
    for sheet, value in zip(sheets, values, strict=False):
        sheet.correction_reason = "复核发现录入错误"
        store_version(sheet, rnd.id, sheet.entry_id, sheet.judge_id, {rnd.criteria[0].id: Decimal(value)}, "",
                      StoreOptions(client_token=f"fix-{sheet.id}-{value}", source="paper",
                                   entered_by_id=world.users["city_organizer"].id))
    db.session.commit()


def test_a_correction_publishes_version_2_with_its_causes_a_new_notice_and_a_diff(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    file(client, notice)
    objection = db.session.execute(select(Objection)).scalar_one()
    organizer = client.application.test_client()
    token = login(organizer, "city")
    assert review(organizer, objection, token, "corrected", "经复核，评委 J0x 评分录入有误，予以更正。") == 302
    correct_v002(scored, ("19",))
    second = publish(client.application.test_client(), scored)
    db.session.refresh(notice)
    version = db.session.get(Publication, second.version_id)
    assert (version.number, notice.state, second.state) == (2, "superseded", "open")
    assert second.title == "2022年度大比武年初比规划成绩公示（第2版）"
    assert version.causes["objections"] == [objection.receipt]
    assert [(c["public_number"], c["version"], c["reason"], c["round"]) for c in version.causes["corrections"]] == [
        ("V002", 2, "复核发现录入错误", "plan")]
    assert version.causes["corrections"][0]["judge"].startswith("J0") and version.causes["late_accepted"] == []
    judge = version.causes["corrections"][0]["judge"]
    # V002: (19 + 16 + 15.5) / 3 = 16.83
    html = client.application.test_client().get(f"/public/notices/{second.id}/diff").get_data(as_text=True)
    assert "15.50" in html and "16.83" in html and "依异议更正：1 件" in html and "依异议复核更正" in html
    assert f"评委 {judge} 评分表第 2 版（更正）" in html
    # the organizer's free-text reason may name people; the receipt is the objector's key to the answer
    assert "复核发现录入错误" not in html and objection.receipt not in html
    staff = organizer.get(f"/organize/notices/{second.id}/diff").get_data(as_text=True)
    assert f"评委 {judge} 评分表第 2 版（更正）：复核发现录入错误" in staff
    assert f"异议 {objection.receipt} 复核更正" in staff and "16.83" in staff
    assert f"/public/notices/{notice.id}" not in client.get("/public/").get_data(as_text=True)


def test_an_accepted_late_sheet_is_a_cause_of_the_next_version(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    user = make_user("judge4", "judge", name="评委4")
    db.session.flush()
    judge = Judge(contest_id=scored.contest.id, user_id=user.id, unit="市统计局", field="finance")
    db.session.add(judge)
    db.session.flush()
    rnd = scored.contest.rounds[0]
    late = store_version(None, rnd.id, scored.entries["yuxian"].id, judge.id, {rnd.criteria[0].id: Decimal("20")}, "",
                         StoreOptions(client_token="late-1", source="offline", entered_by_id=user.id, late=True))
    db.session.commit()
    accept_late(scored.users["city_organizer"], late.id, "离线确认时间早于窗口关闭")
    second = publish(client, scored)
    causes = db.session.get(Publication, second.version_id).causes
    assert (causes["objections"], causes["corrections"]) == ([], [])
    assert [(c["public_number"], c["round"], c["version"], c["reason"]) for c in causes["late_accepted"]] == [
        ("V002", "plan", 1, "离线确认时间早于窗口关闭")]
    result = db.session.get(Publication, second.version_id).package["result"]
    totals = {c["id"]: c["total"] for c in result["contestants"]}
    assert totals == {"V001": "18.17", "V002": "16.63"}  # V002: (15 + 16 + 15.5 + 20) / 4
    judge = causes["late_accepted"][0]["judge"]
    html = client.get(f"/public/notices/{second.id}/diff").get_data(as_text=True)
    assert f"评委 {judge} 迟交评分表经审核计入</div>" in html and "16.63" in html
    assert "离线确认时间早于窗口关闭" not in html
    organizer = client.application.test_client()
    login(organizer, "city")
    staff = organizer.get(f"/organize/notices/{second.id}/diff").get_data(as_text=True)
    assert f"评委 {judge} 迟交评分表经审核计入：离线确认时间早于窗口关闭" in staff


def test_the_first_version_has_no_diff(client: FlaskClient, notice: Notice) -> None:
    assert client.get(f"/public/notices/{notice.id}/diff").status_code == 404


def finalize(client: FlaskClient, notice: Notice, token: str, confirm: bool = False) -> tuple[int, str]:
    data = {"csrf_token": token} | ({"confirm_over_quota": "y"} if confirm else {})
    response = client.post(f"/organize/notices/{notice.id}/finalize", data=data)
    return response.status_code, response.get_data(as_text=True)


def test_finalizing_waits_for_the_end_of_the_period_and_the_open_objections(
    client: FlaskClient, notice: Notice
) -> None:
    file(client, notice)
    organizer = client.application.test_client()
    token = login(organizer, "city")
    status, body = finalize(organizer, notice, token)
    assert status == 400 and "结束后方可终结" in body
    end_period(notice)
    status, body = finalize(organizer, notice, token)
    assert status == 400 and "尚有 1 件异议未复核" in body
    review(organizer, db.session.execute(select(Objection)).scalar_one(), token, "maintained", "维持原结果，理由如下。")
    assert finalize(organizer, notice, token)[0] == 302
    db.session.refresh(notice)
    version = db.session.get(Publication, notice.version_id)
    assert notice.state == "finalized" and version.finalized_at is not None
    assert version.finalized_by_id == db.session.execute(select(AuditEvent.actor_id).where(
        AuditEvent.action == "result_finalized")).scalar_one()
    assert finalize(organizer, notice, token)[0] == 400


def test_a_corrected_objection_blocks_finalizing_the_old_version(client: FlaskClient, notice: Notice) -> None:
    file(client, notice)
    organizer = client.application.test_client()
    token = login(organizer, "city")
    review(organizer, db.session.execute(select(Objection)).scalar_one(), token, "corrected", "予以更正，另行公示。")
    end_period(notice)
    status, body = finalize(organizer, notice, token)
    assert status == 400 and "请更正后重新签核、发布新版本" in body


def test_an_award_band_over_quota_needs_the_organizers_confirmation(client: FlaskClient, scored: World) -> None:
    village = next(g for g in scored.contest.groups if g.code == "village")
    db.session.add(AwardBand(contest_id=scored.contest.id, group_id=village.id, position=1, name="一等奖",
                             kind="count", value="1"))
    db.session.commit()
    correct_v002(scored, ("18", "17.5", "19"))  # V002 now ties V001 at 18.17
    notice = publish(client, scored)
    version = db.session.get(Publication, notice.version_id)
    assert version.package["result"]["awards"][0]["over_quota"] is True
    end_period(notice)
    organizer = client.application.test_client()
    token = login(organizer, "city")
    assert "超出名额" in organizer.get(f"/organize/notices/{notice.id}").get_data(as_text=True)
    status, body = finalize(organizer, notice, token)
    assert status == 400 and "已确认超出名额的奖项" in body
    assert finalize(organizer, notice, token, confirm=True)[0] == 302


def test_the_public_package_is_the_stored_one_and_verifies(client: FlaskClient, notice: Notice) -> None:
    version = db.session.get(Publication, notice.version_id)
    response = client.get(f"/public/notices/{notice.id}/package.json")
    package = json.loads(response.get_data(as_text=True))
    assert response.mimetype == "application/json" and package == version.package
    report = verify_package(package)
    assert report.identical is True
    assert "13800138000" not in response.get_data(as_text=True)


def test_the_audit_guide_explains_the_verify_command(client: FlaskClient, ctx: object) -> None:
    html = client.get("/public/audit-package").get_data(as_text=True)
    assert "python -m scoring verify package.json" in html and "一致 (identical)" in html


def test_the_notice_pdf_has_the_title_table_hash_and_chinese_date(client: FlaskClient, notice: Notice) -> None:
    response = client.get(f"/public/notices/{notice.id}/notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    context = pdf_context(notice.id)
    version = db.session.get(Publication, notice.version_id)
    assert (context["hash"], context["issuing_body"]) == (version.package_hash, "中共阳泉市委组织部")
    published = local(version.published_at)
    assert published is not None
    assert context["date"] == f"{published.year}年{published.month}月{published.day}日"
    assert [(g["name"], [(line["rank"], line["number"], line["name"], line["total"]) for line in g["lines"]])
            for g in context["groups"]] == [
        ("村党组织书记组", [(1, "V001", "书记甲", "18.17"), (2, "V002", "书记乙", "15.50")])]


def test_supervisors_read_but_cannot_review_or_finalize(client: FlaskClient, notice: Notice) -> None:
    file(client, notice)
    objection = db.session.execute(select(Objection)).scalar_one()
    token = login(client, "sup")
    assert client.get("/supervise/notices/").status_code == 200
    html = client.get(f"/supervise/notices/{notice.id}").get_data(as_text=True)
    assert objection.receipt in html and "139****5678" in html and PHONE not in html
    assert client.get(f"/supervise/notices/objections/{objection.id}").status_code == 200
    assert review(client, objection, token, "maintained", "监督员不能复核。") == 403
    assert finalize(client, notice, token)[0] == 403


def test_county_organizers_see_their_county_only_and_cannot_review_or_finalize(
    client: FlaskClient, notice: Notice
) -> None:
    file(client, notice)  # about V002, of 盂县
    objection = db.session.execute(select(Objection)).scalar_one()
    token = login(client, "pdorg")
    assert objection.receipt not in client.get(f"/organize/notices/{notice.id}").get_data(as_text=True)
    assert client.get(f"/organize/notices/objections/{objection.id}").status_code == 404
    assert review(client, objection, token, "maintained", "县级不能复核。") == 403
    assert finalize(client, notice, token)[0] == 403
    other = client.application.test_client()
    login(other, "yxorg")
    assert other.get(f"/organize/notices/objections/{objection.id}").status_code == 200


def test_staff_pages_are_closed_to_the_public_and_other_roles(client: FlaskClient, notice: Notice) -> None:
    assert client.get("/organize/notices/").status_code in (302, 401)
    login(client, "judge")
    assert client.get("/organize/notices/").status_code == 403
    assert client.get(f"/public/notices/{notice.id}").status_code == 200


def test_the_objection_form_lists_contestants_by_number_and_takes_one_from_its_address(
        client: FlaskClient, notice: Notice) -> None:
    html = client.get(f"/public/notices/{notice.id}/object").get_data(as_text=True)
    options = re.findall(r'<option (?:selected )?value="(V\d+)"', html)
    assert options == ["V001", "V002"]  # by number; the ranking has V001 first too, so check the selection
    assert 'data-finder-for="public_number"' in html
    chosen = client.get(f"/public/notices/{notice.id}/object?number=v002").get_data(as_text=True)
    assert re.findall(r'<option selected value="(V\d+)"', chosen) == ["V002"]
    unknown = client.get(f"/public/notices/{notice.id}/object?number=V999").get_data(as_text=True)
    assert "<option selected" not in unknown.replace('<option selected value="">', "")
