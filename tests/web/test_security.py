"""Security headers on every response, CSRF on every state change, cookie flags, Chinese errors."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.extensions import db
from tests.conftest import csrf_from, login
from tests.factories import World


@pytest.mark.parametrize("path", ["/login", "/public/", "/healthz", "/no-such-page", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert "unsafe-eval" not in csp and "http" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_scripts_and_no_remote_assets(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html and "<script type" not in html
    assert "//cdn" not in html and 'src="http' not in html and 'href="http' not in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient, world: World) -> None:
    login(client, "sec")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only is True
    assert cookie.same_site == "Lax"


def test_secure_cookie_when_configured_for_https(app: Flask) -> None:
    import os

    from app.config import from_environment

    os.environ["SESSION_COOKIE_SECURE"] = "1"
    try:
        assert from_environment()["SESSION_COOKIE_SECURE"] is True
    finally:
        del os.environ["SESSION_COOKIE_SECURE"]


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client: FlaskClient, world: World) -> None:
    login(client, "city")
    target = world.users["secretary"]
    response = client.post(f"/organize/accounts/{target.id}/active", data={"active": "0"})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, target.id).active is True


def test_a_post_with_a_wrong_csrf_token_is_refused(client: FlaskClient, world: World) -> None:
    login(client, "city")
    target = world.users["secretary"]
    response = client.post(f"/organize/accounts/{target.id}/active", data={"active": "0", "csrf_token": "forged"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, target.id).active is True


def test_unknown_page_says_so_in_chinese(client: FlaskClient) -> None:
    response = client.get("/organize/no-such-thing")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_forbidden_page_says_so_in_chinese(client: FlaskClient, world: World) -> None:
    login(client, "sec")
    response = client.get("/organize/")
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)


def test_every_page_has_its_own_title_and_a_phone_viewport(client: FlaskClient, world: World) -> None:
    titles = set()
    for path in ["/login", "/public/", "/verify/", "/screen/"]:
        html = client.get(path).get_data(as_text=True)
        assert 'name="viewport" content="width=device-width, initial-scale=1' in html
        titles.add(html.split("<title>", 1)[1].split("</title>", 1)[0])
    assert len(titles) == 4


def test_health_check_reports_the_database_and_the_rate_limits(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limit": "ok"}


def test_user_text_is_escaped_on_pages(client: FlaskClient, world: World) -> None:
    world.users["secretary"].display_name = "<script>alert(1)</script>"
    db.session.commit()
    login(client, "sec")
    html = client.get("/me/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_csrf_token_field_is_on_the_login_form(client: FlaskClient) -> None:
    assert len(csrf_from(client.get("/login").get_data(as_text=True))) > 20
