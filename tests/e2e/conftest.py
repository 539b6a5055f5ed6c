"""Browser tests: the demo city served on a local port, driven by Playwright in Debian's Chromium."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.accounts.models import User
from app.contests.models import Contest
from app.demo import services as demo
from app.entries.models import Entry
from app.extensions import db
from app.judges import services as judge_cards
from app.judges.models import Judge
from app.judging import windows
from app.panels import questions, sessions
from app.panels import services as panels
from app.panels.models import SessionSlot
from tests.conftest import FAST_HASH

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    path = tmp_path_factory.mktemp("e2e") / "demo.sqlite3"
    app = create_app({"SECRET_KEY": "e2e-secret", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "PASSWORD_HASH_METHOD": FAST_HASH, "JOBS_STORAGE_URI": "memory://"})
    with app.app_context():
        db.create_all()
        demo.load(FAST_HASH)
    return app


@pytest.fixture(scope="session")
def base_url(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["phone", "desktop"])
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    viewport = PHONE if request.param == "phone" else DESKTOP
    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=request.param == "phone")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.viewport_name = request.param  # type: ignore[attr-defined]
    yield page
    context.close()
    assert errors == [], errors


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"e2e-{name}-{page.viewport_name}.png"), full_page=True)  # type: ignore[attr-defined]


def sign_in(page: Page, base_url: str, username: str, password: str = "Demo@2022") -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@dataclass(frozen=True)
class JudgingStage:
    """A session of three village contestants in the plan round, scored by j01 and j02, scoring open."""

    round_id: int
    entry_ids: list[int]
    cards: dict[str, tuple[str, str]]  # username -> (sign-in token, PIN)


@pytest.fixture()
def judging_stage(live_app: Flask) -> Iterator[JudgingStage]:
    """Fresh contestants each time (never scored before), new cards for j01 and j02, the round's window open."""
    with live_app.app_context():
        admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
        contest = db.session.execute(select(Contest)).scalar_one()
        rnd = next(r for r in contest.rounds if r.code == "plan")
        village = next(g for g in contest.groups if g.code == "village")
        placed = select(SessionSlot.entry_id).where(SessionSlot.round_id == rnd.id)
        entries = list(db.session.execute(select(Entry).where(Entry.group_id == village.id, Entry.id.not_in(placed))
                                          .order_by(Entry.public_number).limit(3)).scalars())
        session = sessions.create_session(admin, sessions.SessionSpec(
            rnd.id, village.id, f"手机评分测试场 {entries[0].public_number}", date(2022, 3, 15),
            time(9, 0), "阳泉市委党校报告厅", 8))
        for position, entry in enumerate(entries, start=1):
            db.session.add(SessionSlot(session_id=session.id, round_id=rnd.id, entry_id=entry.id, position=position))
        db.session.commit()
        judges = {u: db.session.execute(select(Judge).join(User).where(User.username == u)).scalar_one()
                  for u in ("j01", "j02")}
        rnd.min_judges = 2  # a two-judge test panel; nothing is computed from this database
        panels.create_manual(admin, panels.PanelSpec(rnd.id, village.id, session.name, session_id=session.id),
                             [j.id for j in judges.values()])
        if not questions.is_open(rnd.id, entries[0].id):
            windows.open_window(admin, rnd.id)
        cards = {}
        for username, judge in judges.items():
            card = judge_cards.issue_cards(admin, judge.id)[0]
            cards[username] = (card.token, card.pin)
        stage = JudgingStage(rnd.id, [e.id for e in entries], cards)
        db.session.remove()
    yield stage
