"""A gunicorn worker SIGKILLed between the flush and the commit of a sheet stores nothing; the resend stores one.

Runs on SQLite only (its own file, its own gunicorn): it uses no `app` fixture, so .ci/run does not repeat it
on PostgreSQL and MariaDB.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from app.audit.models import AuditEvent
from app.extensions import db
from app.judging import windows
from app.judging.models import Mark, ScoreSheet, SheetVersion
from app.panels.services import PanelSpec, create_manual
from tests.conftest import FAST_HASH
from tests.factories import PASSWORD, build_world, record_rules_of_world
from tests.judges_data import city_judge, issue

ROOT = Path(__file__).resolve().parents[2]
SECRET = "crash-test-secret"
TOKEN_RE = re.compile(r'name="(csrf_token|client_token)"[^>]*value="([^"]+)"')


@dataclass
class Stage:
    url: str
    round_id: int
    entry_id: int
    criterion_id: int
    pin: str


class Phone:
    """A cookie jar over http.client: one connection per request, as gunicorn's sync worker wants."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def call(self, method: str, path: str, fields: dict[str, str] | None = None,
             accept: str = "text/html") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
        headers = {"Accept": accept, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8")
            for header in response.msg.get_all("Set-Cookie") or []:
                self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
            return response.status, text
        finally:
            conn.close()

    def tokens(self, path: str) -> dict[str, str]:
        status, page = self.call("GET", path)
        assert status == 200, page
        return dict(TOKEN_RE.findall(page))


def build(tmp: Path) -> Stage:
    """A tiny world: the city judge on a panel for both village entries of the plan round, scoring open."""
    url = f"sqlite:///{tmp / 'crash.sqlite3'}"
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": FAST_HASH,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        db.create_all()
        world = build_world()
        organizer = world.users["city_organizer"]
        rnd = next(r for r in world.contest.rounds if r.code == "plan")
        village = next(g for g in world.contest.groups if g.code == "village")
        judge = city_judge(world)
        rnd.min_judges = 1  # one judge is enough for what a crash test needs
        record_rules_of_world()  # the events the app's own paths would have written (verify covers the rules)
        create_manual(organizer, PanelSpec(rnd.id, village.id, "第一评委组"), [judge.id])
        windows.open_window(organizer, rnd.id)
        pin = issue(world, judge).pin
        stage = Stage(url, rnd.id, world.entries["pingding"].id, rnd.criteria[0].id, pin)
        db.engine.dispose()
    return stage


def counts(url: str) -> tuple[int, int, int, int, str]:
    """Sheets, versions, marks and sheet_submitted events in the file, and `flask audit verify`'s output."""
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        sheets, versions, marks = (db.session.execute(select(func.count()).select_from(model)).scalar_one()
                                   for model in (ScoreSheet, SheetVersion, Mark))
        events = db.session.execute(select(func.count(AuditEvent.id))
                                    .where(AuditEvent.action == "sheet_submitted")).scalar_one()
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        db.engine.dispose()
    return sheets, versions, marks, events, result.output


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def wait_for(what: str, condition: object, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def answers(port: int) -> bool:
    try:
        return Phone(port).call("GET", "/healthz")[0] == 200
    except OSError:
        return False


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[Stage, subprocess.Popen[bytes], int, Path, Path]]:
    stage = build(tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    arm, pause = tmp_path / "armed", tmp_path / "paused"
    arm.write_text("armed", encoding="utf-8")
    env = os.environ | {"CRASH_DATABASE_URL": stage.url, "CRASH_SECRET_KEY": SECRET, "CRASH_ARM_FILE": str(arm),
                        "CRASH_PAUSE_FILE": str(pause)}
    master = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", "1", "--timeout", "60", "-b",
                               f"127.0.0.1:{port}", "--log-level", "warning", "tests.crash_app:app"], cwd=ROOT, env=env)
    try:
        wait_for("gunicorn to answer", lambda: answers(port))
        yield stage, master, port, arm, pause
    finally:
        master.terminate()
        try:
            master.wait(timeout=10)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait(timeout=5)


def test_a_worker_killed_before_the_commit_stores_nothing_and_the_resend_stores_exactly_one_version(
        server: tuple[Stage, subprocess.Popen[bytes], int, Path, Path]) -> None:
    stage, master, port, arm, pause = server
    phone = Phone(port)
    csrf = dict(TOKEN_RE.findall(phone.call("GET", "/login")[1]))["csrf_token"]
    assert phone.call("POST", "/login", {"username": "judge", "password": PASSWORD, "csrf_token": csrf})[0] == 302
    sheet = f"/judge/r/{stage.round_id}/e/{stage.entry_id}"
    tokens = phone.tokens(sheet)
    fields = {"csrf_token": tokens["csrf_token"], "client_token": tokens["client_token"], "comment": "",
              f"m-{stage.criterion_id}": "17.5", "pin": stage.pin}
    outcome: list[object] = []

    def send() -> None:
        try:
            outcome.append(phone.call("POST", f"{sheet}/confirm", fields, accept="application/json"))
        except (OSError, http.client.HTTPException) as error:
            outcome.append(error)

    sending = threading.Thread(target=send)
    sending.start()
    wait_for("the worker to pause before its commit", pause.exists)
    [worker] = workers(master.pid)
    arm.unlink()  # the worker the master starts next boots without the pause
    os.kill(worker, signal.SIGKILL)
    sending.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], http.client.RemoteDisconnected | ConnectionError), outcome

    sheets, versions, marks, events, verified = counts(stage.url)
    assert (sheets, versions, marks, events) == (0, 0, 0, 0)
    assert "chain intact" in verified

    wait_for("the master to start a new worker", lambda: workers(master.pid) not in ([], [worker]))
    wait_for("the new worker to answer", lambda: answers(port))
    status, body = phone.call("POST", f"{sheet}/confirm", fields, accept="application/json")
    assert (status, body) == (200, '{"deviation":false,"duplicate":false,"late":false,"message":"","stored":true}\n')
    status, body = phone.call("POST", f"{sheet}/confirm", fields, accept="application/json")
    assert (status, body) == (200, '{"deviation":false,"duplicate":true,"late":false,"message":"","stored":true}\n')

    sheets, versions, marks, events, verified = counts(stage.url)
    assert (sheets, versions, marks, events) == (1, 1, 1, 1)
    assert "chain intact" in verified
