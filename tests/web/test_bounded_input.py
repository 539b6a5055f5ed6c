"""User-supplied redirect targets stay on the site; ids and integer filters beyond any column answer 404, never 500."""

import re
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_from, login
from tests.factories import PASSWORD, World
from tests.web.test_access import PRINCIPALS, allowed, concrete, endpoints

ID_MAX = 2**31 - 1  # app.ids.ID_MAX (kept literal so this test also runs against the code before it)
HUGE = str(2**63)  # SQLite cannot bind it; the id columns end at 2^31 - 1
# Every integer filter a view reads from the query string or a form (grep: id_arg).
FILTERS = ("round", "judge", "county", "session", "page", "v", "item_id", "session_id", "entry_id", "group_id",
           "round_id", "group", "township")
# An authorized role for each route: the first of these its declaration lets in.
PREFERENCE = ("city_organizer", "clerk", "judge", "secretary", "supervisor", "anonymous")


def sign_in_with_next(client: FlaskClient, target: str) -> str:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(f"/login?next={quote(target, safe='')}",
                           data={"username": "sec", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("target", [
    "/\t/evil.example",  # /login?next=%2F%09%2Fevil.example: a browser drops the tab and reads //evil.example
    "/\n/evil.example",  # a line break in a Location header was a 500
    "/\r\nSet-Cookie: x=1",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/me/",
    "/ /evil.example",
    "/\u3000/evil.example",
    "javascript:alert(1)",
    "/" + "a" * 3000,
])
def test_login_next_goes_home_unless_it_is_a_path_of_this_site(client: FlaskClient, world: World,
                                                                 target: str) -> None:
    assert sign_in_with_next(client, target) == "/me/"


def test_login_next_keeps_a_path_of_this_site_with_its_query(client: FlaskClient, world: World) -> None:
    assert sign_in_with_next(client, "/me/materials?round=1") == "/me/materials?round=1"


def _principal_for(app: Flask, endpoint: str) -> str:
    access = app.view_functions[endpoint].access
    return next(p for p in PREFERENCE if allowed(access, p))


def test_every_route_answers_an_id_or_filter_beyond_the_columns_without_a_500(app: Flask, world: World) -> None:
    clients: dict[str, tuple[FlaskClient, str]] = {}
    with_ids = 0
    failures = []
    for endpoint, path, methods in endpoints(app):
        if path == "/logout":
            continue  # would end the shared session of the walk; it takes no id
        principal = _principal_for(app, endpoint)
        if principal not in clients:
            client = app.test_client()
            username = PRINCIPALS[principal]
            token = login(client, username) if username else csrf_from(client.get("/login").get_data(as_text=True))
            clients[principal] = (client, token)
        client, token = clients[principal]
        has_id = "<int:" in path
        with_ids += has_id
        # A huge id in every id of the path, the others as the access test fills them; and every filter huge.
        url = concrete(re.sub(r"<int:[a-z_]+>", HUGE, path), world)
        filters = {name: HUGE for name in FILTERS}
        for method in methods:
            if method == "GET":
                response = client.get(url, query_string=filters)
            else:
                response = client.post(url, query_string=filters, data={"csrf_token": token, **filters})
            if response.status_code >= 500 or (has_id and response.status_code != 404):
                failures.append((principal, method, path, response.status_code))
    assert failures == []
    assert with_ids >= 52  # the routes the report found answering 500


@pytest.mark.parametrize("value", [str(ID_MAX + 1), HUGE, "1" * 5000, "１２", "-1"])
def test_a_public_notice_id_beyond_any_row_is_not_found(client: FlaskClient, world: World, value: str) -> None:
    assert client.get(f"/public/notices/{quote(value)}").status_code == 404


def test_an_integer_filter_beyond_any_row_is_not_found(client: FlaskClient, world: World) -> None:
    login(client, "city")
    assert client.get("/organize/paper/", query_string={"round": HUGE}).status_code == 404
    assert client.get("/organize/paper/", query_string={"round": "１"}).status_code == 404
    assert client.get("/organize/paper/", query_string={"round": ""}).status_code == 200
