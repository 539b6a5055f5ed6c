"""Signing in and out: role homes, wrong passwords, lock-out, activation codes, password changes."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import csrf_from, login
from tests.factories import World


def post_login(client: FlaskClient, username: str, password: str) -> tuple[int, str, str]:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    return response.status_code, response.headers.get("Location", ""), response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("username", "home"),
    [("city", "/organize/"), ("pdorg", "/organize/"), ("clerk", "/organize/entry/"), ("judge", "/judge/"),
     ("sec", "/me/"), ("sup", "/supervise/")],
)
def test_each_role_lands_on_its_own_home_page(client: FlaskClient, world: World, username: str, home: str) -> None:
    status, location, _ = post_login(client, username, "Passw0rd!")
    assert (status, location) == (302, home)
    assert client.get(home).status_code == 200


def test_the_login_page_is_a_chinese_form_with_username_and_password(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in html and 'name="password"' in html and 'name="csrf_token"' in html
    assert "登录" in html and 'lang="zh-CN"' in html


def test_a_wrong_password_gets_a_chinese_message_and_no_session(client: FlaskClient, world: World) -> None:
    status, _, html = post_login(client, "sec", "wrong-password1")
    assert status == 200
    assert "用户名或密码错误" in html
    assert client.get("/me/").status_code == 302


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(client: FlaskClient, world: World) -> None:
    status, _, html = post_login(client, "nobody", "wrong-password1")
    assert status == 200
    assert "用户名或密码错误" in html


def test_a_deactivated_account_cannot_sign_in(client: FlaskClient, world: World) -> None:
    world.users["judge"].active = False
    db.session.commit()
    status, _, html = post_login(client, "judge", "Passw0rd!")
    assert status == 200
    assert "该账号已停用" in html
    assert client.get("/judge/").status_code == 302


def test_an_over_long_username_is_refused_with_a_message(client: FlaskClient, world: World) -> None:
    status, _, html = post_login(client, "x" * 65, "Passw0rd!")
    assert status == 200
    assert "用户名过长" in html


def test_failed_logins_are_rate_limited_by_username(client: FlaskClient, world: World) -> None:
    for _ in range(5):
        assert post_login(client, "sec", "wrong-password1")[0] == 200
    status, _, html = post_login(client, "sec", "Passw0rd!")  # even the right password waits now
    assert status == 429
    assert "登录失败次数过多" in html
    # The hall shares one address: another judge from the same address still signs in.
    assert post_login(client, "judge", "Passw0rd!")[:2] == (302, "/judge/")


def test_successful_logins_do_not_count_towards_the_limit(client: FlaskClient, world: World) -> None:
    for _ in range(7):
        assert post_login(client, "sec", "Passw0rd!")[0] == 302
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/me/").get_data(as_text=True))})


def test_login_and_failed_login_are_audited(client: FlaskClient, world: World) -> None:
    post_login(client, "sec", "wrong-password1")
    post_login(client, "sec", "Passw0rd!")
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions == ["login_failed", "login"]


def test_logout_ends_the_session(client: FlaskClient, world: World) -> None:
    token = login(client, "sec")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/me/").status_code == 302


def test_next_parameter_only_redirects_within_the_site(client: FlaskClient, world: World) -> None:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=//evil.example/x", data={"username": "sec", "password": "Passw0rd!",
                                                                  "csrf_token": token})
    assert response.headers["Location"] == "/me/"


def test_an_anonymous_visitor_is_sent_to_login_and_back(client: FlaskClient, world: World) -> None:
    response = client.get("/supervise/audit")
    assert response.headers["Location"] == "/login?next=/supervise/audit"
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=/supervise/audit",
                           data={"username": "sup", "password": "Passw0rd!", "csrf_token": token})
    assert response.headers["Location"] == "/supervise/audit"


def change(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> tuple[int, str]:
    token = csrf_from(client.get("/login/password").get_data(as_text=True))
    response = client.post("/login/password", data={"current": current, "new": new,
                                                    "confirm": confirm if confirm is not None else new,
                                                    "csrf_token": token})
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [("short1", None, "8–128"), ("onlyletters", None, "字母和数字"), ("Good1234x", "Other1234x", "不一致")],
)
def test_a_bad_new_password_is_refused_and_the_old_one_still_works(
    client: FlaskClient, world: World, new: str, confirm: str | None, message: str
) -> None:
    login(client, "sec")
    status, html = change(client, "Passw0rd!", new, confirm)
    assert status == 200 and message in html
    client.post("/logout", data={"csrf_token": csrf_from(html)})
    assert post_login(client, "sec", "Passw0rd!")[0] == 302


def test_changing_the_password_needs_the_current_one(client: FlaskClient, world: World) -> None:
    login(client, "sec")
    status, html = change(client, "not-my-password1", "NewPassw0rd")
    assert status == 200 and "当前密码或激活码不正确" in html


def test_a_changed_password_replaces_the_old_one(client: FlaskClient, world: World) -> None:
    login(client, "sec")
    status, _ = change(client, "Passw0rd!", "NewPassw0rd")
    assert status == 302
    client.get("/login")  # still signed in
    db.session.expire_all()
    user = db.session.execute(select(User).where(User.username == "sec")).scalar_one()
    assert user.password_hash and "NewPassw0rd" not in user.password_hash
    fresh = client.application.test_client()
    assert post_login(fresh, "sec", "Passw0rd!")[0] == 200
    assert post_login(fresh, "sec", "NewPassw0rd")[0] == 302


def test_the_per_address_limit_names_the_address_not_the_account(
        client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(client.application.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per 10 minutes")
    for username in ("sec", "judge", "clerk"):
        assert post_login(client, username, "wrong-password1")[0] == 200
    status, _, html = post_login(client, "sup", "Passw0rd!")
    assert status == 429
    assert "本网络地址的登录请求过多，已暂时限制，请 10 分钟后再试。" in html
    assert "该账号已暂时锁定" not in html


def test_the_per_username_limit_names_the_account_and_the_minutes_left(client: FlaskClient, world: World) -> None:
    for _ in range(5):
        post_login(client, "sec", "wrong-password1")
    html = post_login(client, "sec", "Passw0rd!")[2]
    assert "登录失败次数过多，该账号已暂时锁定，请 10 分钟后再试。" in html and "本网络地址" not in html
