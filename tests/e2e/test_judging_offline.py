"""A judge without signal: sheets opened before open again, are confirmed with the PIN on the phone, wait as
未同步 and reach the server when the network returns; refusals and an ended session lose nothing."""

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.judging import windows
from app.judging.models import ScoreSheet, SheetVersion
from app.panels.models import ScoringWindow
from tests.e2e.conftest import SHOTS, JudgingStage
from tests.e2e.test_judging_phone import (  # noqa: F401  (contexts is a fixture)
    PHONE_SIZE,
    SMALL_PHONE,
    contexts,
    mark,
    sign_in_by_card,
    versions_of,
)

MARKS = ("18", "17.5", "16", "19", "15")  # 85.5


@pytest.fixture()
def judge(contexts: dict[str, BrowserContext]) -> Iterator[Page]:  # noqa: F811
    """j01's phone; the test fails on any script error or CSP violation on it."""
    page = contexts["j01"].new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield page
    assert problems == []


def shoot(page: Page, name: str) -> None:
    """At 390×844 and at 360×640, as the page is."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"e2e-offline-{name}-390.png"), full_page=True)
    page.set_viewport_size(SMALL_PHONE)
    page.screenshot(path=str(SHOTS / f"e2e-offline-{name}-360.png"), full_page=True)
    page.set_viewport_size(PHONE_SIZE)


def sheet_path(stage: JudgingStage, position: int) -> str:
    return f"/judge/r/{stage.round_id}/e/{stage.entry_ids[position]}"


def kept_offline(page: Page, base_url: str, stage: JudgingStage, positions: tuple[int, ...]) -> None:
    """Signed in, the service worker in control, and these sheets (and the list) opened once while online."""
    sign_in_by_card(page, base_url, stage.cards["j01"])
    until(page, "() => navigator.serviceWorker.controller !== null")
    paths = ["/judge/"] + [sheet_path(stage, p) for p in positions]
    for path in paths[1:]:
        page.goto(base_url + path)
        expect(page.locator("#sheet-form[data-ready='1']")).to_have_count(1)
    until(page, """async (paths) => {
        const cache = await caches.open("judge-pages-" + document.getElementById("judge-queue").dataset.user);
        return (await Promise.all(paths.map((p) => cache.match(p)))).every(Boolean);
    }""", paths)


def until(page: Page, predicate: str, arg: object = None, seconds: float = 10) -> None:
    """page.wait_for_function evaluates strings, which the CSP forbids; page.evaluate is not affected."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(predicate, arg):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {seconds} s: {predicate}")


def fill(page: Page, values: tuple[str, ...]) -> None:
    for position, value in enumerate(values):
        mark(page, position).fill(value)


def confirm_offline(page: Page, pin: str) -> None:
    page.get_by_role("button", name="核对并提交").click()
    expect(page.locator("#offline-review")).to_be_visible()
    page.fill("#offline-pin", pin)
    page.get_by_role("button", name="确认提交（先存在本机，联网后发送）").click()
    expect(page.locator("#queued-sheet")).to_be_visible()


def outbox(page: Page) -> list[dict[str, str]]:
    return page.evaluate("JudgeQueue.read().map((i) => ({token: i.token, state: i.state, error: i.error}))")


def back_online(page: Page, context: BrowserContext) -> None:
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # as a phone does when the signal returns


