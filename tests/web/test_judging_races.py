"""Confirmations that race another tab or a twin request between the read phase and the write phase."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, insert, select, update

from app.extensions import db
from app.judging import sheets
from app.judging.models import Mark, ScoreSheet, SheetVersion
from tests.conftest import login
from tests.factories import World
from tests.web.test_judging import confirm, hall, ids, versions  # noqa: F401  (hall is a fixture)


def _draft(client: FlaskClient, world: World, token: str) -> None:
    """A draft makes the sheet exist, so the read phase loads it before the race."""
    round_id, entry_id, criteria = ids(world)
    client.post(f"/judge/r/{round_id}/e/{entry_id}/draft", data={"csrf_token": token, f"m-{criteria[0]}": "15"})


def _interloper(monkeypatch: pytest.MonkeyPatch, world: World, token: str) -> None:
    """Between the two phases, another request (on its own connection) confirms the sheet with `token`."""
    original = sheets.start_write_phase
    _, _, criteria = ids(world)

    def then_another_tab() -> None:
        original()
        with db.engine.begin() as conn:
            sheet = conn.execute(select(ScoreSheet.id)).scalar_one()
            version = conn.execute(insert(SheetVersion).values(
                sheet_id=sheet, number=1, client_token=token, total=Decimal("35.5"), comment="思路清晰",
                source="phone",
                entered_by_id=world.users["judge"].id, deviation_flag=False, late=False, counted=True, reason="",
            ).returning(SheetVersion.id)).scalar_one()
            # the same marks as this request sends: a twin, not another sheet under the same token
            conn.execute(insert(Mark), [{"version_id": version, "criterion_id": c, "value": Decimal(v)}
                                        for c, v in zip(criteria, ("18.5", "17"), strict=True)])
            conn.execute(update(ScoreSheet).where(ScoreSheet.id == sheet).values(state="submitted", draft=None))

    replaced: Callable[[], None] = then_another_tab
    monkeypatch.setattr(sheets, "start_write_phase", replaced)


def test_a_second_tab_that_confirms_meanwhile_wins_and_this_one_is_refused(
    client: FlaskClient, hall: World, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    _draft(client, hall, login(client, "judge"))
    _interloper(monkeypatch, hall, "other-tab-token")
    status, body = confirm(client, hall, ("18.5", "17"), "this-tab-token")
    assert status == 400 and "已提交并锁定" in str(body["error"])
    db.session.expire_all()
    assert [(v.client_token, v.total) for v in versions()] == [("other-tab-token", Decimal("35.5"))]


def test_a_twin_with_the_same_token_that_stores_meanwhile_makes_this_a_duplicate(
    client: FlaskClient, hall: World, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    _draft(client, hall, login(client, "judge"))
    _interloper(monkeypatch, hall, "same-token-twice")
    status, body = confirm(client, hall, ("18.5", "17"), "same-token-twice")
    assert (status, body["stored"], body["duplicate"]) == (200, True, True)
    db.session.expire_all()
    assert [v.client_token for v in versions()] == ["same-token-twice"]


def test_nothing_reads_the_database_after_a_confirm_commits(client: FlaskClient, hall: World) -> None:  # noqa: F811
    """A read after the commit would open another transaction (on SQLite a write-locking one) per sheet."""
    login(client, "judge")
    seen: list[str] = []

    def trace(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split())[:40])

    event.listen(db.engine, "before_cursor_execute", trace)
    try:
        status, body = confirm(client, hall, ("18.5", "17"), "token-last-statement")
    finally:
        event.remove(db.engine, "before_cursor_execute", trace)
    assert (status, body["stored"]) == (200, True)
    assert seen[-1].startswith("INSERT INTO audit_event"), seen[-3:]
