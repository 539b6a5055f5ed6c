"""A finalized (定榜) result is replaced only deliberately: a confirmation and a reason, kept in the audit."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.notices.models import Notice
from app.notices.services import pdf_context
from app.publication.models import Publication
from app.publication.services import FINAL_CORRECTION
from app.timeutil import chinese_date, format_local, local
from tests.conftest import login
from tests.factories import World
from tests.web.test_notices import correct_v002, end_period, finalize, notice, scored
from tests.web.test_results import current_hash, preview_html, sign

__all__ = ["notice", "scored"]  # fixtures shared with the notice tests

REASON = "经纪检监察部门核查，评委 J02 对 V002 的评分录入错误，依规更正。"


def publish_form(client: FlaskClient, world: World, token: str, **fields: str) -> tuple[int, str]:
    """The city organizer submits the publish form of the plan round as the page shows it, plus `fields`."""
    digest = current_hash(preview_html(client, world))
    response = client.post(f"/organize/results/{world.contest.id}/round:plan/publish",
                           data={"package_hash": digest, "csrf_token": token} | fields)
    return response.status_code, response.get_data(as_text=True)


def count(model: type, *conditions: object) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


@pytest.fixture()
def finalized(client: FlaskClient, scored: World, notice: Notice) -> tuple[FlaskClient, str]:
    """Version 1 finalized after its period; then a V002 sheet corrected and the new result signed off.
    Returns the city organizer's browser and CSRF token."""
    organizer = client.application.test_client()
    token = login(organizer, "city")
    end_period(notice)
    assert finalize(organizer, notice, token)[0] == 302
    correct_v002(scored, ("19",))
    sign(client.application.test_client(), scored)
    return organizer, token


def refusal(version: Publication, wanted: str) -> str:
    when = local(version.finalized_at)
    assert when is not None
    return (f"第 1 版已于{chinese_date(when.date())}定榜，成绩为最终结果；发布新版本将取代最终成绩并重新公示。"
            f"请{wanted}后再发布。")


def test_the_publish_form_says_before_the_button_that_version_1_is_final(
    scored: World, notice: Notice, finalized: tuple[FlaskClient, str]
) -> None:
    organizer, _ = finalized
    version = db.session.get(Publication, notice.version_id)
    html = preview_html(organizer, scored)
    said = (f"<strong>第 1 版已于 {format_local(version.finalized_at)} 定榜</strong>（公示已终结，成绩为最终结果）。"
            "\n          发布第 2 版将取代这一最终成绩：第 1 版的公示改为“已被取代”，第 2 版重新开始公示，"
            "公开页面注明“本版更正了已定榜的第 1 版”。")
    assert said in html
    assert html.index(said) < html.index('name="confirm_after_final"') < html.index('name="final_reason"') \
        < html.index("更正定榜成绩，发布第 2 版</button>")
    assert '<textarea class="form-control" id="final-reason" name="final_reason" rows="3" maxlength="300" required' \
        in html


@pytest.mark.parametrize(("fields", "wanted"), [
    ({}, "勾选“确认更正已定榜的成绩”并填写定榜后更正理由（不超过 300 字）"),
    ({"confirm_after_final": "y", "final_reason": "  \r\n "}, "填写定榜后更正理由（不超过 300 字）"),
    ({"final_reason": REASON}, "勾选“确认更正已定榜的成绩”"),
    ({"confirm_after_final": "y", "final_reason": "理" * 301}, "将定榜后更正理由缩短到 300 字以内（现有 301 字）"),
])
def test_without_the_confirmation_and_a_reason_nothing_is_published(
    scored: World, notice: Notice, finalized: tuple[FlaskClient, str], fields: dict[str, str], wanted: str
) -> None:
    organizer, token = finalized
    events = count(AuditEvent)
    status, html = publish_form(organizer, scored, token, **fields)
    version = db.session.get(Publication, notice.version_id)
    assert status == 400 and refusal(version, wanted) in html
    db.session.refresh(notice)
    assert (count(Publication), count(Notice), notice.state) == (1, 1, "finalized")
    assert count(AuditEvent) == events  # nothing recorded either
    # the page comes back with what was typed
    if fields.get("final_reason") == REASON:
        assert f'name="final_reason" rows="3" maxlength="300" required aria-describedby="final-reason-help">{REASON}' \
            "</textarea>" in html