def test_a_sheet_opened_before_is_scored_and_confirmed_without_signal_and_sent_when_it_returns(
        contexts: dict[str, BrowserContext], judge: Page, base_url: str, live_app: Flask,  # noqa: F811
        judging_stage: JudgingStage) -> None:
    stage, context = judging_stage, contexts["j01"]
    kept_offline(judge, base_url, stage, (0,))
    context.set_offline(True)

    # The sheet opens from the phone's copy; the summary and PIN are asked on the page itself.
    judge.goto(base_url + sheet_path(stage, 0))
    expect(judge.locator("#judge-queue")).to_contain_text("网络已断开")
    fill(judge, MARKS)
    judge.fill("#comment", "思路清晰，措施具体")
    expect(judge.locator("#sheet-total")).to_have_text("85.5")
    judge.get_by_role("button", name="核对并提交").click()
    expect(judge.locator("#offline-review")).to_be_visible()
    expect(judge.locator("#offline-marks tr")).to_have_count(5)
    expect(judge.locator("#offline-total")).to_have_text("85.5")
    shoot(judge, "summary-pin")
    judge.get_by_role("button", name="确认提交（先存在本机，联网后发送）").click()
    expect(judge.locator("#offline-pin-error")).to_be_visible()  # no PIN, nothing queued
    assert outbox(judge) == []
    judge.fill("#offline-pin", stage.cards["j01"][1])
    judge.get_by_role("button", name="确认提交（先存在本机，联网后发送）").click()
    expect(judge.locator("#queued-sheet")).to_contain_text("未同步")
    expect(judge.locator("#queue-pending")).to_contain_text("1 张评分表已在本手机确认")

    # The list, from the phone's copy too: the sheet is marked 未同步 and a banner says so.
    judge.goto(base_url + "/judge/")
    row = judge.locator(f"#judge-list [data-sheet-key='sheet-{stage.round_id}-{stage.entry_ids[0]}']")
    expect(row.locator(".queue-badge")).to_have_text("未同步")
    expect(judge.locator("#queue-pending")).to_contain_text("未同步")
    shoot(judge, "list-queued")
    assert versions_of_or_none(live_app, stage, 0) == []

    back_online(judge, context)
    expect(judge.locator("#judge-queue")).to_contain_text("1 张离线确认的评分表已送达服务器")
    expect(row.locator(".queue-badge")).to_have_count(0)
    expect(row).to_contain_text("已提交")  # the list's next poll
    assert outbox(judge) == []
    assert versions_of(live_app, "j01", stage.round_id, stage.entry_ids[0]) == [(1, Decimal("85.5"), "")]

    # The locked sheet: the judge's comment area, and thumb-sized links.
    judge.goto(base_url + sheet_path(stage, 0))
    expect(judge.locator("#sheet-locked")).to_contain_text("合计 85.5 分")
    expect(judge.locator("main")).to_contain_text("我的点评：思路清晰，措施具体")
    shoot(judge, "locked")
    for name in ("返回列表", "反馈问题", "发现错误？申请更正"):
        box = judge.get_by_text(name, exact=True).first.bounding_box()
        assert box is not None and box["height"] >= 44, (name, box)


def versions_of_or_none(live_app: Flask, stage: JudgingStage, position: int) -> list[object]:
    try:
        return list(versions_of(live_app, "j01", stage.round_id, stage.entry_ids[position]))
    except Exception:  # noqa: BLE001  (no sheet at all yet: NoResultFound)
        return []


def test_a_sheet_refused_when_it_arrives_stays_on_the_phone_until_the_pin_is_entered_again(
        contexts: dict[str, BrowserContext], judge: Page, base_url: str, live_app: Flask,  # noqa: F811
        judging_stage: JudgingStage) -> None:
    stage, context = judging_stage, contexts["j01"]
    kept_offline(judge, base_url, stage, (1,))
    context.set_offline(True)
    judge.goto(base_url + sheet_path(stage, 1))
    fill(judge, MARKS)
    confirm_offline(judge, "000000" if stage.cards["j01"][1] != "000000" else "111111")  # a mistyped PIN
    back_online(judge, context)

    card = judge.locator("#queue-refused")
    expect(card).to_contain_text("未能提交（1 张）")
    expect(card).to_contain_text("服务器答复：PIN 不正确，还可再试 4 次")
    expect(judge.locator("#queued-sheet")).to_contain_text("未能提交")
    assert [i["state"] for i in outbox(judge)] == ["refused"]
    assert "pin" not in judge.evaluate("JudgeQueue.read()[0].fields")  # a refused sheet keeps no PIN on the phone
    judge.goto(base_url + "/judge/")
    expect(judge.locator(f"[data-sheet-key='sheet-{stage.round_id}-{stage.entry_ids[1]}'] .queue-badge")).to_have_text(
        "未能提交")
    shoot(judge, "refused")

    card.get_by_placeholder("重新输入 PIN").fill(stage.cards["j01"][1])
    card.get_by_role("button", name="重新提交").click()
    expect(judge.locator("#queue-refused")).to_have_count(0)
    expect(judge.locator("#judge-queue")).to_contain_text("已送达服务器")
    assert outbox(judge) == []
    assert versions_of(live_app, "j01", stage.round_id, stage.entry_ids[1]) == [(1, Decimal("85.5"), "")]


