"""Objectors' phones: a mobile or a landline everywhere; staff may enter a letter or a visit without one."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.errors import DomainError
from app.extensions import db
from app.notices.models import Notice, Objection
from app.notices.phones import PHONE_ERROR, mask_phone, normalise_phone
from app.notices.services import ObjectionInput, file_objection
from tests.conftest import login
from tests.factories import World
from tests.web.test_notices import file, notice, scored

__all__ = ["notice", "scored"]  # fixtures shared with the notice tests


def objections() -> list[Objection]:
    return list(db.session.execute(select(Objection).order_by(Objection.id)).scalars())


@pytest.mark.parametrize(("typed", "stored", "masked"), [
    ("0353-2022100", "0353-2022100", "0353-***2100"),
    ("03532022100", "0353-2022100", "0353-***2100"),
    ("(0353) 202 2100", "0353-2022100", "0353-***2100"),
    ("010-12345678", "010-12345678", "010-****5678"),
    ("139 1234 5678", "13912345678", "139****5678"),
    ("+86 139-1234-5678", "13912345678", "139****5678"),
])
def test_mobiles_and_landlines_are_stored_in_one_form(typed: str, stored: str, masked: str) -> None:
    assert normalise_phone(typed) == stored and mask_phone(stored) == masked


@pytest.mark.parametrize("typed", ["2022100", "0353-202210", "12345", "400-810-8888", "95588", "+1 650 253 0000",
                                   "0353-2022100-8", ""])
def test_what_is_no_phone_to_call_back(typed: str) -> None:
    assert normalise_phone(typed) is None


def test_the_public_form_takes_a_landline(client: FlaskClient, notice: Notice) -> None:
    assert file(client, notice, phone="0353-2022100")[0] == 302
    assert file(client, notice, phone="03532022100")[0] == 302
    assert [o.phone for o in objections()] == ["0353-2022100", "0353-2022100"]
    status, html = file(client, notice, phone="")
    assert status == 400 and "请填写联系电话</div>" in html and len(objections()) == 2
    status, html = file(client, notice, phone="0353-202210")
    assert status == 400 and f"{PHONE_ERROR}</div>" in html and len(objections()) == 2
    assert "联系电话（手机或固定电话）" in html


def enter(client: FlaskClient, notice: Notice, token: str, channel: str, phone: str) -> tuple[int, str]:
    response = client.post(f"/organize/notices/{notice.id}/objections", data={
        "channel": channel, "name": "王五", "phone": phone, "public_number": "V001",
        "content": "来信反映 V001 材料不实。", "csrf_token": token})
    return response.status_code, response.get_data(as_text=True)


def test_staff_enter_a_letter_or_a_visit_without_a_phone_but_not_a_call(
    client: FlaskClient, notice: Notice
) -> None:
    token = login(client, "city")
    assert enter(client, notice, token, "letter", "")[0] == 302
    assert enter(client, notice, token, "visit", "  ")[0] == 302
    status, html = enter(client, notice, token, "phone", "")
    assert status == 400 and "电话反映的异议请填写来电号码</div>" in html
    assert [(o.channel, o.phone) for o in objections()] == [("letter", ""), ("visit", "")]
    detail = client.get(f"/organize/notices/{notice.id}").get_data(as_text=True)
    assert detail.count('<td class="text-nowrap">未留</td>') == 2
    page = client.get(f"/organize/notices/objections/{objections()[0].id}").get_data(as_text=True)
    assert '<dt class="col-4 col-md-2">联系电话</dt><dd class="col-8 col-md-4">未留</dd>' in page


def test_staff_enter_a_call_from_a_landline_and_see_it_masked(client: FlaskClient, notice: Notice) -> None:
    token = login(client, "city")
    assert enter(client, notice, token, "phone", "0353-2022100")[0] == 302
    assert enter(client, notice, token, "letter", "0353-20221")[0] == 400  # a number given must be valid
    assert [(o.channel, o.phone) for o in objections()] == [("phone", "0353-2022100")]
    for username, url in (("city", f"/organize/notices/{notice.id}"), ("sup", f"/supervise/notices/{notice.id}"),
                          ("sup", f"/supervise/notices/objections/{objections()[0].id}")):
        staff = client.application.test_client()
        login(staff, username)
        html = staff.get(url).get_data(as_text=True)
        assert "0353-***2100" in html and "2022100" not in html, url


def test_the_service_checks_the_phone_whatever_the_form(scored: World, notice: Notice) -> None:
    staff = scored.users["city_organizer"]
    letter = file_objection(notice.id, ObjectionInput("王五", "", "V001", "来信反映。", "letter"), staff=staff)
    assert letter.phone == ""
    for data, message in ((ObjectionInput("王五", "", "V001", "来电反映。", "phone"), "电话反映的异议请填写来电号码"),
                          (ObjectionInput("王五", "", "V001", "网上反映。"), "请填写联系电话"),
                          (ObjectionInput("王五", "95588", "V001", "来信反映。", "letter"), PHONE_ERROR)):
        with pytest.raises(DomainError) as refused:
            file_objection(notice.id, data, staff=staff if data.channel != "web" else None)
        assert refused.value.message == message
    assert db.session.execute(select(func.count(Objection.id))).scalar_one() == 1