def test_with_the_confirmation_and_a_reason_version_2_replaces_the_final_one(
    client: FlaskClient, scored: World, notice: Notice, finalized: tuple[FlaskClient, str]
) -> None:
    organizer, token = finalized
    first = db.session.get(Publication, notice.version_id)
    reason = REASON + "\r\n" + "补" * (299 - len(REASON))  # 300 characters: the browser's CRLF counts as one
    assert publish_form(organizer, scored, token, confirm_after_final="y", final_reason=reason)[0] == 302
    second = db.session.execute(select(Publication).where(Publication.number == 2)).scalar_one()
    assert second.causes["after_final"] == 1
    assert [c["public_number"] for c in second.causes["corrections"]] == ["V002"]
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == FINAL_CORRECTION)).scalar_one()
    stored = REASON + "\n" + "补" * (299 - len(REASON))
    assert len(stored) == 300
    assert (event.object_type, event.object_id, event.actor_id, event.actor_label) == (
        "result_version", str(second.id), scored.users["city_organizer"].id, "市组织者（city）")
    assert event.before == {"version": 1, "finalized_at": first.finalized_at.isoformat() + "Z",
                            "finalized_by_id": scored.users["city_organizer"].id}
    assert event.after == {"version": 2, "reason": stored}
    published = db.session.execute(select(AuditEvent).where(AuditEvent.action == "result_published",
                                                            AuditEvent.object_id == str(second.id))).scalar_one()
    assert published.after["after_final"] == 1
    db.session.refresh(notice)
    superseded = db.session.execute(select(AuditEvent).where(AuditEvent.action == "notice_superseded")).scalar_one()
    assert (notice.state, superseded.before, superseded.after) == (
        "superseded", {"state": "finalized"}, {"state": "superseded", "by_version": 2})
    new = db.session.execute(select(Notice).where(Notice.version_id == second.id)).scalar_one()
    assert new.state == "open" and pdf_context(new.id)["after_final"] == 1
    public = client.application.test_client()
    page = public.get(f"/public/notices/{new.id}").get_data(as_text=True)
    assert "本版更正了已定榜的第 1 版，成绩以本版为准，现重新公示。" in page
    diff = public.get(f"/public/notices/{new.id}/diff").get_data(as_text=True)
    assert "本版更正了已定榜的第 1 版。第 1 版的公示已终结，本版重新公示。" in diff
    assert REASON not in page and REASON not in diff  # free text stays on staff pages
    for prefix, username in (("/organize/notices", "city"), ("/supervise/notices", "sup")):
        staff = client.application.test_client()
        login(staff, username)
        assert f"定榜后更正理由（仅组织者、监督员可见）：{REASON}" in staff.get(f"{prefix}/{new.id}/diff").get_data(
            as_text=True)
        assert f"定榜后更正理由：{REASON}" in staff.get(f"{prefix}/{new.id}").get_data(as_text=True)
    county = client.application.test_client()
    login(county, "yxorg")
    assert REASON not in county.get(f"/organize/notices/{new.id}/diff").get_data(as_text=True)
    # version 2 is not final: version 3 needs no reason
    correct_v002(scored, ("18.5", "17"))
    sign(client.application.test_client(), scored)
    assert publish_form(organizer, scored, token)[0] == 302
    third = db.session.execute(select(Publication).where(Publication.number == 3)).scalar_one()
    assert "after_final" not in third.causes and count(AuditEvent, AuditEvent.action == FINAL_CORRECTION) == 1


def test_a_version_not_finalized_is_replaced_as_before_without_the_extra_fields(
    client: FlaskClient, scored: World, notice: Notice
) -> None:
    correct_v002(scored, ("19",))
    organizer = client.application.test_client()
    token = login(organizer, "city")
    sign(client.application.test_client(), scored)
    html = preview_html(organizer, scored)
    assert "定榜" not in html and "final_reason" not in html and "发布第 2 版</button>" in html
    assert publish_form(organizer, scored, token)[0] == 302
    second = db.session.execute(select(Publication).where(Publication.number == 2)).scalar_one()
    assert "after_final" not in second.causes and count(AuditEvent, AuditEvent.action == FINAL_CORRECTION) == 0
    published = db.session.execute(select(AuditEvent).where(AuditEvent.action == "result_published",
                                                            AuditEvent.object_id == str(second.id))).scalar_one()
    assert "after_final" not in published.after
    db.session.refresh(notice)
    assert notice.state == "superseded"
    new = db.session.execute(select(Notice).where(Notice.version_id == second.id)).scalar_one()
    assert "已定榜" not in client.get(f"/public/notices/{new.id}").get_data(as_text=True)
    assert "已定榜" not in client.get(f"/public/notices/{new.id}/diff").get_data(as_text=True)