def test_a_session_that_ended_keeps_the_sheets_on_the_phone_until_the_judge_signs_in_again(
        contexts: dict[str, BrowserContext], judge: Page, base_url: str, live_app: Flask,  # noqa: F811
        judging_stage: JudgingStage) -> None:
    stage, context = judging_stage, contexts["j01"]
    kept_offline(judge, base_url, stage, (2,))
    context.set_offline(True)
    judge.goto(base_url + sheet_path(stage, 2))
    fill(judge, MARKS)
    confirm_offline(judge, stage.cards["j01"][1])
    judge.goto(base_url + "/judge/")
    context.clear_cookies()  # the session has ended meanwhile
    back_online(judge, context)

    expect(judge.locator("#judge-queue")).to_contain_text("登录已失效，请重新扫码登录")
    expect(judge.locator("#queue-pending")).to_contain_text("未同步")
    judge.wait_for_timeout(6000)  # a poll of the list meanwhile: refused with 401, the list stays the list
    for entry_id in stage.entry_ids:
        expect(judge.locator(f"#judge-list [data-sheet-key='sheet-{stage.round_id}-{entry_id}']")).to_have_count(1)
    expect(judge.locator("#judge-list")).not_to_contain_text("用户名")
    shoot(judge, "signed-out")
    assert [i["state"] for i in outbox(judge)] == ["queued"]
    assert versions_of_or_none(live_app, stage, 2) == []

    sign_in_by_card(judge, base_url, stage.cards["j01"])  # the card again: the outbox sends on the list
    expect(judge.locator("#judge-queue")).to_contain_text("1 张离线确认的评分表已送达服务器")
    assert versions_of(live_app, "j01", stage.round_id, stage.entry_ids[2]) == [(1, Decimal("85.5"), "")]


def test_the_outbox_removes_a_sheet_only_when_the_server_says_it_is_stored(
        judge: Page, base_url: str, judging_stage: JudgingStage) -> None:
    """Script-level: an answer that is not {stored: true} keeps the sheet, and a sheet queued while another
    is being sent is not overwritten when that one's answer comes."""
    stage = judging_stage
    sign_in_by_card(judge, base_url, stage.cards["j01"])
    until(judge, "() => Boolean(window.JudgeQueue)")
    kept = judge.evaluate("""async ([url, pin]) => {
        const item = (token) => ({token, url, sheetUrl: "/judge/", key: "sheet-x-" + token, label: token,
                                  total: "1", lines: [], fields: {client_token: token, pin}});
        const realFetch = window.fetch;
        const answers = {"token-500-aaaa": new Response("<h1>系统错误</h1>", {status: 500}),
                         "token-login-aaa": new Response("<form>用户名</form>", {status: 200}),
                         "token-slow-aaaa": null};
        window.fetch = (target, options) => {
            const token = options && options.body && options.body.get && options.body.get("client_token");
            if (token in answers && answers[token]) return Promise.resolve(answers[token]);
            if (token === "token-slow-aaaa") {  // answered after another sheet was queued meanwhile
                setTimeout(() => JudgeQueue.add(item("token-later-aaa")), 100);
                return new Promise((ok) => setTimeout(() => ok(new Response(JSON.stringify({stored: true}),
                    {headers: {"Content-Type": "application/json"}})), 600));
            }
            if (token === "token-later-aaa") return new Promise(() => {});  // no answer: still queued
            return realFetch(target, options);
        };
        JudgeQueue.add(item("token-slow-aaaa"));
        JudgeQueue.add(item("token-login-aaa"));
        JudgeQueue.add(item("token-500-aaaa"));  // a server error stops this round of sending: it comes last
        await JudgeQueue.flush();
        return JudgeQueue.read().map((i) => i.token + ":" + i.state);
    }""", [f"{base_url}{sheet_path(stage, 0)}/confirm", stage.cards["j01"][1]])
    assert sorted(kept) == ["token-500-aaaa:queued", "token-later-aaa:queued", "token-login-aaa:queued"]
    judge.evaluate("localStorage.clear()")


