"""Two judges on one phone (one browser profile): drafts, kept pages and unsent sheets stay with their judge."""

import json
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from app.accounts.models import User
from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet
from tests.e2e.conftest import SHOTS, JudgingStage
from tests.e2e.test_judging_offline import confirm_offline, fill, kept_offline, sheet_path, until
from tests.e2e.test_judging_phone import (  # noqa: F401  (contexts is a fixture)
    contexts,
    mark,
    review_and_confirm,
    sign_in_by_card,
    versions_of,
)

SECRET = "j01的点评：此人讲得一般"


@pytest.fixture()
def problems() -> Iterator[list[str]]:
    """Script errors, CSP violations and console errors on the phone's pages (a refused connection while the
    network is down is expected and not counted)."""
    found: list[str] = []
    yield found
    assert found == []


def watched(context: BrowserContext, problems: list[str]) -> Page:
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("console", lambda msg: problems.append(msg.text) if (
        "Content Security Policy" in msg.text or (msg.type == "error" and "net::ERR_" not in msg.text
                                                  and "Failed to load resource" not in msg.text)) else None)
    return page


class Switch:
    """The app on its own port, which the test takes down: a real loss of network, which the service worker
    also sees (Playwright's set_offline does not reach the worker's own fetches)."""

    def __init__(self, app: Flask) -> None:
        self.app, self.port = app, 0
        self.server: BaseWSGIServer | None = None
        self.up()

    def up(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def card_over(page: Page, base_url: str, card: tuple[str, str]) -> None:
    """The next judge scans their card on a phone where someone is still signed in."""
    page.goto(f"{base_url}/judge/signin/{card[0]}")
    page.fill("input[name=pin]", card[1])
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("我的评分")


def sign_out(page: Page) -> None:
    page.once("dialog", lambda d: d.accept())
    page.evaluate("document.querySelector(\"form[action$='/logout']\").requestSubmit()")
    page.wait_for_url("**/login**")


def of(live_app: Flask, username: str, round_id: int, entry_id: int) -> tuple[int, object, int]:
    """The judge's user id, their server-side draft of this sheet, and their PIN failures."""
    with live_app.app_context():
        judge = db.session.execute(select(Judge).join(User).where(User.username == username)).scalar_one()
        sheet = db.session.execute(select(ScoreSheet).where(
            ScoreSheet.judge_id == judge.id, ScoreSheet.round_id == round_id, ScoreSheet.entry_id == entry_id)
        ).scalar_one_or_none()
        found = (judge.user_id, sheet.draft if sheet else None, judge.pin_failures)
        db.session.remove()
    return found


def test_the_next_judge_on_a_shared_phone_gets_an_empty_sheet_not_the_drafts_of_the_one_before(
        contexts: dict[str, BrowserContext], base_url: str, live_app: Flask, judging_stage: JudgingStage,  # noqa: F811
        problems: list[str]) -> None:
    stage, phone = judging_stage, watched(contexts["j01"], problems)
    round_id, entry_id = stage.round_id, stage.entry_ids[1]
    j02_before = of(live_app, "j02", round_id, entry_id)
    sign_in_by_card(phone, base_url, stage.cards["j01"])
    j01 = phone.get_attribute("#judge-queue", "data-user")
    phone.goto(base_url + sheet_path(stage, 1))
    expect(phone.locator("#sheet-form[data-ready='1']")).to_have_count(1)
    fill(phone, ("11", "12", "13", "14", "15"))
    phone.fill("#comment", SECRET)
    expect(phone.locator("#sync-state")).to_have_text("草稿已同步到服务器")
    assert phone.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('sheet-'))") == [
        f"sheet-{j01}-{round_id}-{entry_id}"]
    sign_out(phone)
    assert phone.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('sheet-'))") == []
    assert of(live_app, "j01", round_id, entry_id)[1]["comment"] == SECRET  # type: ignore[index]

    sign_in_by_card(phone, base_url, stage.cards["j02"])
    phone.goto(base_url + sheet_path(stage, 1))
    expect(phone.locator("#sheet-form[data-ready='1']")).to_have_count(1)
    assert [mark(phone, i).input_value() for i in range(5)] == [""] * 5
    assert phone.locator("#comment").input_value() == ""
    expect(phone.locator("#sync-state")).to_have_text("")
    phone.wait_for_timeout(2500)  # longer than a draft takes to reach the server
    assert of(live_app, "j02", round_id, entry_id) == j02_before

    # A card scanned over a judge still signed in: that judge's drafts go as the next one's page loads.
    phone.evaluate("([k]) => localStorage.setItem(k, JSON.stringify({_at: Date.now(), comment: 'x'}))",
                   [f"sheet-{j01}-{round_id}-{entry_id}"])
    card_over(phone, base_url, stage.cards["j01"])
    phone.goto(base_url + sheet_path(stage, 1))
    expect(phone.locator("#comment")).to_have_value("x")  # their own draft, newer than the server's
    card_over(phone, base_url, stage.cards["j02"])
    assert phone.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('sheet-'))") == []
    assert phone.evaluate("localStorage.getItem('judge-last-user')") == phone.get_attribute("#judge-queue", "data-user")


