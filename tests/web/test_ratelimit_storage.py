"""Redis unreachable (issue 11.14): logins keep working, limits hold per process, the log and /healthz say so."""

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import limiter
from tests.conftest import IsolatedClient, csrf_from, settings_for
from tests.factories import World

DEAD_REDIS = "redis://127.0.0.1:1"  # nothing listens on port 1: connection refused at once


@pytest.fixture()
def dead_redis(app: Flask, world: World) -> Iterator[FlaskClient]:
    """A second app on the same database whose rate-limit storage is a Redis that is down."""
    other = create_app(settings_for(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_STORAGE_URI=DEAD_REDIS))
    other.test_client_class = IsolatedClient
    yield other.test_client()
    # The limiter is one object shared by both apps: give the suite's app its memory storage back, and end the
    # fallback now (Flask-Limiter would only notice the recovery at its next back-off check).
    limiter.init_app(app)
    limiter._storage_dead = False
    limiter.reset()


def post_login(client: FlaskClient, username: str, password: str) -> int:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token}).status_code


def test_logins_work_and_are_still_limited_in_memory(dead_redis: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="flask-limiter"):
        assert post_login(dead_redis, "sec", "Passw0rd!") == 302
    assert "Rate limit storage unreachable - falling back to in-memory storage" in caplog.text
    hall_phone = dead_redis.application.test_client()
    for _ in range(5):
        assert post_login(hall_phone, "judge", "wrong-password1") == 200
    assert post_login(hall_phone, "judge", "Passw0rd!") == 429  # the per-username limit holds in this process


def test_health_reports_the_degraded_rate_limits(dead_redis: FlaskClient) -> None:
    response = dead_redis.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok",
                                   "rate_limit": "degraded: storage unreachable, limits kept in each worker's memory"}
