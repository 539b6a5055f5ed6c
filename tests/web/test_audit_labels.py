"""The supervisors' audit log names each action and object in Chinese, with the exact code beside it."""

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app.audit.labels import ACTIONS, OBJECTS
from tests.conftest import login
from tests.factories import World

# The names are composed from the capabilities when the app is created (app.register_capabilities).
pytestmark = pytest.mark.usefixtures("app")

APP = Path(__file__).resolve().parents[2] / "app"
# Actions whose names the code composes (people/records.py, adjustments/vetoes.py and services.py, lifecycle.py)
COMPOSED = {"entry_activated", "entry_deactivated", "judge_activated", "judge_deactivated", "veto_confirmed",
            "veto_rejected", "veto_withdrawal_confirmed", "veto_withdrawal_rejected", "veto_proposed",
            "veto_withdrawal_proposed", "adjustment_recorded", "adjustment_changed", "adjustment_withdrawn",
            "final_result_corrected"}


def recorded_in_code() -> tuple[set[str], set[str]]:
    """Every literal action and object type passed to audit.record in app/."""
    actions, objects = set(), set()
    for path in APP.rglob("*.py"):
        for action, kind in re.findall(r'record\(\s*"([a-z_]+)",\s*"([a-z_]+)"', path.read_text(encoding="utf-8")):
            actions.add(action)
            objects.add(kind)
    return actions, objects


def test_every_action_and_object_the_app_records_has_a_chinese_name() -> None:
    actions, objects = recorded_in_code()
    assert len(actions) > 60  # the scan found the calls
    assert sorted((actions | COMPOSED) - ACTIONS.keys()) == []
    assert sorted(objects - OBJECTS.keys()) == []


def test_the_log_shows_the_chinese_name_and_the_code(client: FlaskClient, world: World) -> None:
    login(client, "sup")  # the newest event: the supervisor's own 登录
    html = client.get("/supervise/audit").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td class=\"num\">\d+</td>.*?</tr>", html, re.S)
    assert row is not None
    cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]
    assert cells[2:5] == ["登录 login", f"账号 #{world.users['supervisor'].id}", "监督员甲（sup）"]
