"""Every route declares who may use it; every role outside the declaration is refused."""

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.security import PUBLIC, Access
from tests.conftest import csrf_from, login
from tests.factories import World, make_user

DENIED = "您的账号没有访问此页面的权限"  # the page of a refusal by role (app/errors.py)

PRINCIPALS = {
    "anonymous": None,
    "secretary": "sec",
    "judge": "judge",
    "supervisor": "sup",
    "clerk": "clerk",
    "county_organizer": "pdorg",
    "city_organizer": "city",
}
ROLE_OF = {"secretary": "secretary", "judge": "judge", "supervisor": "supervisor", "clerk": "clerk",
           "county_organizer": "organizer", "city_organizer": "organizer"}

# Who each audience prefix is for: a declaration may narrow this, never widen it.
PREFIX_AUDIENCE = {
    "/judge/signin/": {PUBLIC},  # a judge's personal link + PIN is how they sign in
    "/organize/": {"organizer", "clerk"},
    "/judge/": {"judge"},
    "/me/": {"secretary"},
    "/supervise/": {"supervisor"},
    "/public/": {PUBLIC},
    "/verify/": {PUBLIC},
    "/screen/": {PUBLIC},
}


def endpoints(app: Flask) -> list[tuple[str, str, list[str]]]:
    rows = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = sorted(m for m in (rule.methods or set()) if m in {"GET", "POST"})
        rows.append((rule.endpoint, rule.rule, methods))
    return sorted(rows)


def concrete(path: str, world: World) -> str:
    """Fill URL parameters with ids that exist where the world has them, so an allowed role reaches the view."""
    known = {"user_id": world.users["secretary"].id, "round_id": world.contest.rounds[0].id,
             "contest_id": world.contest.id, "entry_id": world.entries["pingding"].id}
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(known.get(m.group(1), 1)), path)


def test_every_endpoint_declares_who_may_use_it(app: Flask) -> None:
    undeclared = [e for e, _, _ in endpoints(app) if not isinstance(getattr(app.view_functions[e], "access", None),
                                                                     Access)]
    assert undeclared == []


def test_every_route_lives_under_its_audience_prefix(app: Flask) -> None:
    for endpoint, path, _ in endpoints(app):
        declared = app.view_functions[endpoint].access.roles
        prefix = next((p for p in PREFIX_AUDIENCE if path.startswith(p)), None)
        if prefix is None:
            assert path in {"/", "/login", "/logout", "/login/password", "/healthz"}, path
            continue
        assert declared <= PREFIX_AUDIENCE[prefix], (path, declared)


def allowed(access: Access, principal: str) -> bool:
    if PUBLIC in access.roles:
        return True
    if principal == "anonymous":
        return False
    if "authenticated" in access.roles:
        return True
    if ROLE_OF[principal] not in access.roles:
        return False
    return not (access.city_only and principal == "county_organizer")


def test_the_matrix_covers_every_route(app: Flask) -> None:
    assert len(endpoints(app)) >= 18


@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_each_role_is_refused_outside_its_declarations(app: Flask, world: World, principal: str) -> None:
    checked = 0
    for endpoint, path, methods in endpoints(app):
        access = app.view_functions[endpoint].access
        for method in methods:
            client = app.test_client()
            username = PRINCIPALS[principal]
            token = login(client, username) if username else csrf_from(client.get("/login").get_data(as_text=True))
            url = concrete(path, world)
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
            location = response.headers.get("Location", "")
            if allowed(access, principal):
                # Past the declaration a view may still refuse by ownership, with its own message.
                refused_by_role = response.status_code == 403 and DENIED in response.get_data(as_text=True)
                assert not refused_by_role, (principal, method, path)
                assert not location.startswith("/login?"), (principal, method, path)
            elif principal == "anonymous":
                assert response.status_code == 302 and location.startswith("/login?next="), (method, path)
            else:
                assert response.status_code == 403, (principal, method, path, response.status_code)
                assert DENIED in response.get_data(as_text=True)
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("principal", [p for p in PRINCIPALS if p != "anonymous"])
def test_only_a_supervisor_changes_a_supervisors_account(app: Flask, world: World, principal: str) -> None:
    """Separation of duties across every account route of every area: reset, disable, role, new account."""
    target = make_user("sup2", "supervisor", name="监督员乙")
    db.session.commit()

    def snapshot() -> tuple[object, ...]:
        db.session.expire_all()
        count = db.session.execute(select(func.count(User.id)).where(User.role == "supervisor")).scalar_one()
        user = db.session.get(User, target.id)
        return count, user.role, user.active, user.activation_digest, user.password_hash  # type: ignore[union-attr]

    before = snapshot()
    client = app.test_client()
    token = login(client, PRINCIPALS[principal])  # type: ignore[arg-type]
    changed = []
    for endpoint, path, methods in endpoints(app):
        if "/accounts/" not in path or "POST" not in methods:
            continue
        url = path.replace("<int:user_id>", str(target.id))
        client.post(url, data={"csrf_token": token, "active": "0", "role": "supervisor", "username": "sup3",
                               "display_name": "监督员丙", "county_id": ""})
        if snapshot() != before:
            changed.append(endpoint)
            before = snapshot()
    expected = ["supervise.account_active", "supervise.account_code", "supervise.account_new"]
    assert sorted(changed) == (expected if principal == "supervisor" else [])