def test_the_newer_of_the_phones_and_the_servers_draft_wins(
        contexts: dict[str, BrowserContext], judge: Page, base_url: str, judging_stage: JudgingStage,  # noqa: F811
) -> None:
    stage, context = judging_stage, contexts["j01"]
    sign_in_by_card(judge, base_url, stage.cards["j01"])
    judge.goto(base_url + sheet_path(stage, 0))
    expect(judge.locator("#sheet-form[data-ready='1']")).to_have_count(1)
    mark(judge, 0).fill("12")
    expect(judge.locator("#sync-state")).to_have_text("草稿已同步到服务器")
    context.set_offline(True)
    mark(judge, 0).fill("14.5")  # typed without signal: only the phone has it
    expect(judge.locator("#sync-state")).to_have_text("网络中断：草稿保存在本机，未同步")
    context.set_offline(False)
    judge.reload()  # the server's page still says 12
    expect(mark(judge, 0)).to_have_value("14.5")
    expect(judge.locator("#sync-state")).to_have_text("草稿已同步到服务器")
    judge.evaluate("localStorage.clear()")
    judge.reload()  # now the server has the newer one
    expect(mark(judge, 0)).to_have_value("14.5")


def test_the_marks_snap_to_the_step_wrong_ones_are_shown_and_enter_moves_on(
        judge: Page, base_url: str, judging_stage: JudgingStage) -> None:
    stage = judging_stage
    sign_in_by_card(judge, base_url, stage.cards["j01"])
    judge.goto(base_url + sheet_path(stage, 1))
    expect(judge.locator("#sheet-form[data-ready='1']")).to_have_count(1)
    card = judge.locator(".criterion").nth(0)
    mark(judge, 0).fill("18.3")
    expect(card.locator(".mark-error")).to_have_text("分数须为 0.5 的整数倍")
    card.locator(".step-btn").last.click()
    expect(mark(judge, 0)).to_have_value("18.5")
    mark(judge, 0).fill("18.3")
    card.locator(".step-btn").first.click()
    expect(mark(judge, 0)).to_have_value("18")
    expect(card.locator(".mark-error")).to_be_hidden()

    fill(judge, ("25", "17.5", "16", "19", "15"))
    expect(mark(judge, 0)).to_have_class("form-control text-center mark-input is-invalid")
    expect(card.locator(".mark-error")).to_have_text("分数须在 0–20 之间")
    expect(judge.locator("#sheet-total")).to_have_text("–")
    expect(judge.locator("#sheet-total-note")).to_have_text("1 项分数无效（已标红），未计入合计")
    shoot(judge, "invalid-mark")
    judge.get_by_role("button", name="核对并提交").click()
    expect(judge).to_have_url(base_url + sheet_path(stage, 1))  # refused here, nothing sent
    expect(judge.locator("#sync-state")).to_have_text("有分数无效，请按标红的提示修改")
    card.locator(".step-btn").first.click()  # − from 25 comes down to the maximum
    expect(mark(judge, 0)).to_have_value("20")
    expect(judge.locator("#sheet-total")).to_have_text("87.5")

    mark(judge, 1).focus()
    judge.keyboard.press("Enter")
    expect(mark(judge, 2)).to_be_focused()
    mark(judge, 4).focus()
    judge.keyboard.press("Enter")
    expect(judge.locator("#comment")).to_be_focused()
    expect(judge).to_have_url(base_url + sheet_path(stage, 1))


