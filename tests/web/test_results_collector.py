"""The cyclic garbage collector paused for one compute-and-publish, and always resumed afterwards."""

import gc

import pytest
from flask.testing import FlaskClient

from app.results.services import collector_paused
from tests.factories import World
from tests.web.test_results import scored  # noqa: F401 (a fixture)
from tests.web.test_results_publishing import publish, sign_fresh


def test_the_collector_is_paused_inside_and_resumed_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_resumed_after_an_error() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("refused")
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_publishing_and_a_refused_publication_leave_the_collector_running(
        client: FlaskClient, scored: World) -> None:  # noqa: F811
    digest = sign_fresh(client, scored)
    assert publish(client, scored, digest)[0] == 302
    assert gc.isenabled()
    status, body = publish(client, scored, digest)
    assert status == 400 and "结果与第 1 版相同，无需重新发布" in body
    assert gc.isenabled()
