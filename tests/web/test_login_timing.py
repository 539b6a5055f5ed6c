"""A login attempt spends the same slow-hash work whoever the username names (issue 11.12: usernames leaked by
timing, ~370 ms for a real user's wrong password against ~13 ms for an unknown one)."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from app.accounts import passwords
from app.extensions import db
from tests.conftest import csrf_from
from tests.factories import World, make_user


@pytest.fixture()
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every slow-hash check made, by the stored hash's method."""
    calls: list[str] = []
    real: Callable[[str, str], bool] = passwords.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        calls.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    return calls


def attempt(client: FlaskClient, username: str, password: str) -> int:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token}).status_code


def test_every_failed_login_spends_exactly_one_slow_hash(client: FlaskClient, world: World,
                                                         hash_checks: list[str]) -> None:
    make_user("newcomer", "judge", password=None, activation_digest=passwords.activation_digest("ABCDE-FGHJK"))
    make_user("gone", "judge", active=False)
    db.session.commit()
    method = client.application.config["PASSWORD_HASH_METHOD"]
    for username in ("sec", "nobody", "newcomer", "gone"):  # real, unknown, code only, deactivated
        hash_checks.clear()
        assert attempt(client, username, "wrong-password1") == 200
        assert hash_checks == [method], username


def test_a_first_login_with_the_code_spends_the_same_work(client: FlaskClient, world: World,
                                                          hash_checks: list[str]) -> None:
    make_user("newcomer", "judge", password=None, activation_digest=passwords.activation_digest("ABCDE-FGHJK"))
    db.session.commit()
    assert attempt(client, "newcomer", "ABCDE-FGHJK") == 302
    assert hash_checks == [client.application.config["PASSWORD_HASH_METHOD"]]
