"""公示 settings: the period, contact and issuing body a contest's next publication uses; an open notice's contact."""

import re
from datetime import date, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.notices.models import Notice, NoticeSettings
from app.notices.services import pdf_context
from tests.conftest import login
from tests.factories import World
from tests.web.test_notices import correct_v002, end_period, finalize, notice, publish, scored

__all__ = ["notice", "scored"]  # fixtures shared with the notices tests

CONTACT = ("联系电话：0353-2021234\n来信地址：阳泉市城区桃北中路 1 号市委组织部干部一科（邮编 045000）\n"
           "受理时间：工作日 8:30–12:00")


def settings_url(world: World) -> str:
    return f"/organize/notices/settings/{world.contest.id}"


def save(client: FlaskClient, world: World, token: str, period: str = "7", contact: str = CONTACT,
         body: str = "中共阳泉市委组织部") -> tuple[int, str]:
    response = client.post(settings_url(world), data={"period_days": period, "contact": contact,
                                                      "issuing_body": body, "csrf_token": token})
    return response.status_code, response.get_data(as_text=True)


def input_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else ""


def stored() -> list[tuple[int, str, str]]:
    return [tuple(r) for r in db.session.execute(
        select(NoticeSettings.period_days, NoticeSettings.contact, NoticeSettings.issuing_body)).all()]


def events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)).scalars())


def test_the_page_shows_the_defaults_before_anyone_sets_them(client: FlaskClient, world: World) -> None:
    login(client, "city")
    html = client.get(settings_url(world)).get_data(as_text=True)
    assert (input_value(html, "period_days"), input_value(html, "issuing_body")) == ("5", "中共阳泉市委组织部")
    assert "尚未设置，发布时使用下列默认值" in html
    assert f'href="{settings_url(world)}"' in client.get("/organize/notices/").get_data(as_text=True)
    assert stored() == []


def test_publishing_without_settings_uses_5_days_and_no_contact(client: FlaskClient, notice: Notice) -> None:
    assert (notice.period_days, notice.contact, notice.issuing_body) == (5, "", "中共阳泉市委组织部")
    html = client.get(f"/public/notices/{notice.id}").get_data(as_text=True)
    assert "联系方式：</strong>本公示未另行公布联系电话和来信地址。" in html


