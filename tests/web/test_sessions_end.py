"""A session ends on every device at logout, password change, reset, deactivation and role change (issue 11.5)."""

from flask.testing import FlaskClient

from app.accounts.models import User
from app.extensions import db
from tests.conftest import csrf_from, login
from tests.factories import World


def saved_copy(client: FlaskClient) -> FlaskClient:
    """Another device holding a copy of this client's session cookie (a saved or stolen cookie)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    other = client.application.test_client()
    other.set_cookie("session", cookie.value)
    return other


def signed_out(device: FlaskClient, home: str) -> bool:
    response = device.get(home)
    return response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def staff(client: FlaskClient) -> tuple[FlaskClient, str]:
    organizer = client.application.test_client()
    return organizer, login(organizer, "city")


def test_logout_ends_the_copy_of_the_session_too(client: FlaskClient, world: World) -> None:
    token = login(client, "sec")
    copy = saved_copy(client)
    assert copy.get("/me/").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert signed_out(copy, "/me/")
    assert login(client, "sec") and client.get("/me/").status_code == 200  # signing in again works


def test_a_password_change_ends_the_other_devices_but_not_this_one(client: FlaskClient, world: World) -> None:
    token = login(client, "sec")
    copy = saved_copy(client)
    response = client.post("/login/password", data={"current": "Passw0rd!", "new": "NewPassw0rd",
                                                    "confirm": "NewPassw0rd", "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200
    assert signed_out(copy, "/me/")


def test_a_reset_by_the_organizer_ends_every_session(client: FlaskClient, world: World) -> None:
    login(client, "sec")
    organizer, token = staff(client)
    assert organizer.post(f"/organize/accounts/{world.users['secretary'].id}/code",
                          data={"csrf_token": token}).status_code == 200
    assert signed_out(client, "/me/")


def test_deactivation_ends_every_session_and_enabling_again_does_not_revive_it(
        client: FlaskClient, world: World) -> None:
    login(client, "judge")
    organizer, token = staff(client)
    judge_id = world.users["judge"].id
    for active in ("0", "1"):
        assert organizer.post(f"/organize/accounts/{judge_id}/active",
                              data={"active": active, "csrf_token": token}).status_code == 302
    assert signed_out(client, "/judge/")


def test_a_role_change_ends_every_session_and_the_new_role_starts_at_the_next_sign_in(
        client: FlaskClient, world: World) -> None:
    login(client, "judge")
    organizer, token = staff(client)
    judge_id = world.users["judge"].id
    response = organizer.post(f"/organize/accounts/{judge_id}/role", data={"role": "clerk", "csrf_token": token})
    assert response.headers["Location"] == "/organize/accounts/"
    page = organizer.get("/organize/accounts/").get_data(as_text=True)
    assert "已将账号 judge 的角色改为录入员，该账号需重新登录。" in page
    assert signed_out(client, "/judge/")
    db.session.expire_all()
    assert db.session.get(User, judge_id).role == "clerk"  # type: ignore[union-attr]
    fresh = client.application.test_client()
    token = csrf_from(fresh.get("/login").get_data(as_text=True))
    response = fresh.post("/login", data={"username": "judge", "password": "Passw0rd!", "csrf_token": token})
    assert response.headers["Location"] == "/organize/entry/"
