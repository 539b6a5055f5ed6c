"""Organizers create accounts with activation codes, deactivate them, reset them; county scope holds."""

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import csrf_from, login
from tests.factories import World, make_user

CODE_RE = re.compile(r"\b([2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5})\b")


def create(client: FlaskClient, **fields: str) -> tuple[int, str]:
    token = csrf_from(client.get("/organize/accounts/new").get_data(as_text=True))
    data = {"display_name": "张建军", "username": "zhangjj", "phone": "13912345678", "role": "judge",
            "county_id": "", "unit": "市财政局", "csrf_token": token} | fields
    response = client.post("/organize/accounts/new", data=data)
    return response.status_code, response.get_data(as_text=True)


def count_users() -> int:
    return db.session.execute(select(func.count(User.id))).scalar_one()


def test_a_new_account_signs_in_once_with_its_code_then_must_set_a_password(
    client: FlaskClient, world: World
) -> None:
    login(client, "city")
    status, html = create(client)
    assert status == 200
    code = CODE_RE.search(html).group(1)  # type: ignore[union-attr]
    user = db.session.execute(select(User).where(User.username == "zhangjj")).scalar_one()
    assert user.password_hash is None and user.activation_digest and code not in user.activation_digest

    newcomer = client.application.test_client()
    token = csrf_from(newcomer.get("/login").get_data(as_text=True))
    response = newcomer.post("/login", data={"username": "zhangjj", "password": code.lower(), "csrf_token": token})
    assert response.headers["Location"] == "/login/password"
    assert newcomer.get("/judge/").headers["Location"] == "/login/password"  # nothing else until then
    response = newcomer.post("/login/password", data={"current": code, "new": "MyOwn2022x", "confirm": "MyOwn2022x",
                                                      "csrf_token": token})
    assert response.status_code == 302
    assert newcomer.get("/judge/").status_code == 200

    again = client.application.test_client()
    token = csrf_from(again.get("/login").get_data(as_text=True))
    response = again.post("/login", data={"username": "zhangjj", "password": code, "csrf_token": token})
    assert response.status_code == 200  # the code worked once only


def test_an_invalid_mobile_number_creates_nothing(client: FlaskClient, world: World) -> None:
    login(client, "city")
    before = count_users()
    status, html = create(client, phone="12345")
    assert status == 200 and "不是有效的手机号码" in html
    assert count_users() == before


def test_a_taken_username_creates_nothing(client: FlaskClient, world: World) -> None:
    login(client, "city")
    before = count_users()
    status, html = create(client, username="sec")
    assert "已被使用" in html
    assert count_users() == before


def test_an_over_long_name_is_refused(client: FlaskClient, world: World) -> None:
    login(client, "city")
    before = count_users()
    status, html = create(client, display_name="长" * 65)
    assert status == 200 and "姓名过长" in html
    assert count_users() == before


def test_a_county_organizer_cannot_create_an_account_in_another_county(client: FlaskClient, world: World) -> None:
    login(client, "pdorg")
    before = count_users()
    status, _ = create(client, county_id=str(world.yuxian.id), role="clerk")
    assert status == 200  # the choice is not even offered: the form refuses it
    assert count_users() == before


def test_a_county_organizer_cannot_create_organizers(client: FlaskClient, world: World) -> None:
    login(client, "pdorg")
    before = count_users()
    create(client, county_id=str(world.pingding.id), role="organizer")
    assert count_users() == before


def test_a_county_organizer_sees_only_their_county_accounts(client: FlaskClient, world: World) -> None:
    login(client, "pdorg")
    html = client.get("/organize/accounts/").get_data(as_text=True)
    assert "书记甲" in html
    assert "书记乙" not in html and "盂县组织者" not in html


def test_a_county_organizer_cannot_touch_another_county_account_by_id(client: FlaskClient, world: World) -> None:
    token = login(client, "pdorg")
    other = world.users["other_secretary"]
    assert client.post(f"/organize/accounts/{other.id}/active", data={"active": "0", "csrf_token": token}
                       ).status_code == 404
    assert client.post(f"/organize/accounts/{other.id}/code", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, other.id).active is True
    assert db.session.get(User, other.id).activation_digest is None