def test_offline_the_next_judge_never_sees_the_pages_of_the_one_before_nor_sends_their_sheets(
        contexts: dict[str, BrowserContext], live_app: Flask, judging_stage: JudgingStage,  # noqa: F811
        problems: list[str]) -> None:
    stage, context, net = judging_stage, contexts["j01"], Switch(live_app)
    try:
        phone = watched(context, problems)
        kept_offline(phone, net.url, stage, (0, 2))
        j01 = phone.get_attribute("#judge-queue", "data-user")
        phone.goto(net.url + sheet_path(stage, 0))
        expect(phone.locator("#sheet-form[data-ready='1']")).to_have_count(1)
        fill(phone, ("18", "17.5", "16", "19", "15"))
        phone.fill("#comment", SECRET)
        review_and_confirm(phone, stage.cards["j01"][1], "85.5")
        until(phone, """async ([name, p]) => { const r = await (await caches.open(name)).match(p);
            return Boolean(r) && (await r.text()).includes("sheet-locked"); }""",
              [f"judge-pages-{j01}", sheet_path(stage, 0)])
        net.down()
        phone.goto(net.url + sheet_path(stage, 2))
        fill(phone, ("10", "10", "10", "10", "10"))
        confirm_offline(phone, stage.cards["j01"][1])
        phone.close()  # j01 puts the phone down, the sheet still 未同步
        net.up()

        phone = watched(context, problems)
        card_over(phone, net.url, stage.cards["j02"])
        j02 = phone.get_attribute("#judge-queue", "data-user")
        until(phone, "async (name) => !(await caches.keys()).includes(name)", f"judge-pages-{j01}")
        failures = of(live_app, "j02", stage.round_id, stage.entry_ids[2])[2]
        net.down()
        phone.goto(net.url + sheet_path(stage, 0))  # j01's locked sheet, with j01's comment, was kept
        expect(phone.locator("h1")).to_have_text("当前没有网络")
        assert SECRET not in phone.content()
        phone.goto(net.url + "/judge/")  # j02's own list, kept as they signed in
        expect(phone.locator("#judge-queue")).to_have_attribute("data-user", j02)
        expect(phone.locator("#queue-others")).to_have_text("本机有另一位评委未发送的评分表，请该评委登录后发送。")
        expect(phone.locator("#queue-pending")).to_have_count(0)
        phone.screenshot(path=str(SHOTS / "e2e-shared-phone-others-390.png"), full_page=True)

        net.up()
        phone.evaluate("window.dispatchEvent(new Event('online'))")
        phone.evaluate("JudgeQueue.flush()")
        phone.wait_for_timeout(1500)
        kept = json.loads(phone.evaluate("localStorage.getItem('judge-outbox')"))
        assert [(i["user"], i["state"], i["fields"]["judge_user"]) for i in kept] == [(j01, "queued", j01)]
        assert of(live_app, "j02", stage.round_id, stage.entry_ids[2])[2] == failures == 0
        with pytest.raises(Exception):  # noqa: B017,PT011  (no sheet at all: NoResultFound)
            versions_of(live_app, "j02", stage.round_id, stage.entry_ids[2])

        card_over(phone, net.url, stage.cards["j01"])  # j01 again: their sheet goes under their own name
        expect(phone.locator("#judge-queue")).to_contain_text("1 张离线确认的评分表已送达服务器")
        assert versions_of(live_app, "j01", stage.round_id, stage.entry_ids[2]) == [(1, Decimal(50), "")]
    finally:
        net.down()


def test_a_sheet_of_no_known_judge_is_never_sent_and_can_be_given_up(
        contexts: dict[str, BrowserContext], base_url: str, live_app: Flask,  # noqa: F811
        judging_stage: JudgingStage,
        problems: list[str]) -> None:
    stage, phone = judging_stage, watched(contexts["j01"], problems)
    sign_in_by_card(phone, base_url, stage.cards["j01"])
    week_ago = 8 * 24 * 3600 * 1000
    phone.evaluate("""([url, pin, weekAgo]) => {
        localStorage.setItem("judge-outbox", JSON.stringify([{token: "token-orphan-aaaa", user: "", url,
            sheetUrl: "/judge/", key: "sheet-1-1", label: "V999 旧评分表", total: "50", lines: [],
            fields: {client_token: "token-orphan-aaaa", pin}, state: "queued", error: ""}]));
        localStorage.setItem("judge-outbox-unreadable-" + (Date.now() - weekAgo), "[{");
        localStorage.setItem("judge-outbox-unreadable-" + Date.now(), "[{");
    }""", [f"{base_url}{sheet_path(stage, 0)}/confirm", stage.cards["j01"][1], week_ago])
    phone.reload()
    card = phone.locator("#queue-orphans")
    expect(card).to_contain_text("V999 旧评分表")
    expect(card).to_contain_text("不会自动发送")
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SHOTS / "e2e-shared-phone-orphan-390.png"), full_page=True)
    phone.evaluate("JudgeQueue.flush()")
    phone.wait_for_timeout(1000)
    assert phone.evaluate("JudgeQueue.read().map((i) => i.state)") == ["queued"]
    assert len(phone.evaluate("Object.keys(localStorage).filter((k) => k.includes('unreadable'))")) == 1
    phone.once("dialog", lambda d: d.accept())
    card.get_by_role("button", name="放弃").click()
    expect(card).to_have_count(0)
    assert phone.evaluate("JudgeQueue.read()") == []
    with pytest.raises(Exception):  # noqa: B017,PT011  (no sheet at all: NoResultFound)
        versions_of(live_app, "j01", stage.round_id, stage.entry_ids[0])