def test_on_a_small_phone_the_field_enter_moves_to_is_never_under_the_sticky_total_bar(
        judge: Page, base_url: str, judging_stage: JudgingStage) -> None:
    stage = judging_stage
    sign_in_by_card(judge, base_url, stage.cards["j01"])
    for height in (640, 380):  # 360×640, then with the keyboard open (about half the screen)
        judge.set_viewport_size({"width": 360, "height": height})
        judge.goto(base_url + sheet_path(stage, 2))
        expect(judge.locator("#sheet-form[data-ready='1']")).to_have_count(1)
        mark(judge, 0).focus()
        for position in range(1, 5):
            judge.keyboard.press("Enter")
            field = mark(judge, position)
            expect(field).to_be_focused()
            until(judge, """() => {
                const field = document.activeElement, bar = document.querySelector(".sheet-footer");
                return field.getBoundingClientRect().bottom <= bar.getBoundingClientRect().top;
            }""", seconds=3)
    SHOTS.mkdir(exist_ok=True)
    judge.screenshot(path=str(SHOTS / "e2e-offline-keyboard-open-360x380.png"))


def test_the_contestant_on_stage_stands_out_and_the_report_form_on_a_sheet_names_that_contestant(
        judge: Page, base_url: str, live_app: Flask, judging_stage: JudgingStage) -> None:
    stage = judging_stage
    with live_app.app_context():
        admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
        windows.open_window(admin, stage.round_id, entry_id=stage.entry_ids[1])
        db.session.remove()
    sign_in_by_card(judge, base_url, stage.cards["j01"])
    on_stage = judge.locator(f"#judge-list [data-sheet-key='sheet-{stage.round_id}-{stage.entry_ids[1]}']")
    expect(on_stage).to_contain_text("正在台上 · 请评分")
    expect(on_stage).to_have_attribute("aria-current", "true")
    background = on_stage.evaluate("(row) => getComputedStyle(row).backgroundColor")
    plain = judge.locator(f"[data-sheet-key='sheet-{stage.round_id}-{stage.entry_ids[2]}']").evaluate(
        "(row) => getComputedStyle(row).backgroundColor")
    assert background != plain, (background, plain)
    on_stage.scroll_into_view_if_needed()
    shoot(judge, "on-stage")
    judge.goto(base_url + sheet_path(stage, 2))
    judge.get_by_text("反馈问题", exact=True).click()
    judge.fill("#report-message", "评分表无法提交")
    judge.get_by_role("button", name="发送给组织者").click()
    expect(judge.locator(".flash-messages")).to_contain_text("问题已发送到组织者工作台")
    expect(judge).to_have_url(base_url + sheet_path(stage, 2))


def to_review(judge: Page, base_url: str, stage: JudgingStage, position: int, marks: tuple[str, ...],
              total: str) -> None:
    """j01 signed in by card, the sheet filled with `marks` (summing to `total`) and on the server's review page."""
    sign_in_by_card(judge, base_url, stage.cards["j01"])
    judge.goto(base_url + sheet_path(stage, position))
    expect(judge.locator("#sheet-form[data-ready='1']")).to_have_count(1)
    fill(judge, marks)
    expect(judge.locator("#sheet-total")).to_have_text(total)
    judge.get_by_role("button", name="核对并提交").click()
    expect(judge.locator("tfoot")).to_contain_text(total)