def test_saved_settings_are_used_by_the_next_publication_only(
    client: FlaskClient, scored: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2022-09-29 16:30 UTC is Friday 2022-09-30 in Shanghai: 7 working days skip National Day
    monkeypatch.setattr("app.publication.services.utcnow", lambda: datetime(2022, 9, 29, 16, 30))
    first = publish(client.application.test_client(), scored)
    token = login(client, "city")
    status, _ = save(client, scored, token, "7", CONTACT + "\r\n", " 阳泉市大比武领导小组办公室 ")
    assert status == 302 and stored() == [(7, CONTACT, "阳泉市大比武领导小组办公室")]
    db.session.refresh(first)
    assert (first.period_days, first.ends_on, first.contact) == (5, date(2022, 10, 11), "")
    correct_v002(scored, ("19",))
    second = publish(client.application.test_client(), scored)
    assert (second.period_days, second.starts_on, second.ends_on) == (7, date(2022, 9, 30), date(2022, 10, 13))
    assert (second.contact, second.issuing_body) == (CONTACT, "阳泉市大比武领导小组办公室")
    html = client.get(f"/public/notices/{second.id}").get_data(as_text=True)
    assert "（7个工作日）" in html and "<div class=\"ps-3\">联系电话：0353-2021234</div>" in html
    assert "受理时间：工作日 8:30–12:00" in html and "向阳泉市大比武领导小组办公室反映" in html
    context = pdf_context(second.id)
    assert context["contact_lines"] == CONTACT.split("\n")
    assert context["issuing_body"] == "阳泉市大比武领导小组办公室" and "7个工作日" in context["period"]
    response = client.get(f"/public/notices/{second.id}/notice.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


@pytest.mark.parametrize(("period", "contact", "body", "message"), [
    ("0", "", "中共阳泉市委组织部", "公示期须为 1 至 30 个工作日的整数"),
    ("31", "", "中共阳泉市委组织部", "公示期须为 1 至 30 个工作日的整数"),
    ("五", "", "中共阳泉市委组织部", "请填写整数"),
    ("5", "电" * 301, "中共阳泉市委组织部", "联系方式不超过 300 字"),
    ("5", "", "部" * 101, "请填写发布单位（不超过 100 字）"),
    ("5", "", "  ", "请填写发布单位（不超过 100 字）"),
])
def test_invalid_settings_are_refused_and_nothing_changes(
    client: FlaskClient, world: World, period: str, contact: str, body: str, message: str
) -> None:
    token = login(client, "city")
    assert save(client, world, token, "9", "旧的联系方式")[0] == 302
    status, html = save(client, world, token, period, contact, body)
    assert status == 400 and message in html
    assert stored() == [(9, "旧的联系方式", "中共阳泉市委组织部")] and len(events("notice_settings_changed")) == 1


def test_the_limits_1_and_30_and_300_characters_are_accepted(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    assert save(client, world, token, "1", "电" * 300)[0] == 302
    assert save(client, world, token, "30", "电" * 150 + "\r\n" + "话" * 149)[0] == 302  # CRLF counts once
    assert stored() == [(30, "电" * 150 + "\n" + "话" * 149, "中共阳泉市委组织部")]


def test_a_change_is_audited_with_before_and_after_and_an_unchanged_save_is_not(
    client: FlaskClient, world: World
) -> None:
    token = login(client, "city")
    status, _ = save(client, world, token, "7", "电话 0353-1")
    assert status == 302
    assert "公示设置已保存" in client.get(settings_url(world)).get_data(as_text=True)
    assert save(client, world, token, "7", "电话 0353-2")[0] == 302
    assert save(client, world, token, "7", "电话 0353-2")[0] == 302
    changes = events("notice_settings_changed")
    body = {"issuing_body": "中共阳泉市委组织部"}
    assert [(e.object_type, e.object_id, e.before, e.after) for e in changes] == [
        ("contest", str(world.contest.id), {"period_days": 5, "contact": ""} | body,
         {"period_days": 7, "contact": "电话 0353-1"} | body),
        ("contest", str(world.contest.id), {"period_days": 7, "contact": "电话 0353-1"} | body,
         {"period_days": 7, "contact": "电话 0353-2"} | body)]
    assert changes[0].actor_id == world.users["city_organizer"].id


def test_contact_text_is_escaped_on_the_pages(client: FlaskClient, scored: World) -> None:
    token = login(client, "city")
    assert save(client, scored, token, "5", '<script>alert(1)</script><a href="x">电话</a>')[0] == 302
    published = publish(client.application.test_client(), scored)
    html = client.get(f"/public/notices/{published.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<a href=\"x\">" not in client.get(settings_url(scored)).get_data(as_text=True)


def test_county_organizers_and_judges_are_refused_and_anonymous_sent_to_login(
    client: FlaskClient, world: World
) -> None:
    assert client.get(settings_url(world)).headers["Location"].startswith("/login?next=")
    for username in ("pdorg", "judge", "sec", "clerk"):
        other = client.application.test_client()
        token = login(other, username)
        assert other.get(settings_url(world)).status_code == 403, username
        assert save(other, world, token)[0] == 403, username
    county = client.application.test_client()
    login(county, "pdorg")
    assert "公示设置" not in county.get("/organize/notices/").get_data(as_text=True)
    assert stored() == [] and events("notice_settings_changed") == []


def test_supervisors_read_the_settings_without_a_form(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    save(client, world, token, "8", "电话 0353-8888888")
    supervisor = client.application.test_client()
    token = login(supervisor, "sup")
    html = supervisor.get(f"/supervise/notices/settings/{world.contest.id}").get_data(as_text=True)
    assert "8 个工作日" in html and "电话 0353-8888888" in html and "<form" not in html.split("<main", 1)[-1]
    assert f"/supervise/notices/settings/{world.contest.id}" in supervisor.get("/supervise/notices/").get_data(
        as_text=True)
    assert save(supervisor, world, token, "3")[0] == 403 and stored()[0][0] == 8
    assert supervisor.get(f"/supervise/notices/settings/{world.contest.id + 99}").status_code == 404


def edit_contact(client: FlaskClient, notice: Notice, token: str, contact: str) -> tuple[int, str]:
    response = client.post(f"/organize/notices/{notice.id}/contact", data={"contact": contact, "csrf_token": token})
    return response.status_code, response.get_data(as_text=True)


def test_editing_an_open_notices_contact_shows_at_once_and_is_audited(client: FlaskClient, notice: Notice) -> None:
    organizer = client.application.test_client()
    token = login(organizer, "city")
    page = organizer.get(f"/organize/notices/{notice.id}").get_data(as_text=True)
    assert "保存联系方式" in page and "不能修改" in page
    assert edit_contact(organizer, notice, token, "新电话：0353-7654321")[0] == 302
    html = client.get(f"/public/notices/{notice.id}").get_data(as_text=True)
    assert "<div class=\"ps-3\">新电话：0353-7654321</div>" in html
    event = events("notice_contact_changed")
    assert [(e.object_id, e.before, e.after) for e in event] == [
        (str(notice.id), {"contact": ""}, {"contact": "新电话：0353-7654321"})]
    status, body = edit_contact(organizer, notice, token, "电" * 301)
    assert status == 400 and "联系方式不超过 300 字" in body
    db.session.refresh(notice)
    assert notice.contact == "新电话：0353-7654321" and notice.period_days == 5


def test_the_contact_of_a_finalized_or_superseded_notice_cannot_be_edited(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    organizer = client.application.test_client()
    token = login(organizer, "city")
    correct_v002(scored, ("19",))
    second = publish(client.application.test_client(), scored)
    db.session.refresh(notice)
    assert notice.state == "superseded"
    status, body = edit_contact(organizer, notice, token, "改不了")
    assert status == 400 and "本公示已终结或已被新版本取代，联系方式不能再修改" in body
    end_period(second)
    assert finalize(organizer, second, token)[0] == 302
    assert edit_contact(organizer, second, token, "改不了")[0] == 400
    assert "保存联系方式" not in organizer.get(f"/organize/notices/{second.id}").get_data(as_text=True)
    db.session.refresh(notice)
    db.session.refresh(second)
    assert (notice.contact, second.contact) == ("", "") and events("notice_contact_changed") == []


def test_only_city_organizers_edit_a_notices_contact(client: FlaskClient, notice: Notice) -> None:
    for username in ("pdorg", "sup", "judge"):
        other = client.application.test_client()
        token = login(other, username)
        assert edit_contact(other, notice, token, "县里改的")[0] == 403, username
    county = client.application.test_client()
    login(county, "pdorg")
    assert "保存联系方式" not in county.get(f"/organize/notices/{notice.id}").get_data(as_text=True)
    assert db.session.execute(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "notice_contact_changed")).scalar_one() == 0
