"""The deviation question is no oracle: asked only after the PIN, once per sheet version, and audited."""

from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet
from tests.conftest import login
from tests.factories import World
from tests.web.test_judging import confirm, hall, versions

__all__ = ["hall"]  # the fixture, used by name


def others_confirm(client: FlaskClient, world: World) -> None:
    for username, token in (("judge2", "token-j2j2j2j2"), ("judge3", "token-j3j3j3j3")):
        other = client.application.test_client()
        login(other, username)
        assert confirm(other, world, ("18", "18"), token)[1]["stored"] is True


def prompts() -> list[dict[str, object]]:
    return [e.after for e in db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "sheet_deviation_prompted").order_by(AuditEvent.id)).scalars()]


def test_a_wrong_pin_is_refused_before_the_deviation_and_counts_a_failure(client: FlaskClient, hall: World) -> None:
    others_confirm(client, hall)
    login(client, "judge")
    status, body = confirm(client, hall, ("10", "10"), "token-wrongpin", pin="000000")
    assert (status, body) == (400, {"stored": False, "error": "PIN 不正确，还可再试 4 次", "code": "pin",
                                    "locked": False})
    judge = db.session.execute(select(Judge).join(Judge.user).where(Judge.pin_failures > 0)).scalar_one()
    assert (judge.user.username, judge.pin_failures) == ("judge", 1)
    assert prompts() == []


def test_the_question_is_asked_once_per_version_then_the_sheet_is_stored_with_its_flag(
        client: FlaskClient, hall: World) -> None:
    others_confirm(client, hall)
    login(client, "judge")
    status, body = confirm(client, hall, ("10", "10"), "token-first-try")
    assert (status, body["stored"], body["deviation"]) == (200, False, True)
    # Asked again with the same marks (the look-again page) or stepped ones: no second question, it is stored.
    status, body = confirm(client, hall, ("12", "12"), "token-stepped")
    assert (status, body["stored"], body["deviation"]) == (200, True, False)
    [_, _, mine] = versions()
    assert (mine.number, mine.total, mine.deviation_flag) == (1, Decimal(24), True)
    sheet = db.session.get(ScoreSheet, mine.sheet_id)
    assert prompts() == [{"round": "plan", "entry": hall.entries["pingding"].public_number,
                          "judge_id": sheet.judge_id, "version": 1, "total": "20"}]


def test_a_changed_total_far_from_the_others_is_stored_without_asking_again(
        client: FlaskClient, hall: World) -> None:
    others_confirm(client, hall)
    login(client, "judge")
    assert confirm(client, hall, ("10", "10"), "token-first-try")[1]["deviation"] is True
    status, body = confirm(client, hall, ("17.5", "17.5"), "token-close-now")
    assert (status, body["stored"], body.get("deviation_flag")) == (200, True, None)
    assert (versions()[-1].total, versions()[-1].deviation_flag) == (Decimal(35), False)
    assert len(prompts()) == 1