def test_the_confirm_button_waits_for_the_answer_and_a_double_tap_stores_one_version(
        judge: Page, base_url: str, live_app: Flask, judging_stage: JudgingStage) -> None:
    stage = judging_stage
    to_review(judge, base_url, stage, 0, ("18", "17", "16", "19", "15"), "85")  # as the summary writes it, not 85.0
    # a slow hall Wi-Fi: the answer takes three seconds, long enough to see the button wait
    judge.evaluate("""() => {
        const realFetch = window.fetch;
        window.fetch = (...args) => new Promise((ok) => setTimeout(() => ok(realFetch(...args)), 3000));
    }""")
    judge.fill("#pin", stage.cards["j01"][1])
    button = judge.get_by_role("button", name="确认提交（提交后锁定）")
    button.click()
    # The second tap of a double tap, at once: a check in between could outlast the stub's delay on a busy
    # machine, and the button would be gone with the page.
    button.click(force=True, no_wait_after=True)
    expect(button).to_be_disabled()
    expect(judge.locator("#sync-state")).to_have_text("正在提交…")
    expect(judge.locator("h1")).to_have_text("我的评分")
    expect(judge.locator(".flash-messages")).to_contain_text("评分表已提交并锁定。")
    assert versions_of(live_app, "j01", stage.round_id, stage.entry_ids[0]) == [(1, Decimal(85), "")]


def test_a_wrong_pin_is_said_at_the_field_which_is_emptied_for_the_next_try(
        judge: Page, base_url: str, live_app: Flask, judging_stage: JudgingStage) -> None:
    stage = judging_stage
    to_review(judge, base_url, stage, 1, MARKS, "85.5")
    pin = judge.locator("#pin")
    right = stage.cards["j01"][1]
    pin.fill(f"{(int(right) + 1) % 1_000_000:06d}")
    button = judge.get_by_role("button", name="确认提交（提交后锁定）")
    button.click()
    expect(judge.locator("#pin-error")).to_have_text("PIN 不正确，还可再试 4 次")
    expect(judge.locator("#pin-error")).to_be_visible()
    expect(pin).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(pin).to_have_value("")
    expect(pin).to_be_focused()
    expect(button).to_be_enabled()
    shoot(judge, "wrong-pin")
    pin.fill(right)
    expect(pin).not_to_have_class(re.compile(r"\bis-invalid\b"))
    button.click()
    expect(judge.locator(".flash-messages")).to_contain_text("评分表已提交并锁定。")
    assert versions_of(live_app, "j01", stage.round_id, stage.entry_ids[1]) == [(1, Decimal("85.5"), "")]


def test_a_sheet_confirmed_offline_that_arrives_after_scoring_closed_says_on_its_page_it_is_late(
        judge: Page, base_url: str, live_app: Flask, judging_stage: JudgingStage) -> None:
    stage, context = judging_stage, judge.context
    kept_offline(judge, base_url, stage, (2,))
    context.set_offline(True)
    judge.goto(base_url + sheet_path(stage, 2))
    fill(judge, MARKS)
    confirm_offline(judge, stage.cards["j01"][1])
    with live_app.app_context():  # the organizer closes scoring while the phone has no signal
        admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
        for window in db.session.execute(select(ScoringWindow).where(
                ScoringWindow.round_id == stage.round_id, ScoringWindow.closed_at.is_(None))).scalars().all():
            windows.close_window(admin, window.id)
        db.session.remove()
    back_online(judge, context)
    expect(judge.locator("#queued-sheet")).to_contain_text(
        "本评分表已送达服务器并锁定（合计 85.5 分）。因送达时评分已关闭，为迟交评分表，须经组织者审核接受后才计入。")
    shoot(judge, "late-stored")
    with live_app.app_context():
        stored = db.session.execute(select(SheetVersion.number, SheetVersion.total, SheetVersion.late).join(
            ScoreSheet).where(ScoreSheet.round_id == stage.round_id, ScoreSheet.entry_id == stage.entry_ids[2])
        ).tuples().all()
        db.session.remove()
    assert stored == [(1, Decimal("85.5"), True)]