def test_a_county_organizer_cannot_reset_or_disable_a_fellow_organizer_of_their_county(
        client: FlaskClient, world: World) -> None:
    peer = make_user("pdorg2", "organizer", world.pingding, name="平定组织者二")
    db.session.commit()
    token = login(client, "pdorg")
    html = client.get("/organize/accounts/").get_data(as_text=True)
    row = html.split("平定组织者二", 1)[1].split("</tr>", 1)[0]
    assert "由市级组织者管理" in row and "/code" not in row and "/active" not in row
    secretary_row = html.split("书记甲", 1)[1].split("</tr>", 1)[0]
    assert f"/organize/accounts/{world.users['secretary'].id}/code" in secretary_row
    for action, data in (("active", {"active": "0"}), ("code", {})):
        response = client.post(f"/organize/accounts/{peer.id}/{action}", data=data | {"csrf_token": token})
        assert response.status_code == 403
        assert "县区组织者只能管理本县区的录入员、评委和书记账号" in response.get_data(as_text=True)
    db.session.expire_all()
    after = db.session.get(User, peer.id)
    assert after is not None and (after.active, after.activation_digest) == (True, None)
    assert client.post(f"/organize/accounts/{world.users['secretary'].id}/active",
                       data={"active": "0", "csrf_token": token}).status_code == 302


def test_a_missing_account_id_is_404(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    assert client.post("/organize/accounts/999999/active", data={"active": "0", "csrf_token": token}
                       ).status_code == 404


def test_deactivation_is_audited_with_before_and_after(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    judge = world.users["judge"]
    assert client.post(f"/organize/accounts/{judge.id}/active", data={"active": "0", "csrf_token": token}
                       ).status_code == 302
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "account_deactivated")).scalar_one()
    assert (event.object_id, event.before, event.after) == (str(judge.id), {"active": True}, {"active": False})
    assert event.actor_id == world.users["city_organizer"].id


def test_a_role_with_no_accounts_in_scope_says_so_and_offers_a_new_one(client: FlaskClient, world: World) -> None:
    login(client, "pdorg")  # supervisors are city-wide: none in a county organizer's scope
    html = client.get("/organize/accounts/?role=supervisor").get_data(as_text=True)
    assert "没有“监督员”账号" in html and "还没有账号" not in html
    assert html.count('href="/organize/accounts/new"') == 2  # the page head's button and the empty card's


def test_an_account_is_disabled_and_enabled_again_with_a_message(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    judge = world.users["judge"]
    for posted, message, active in (("0", "已停用账号 judge。", False), ("1", "已启用账号 judge。", True)):
        response = client.post(f"/organize/accounts/{judge.id}/active", data={"active": posted, "csrf_token": token})
        assert response.headers["Location"] == "/organize/accounts/"
        assert message in client.get("/organize/accounts/").get_data(as_text=True)
        db.session.refresh(judge)
        assert judge.active is active


def test_a_reset_issues_a_new_code_that_replaces_the_password(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    html = client.post(f"/organize/accounts/{world.users['secretary'].id}/code",
                       data={"csrf_token": token}).get_data(as_text=True)
    code = CODE_RE.search(html).group(1)  # type: ignore[union-attr]
    other = client.application.test_client()
    t2 = csrf_from(other.get("/login").get_data(as_text=True))
    assert other.post("/login", data={"username": "sec", "password": "Passw0rd!", "csrf_token": t2}
                      ).status_code == 200
    assert other.post("/login", data={"username": "sec", "password": code, "csrf_token": t2}
                      ).headers["Location"] == "/login/password"


def test_organizers_cannot_deactivate_themselves(client: FlaskClient, world: World) -> None:
    token = login(client, "city")
    response = client.post(f"/organize/accounts/{world.users['city_organizer'].id}/active",
                           data={"active": "0", "csrf_token": token})
    assert response.status_code == 400
    assert "不能停用自己的账号" in response.get_data(as_text=True)


def test_changing_a_role_to_the_same_role_comes_back_to_the_list_with_the_reason(
        client: FlaskClient, world: World) -> None:
    judge = world.users["judge"]
    token = login(client, "city")
    response = client.post(f"/organize/accounts/{judge.id}/role", data={"role": "judge", "csrf_token": token})
    assert (response.status_code, response.headers["Location"]) == (302, "/organize/accounts/")
    assert "该账号已是评委" in client.get("/organize/accounts/").get_data(as_text=True)
    assert db.session.get(User, judge.id).role == "judge"  # type: ignore[union-attr]
