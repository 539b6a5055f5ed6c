"""A judge scores on a phone: card link + PIN, −/+ and typed marks, review, PIN, correction, a second version."""

from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect
from sqlalchemy import select

from app.extensions import db
from app.judges.models import Judge
from app.judging.models import ScoreSheet
from tests.e2e.conftest import DESKTOP, PHONE, SHOTS, JudgingStage, sign_in

PHONE_SIZE = ViewportSize(width=PHONE["width"], height=PHONE["height"])
DESKTOP_SIZE = ViewportSize(width=DESKTOP["width"], height=DESKTOP["height"])
SMALL_PHONE = ViewportSize(width=360, height=640)


@pytest.fixture()
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    made = {
        "j01": browser.new_context(viewport=PHONE_SIZE, locale="zh-CN", is_mobile=True, has_touch=True),
        "j02": browser.new_context(viewport=PHONE_SIZE, locale="zh-CN", is_mobile=True, has_touch=True),
        "organizer": browser.new_context(viewport=DESKTOP_SIZE, locale="zh-CN"),
    }
    yield made
    for context in made.values():
        context.close()


def opened(context: BrowserContext, csp_errors: list[str]) -> Page:
    page = context.new_page()
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return page


def snap(page: Page, name: str) -> None:
    """The phone as given (390×844), then a small one (360×640)."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"e2e-judging-{name}-phone.png"), full_page=True)
    page.set_viewport_size(SMALL_PHONE)
    page.screenshot(path=str(SHOTS / f"e2e-judging-{name}-360.png"), full_page=True)
    page.set_viewport_size(PHONE_SIZE)


def sign_in_by_card(page: Page, base_url: str, card: tuple[str, str]) -> None:
    token, pin = card
    page.goto(f"{base_url}/judge/signin/{token}")
    page.fill("input[name=pin]", pin)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("我的评分")


def mark(page: Page, position: int) -> Locator:
    return page.locator(".mark-input").nth(position)


def review_and_confirm(page: Page, pin: str, total: str) -> None:
    page.get_by_role("button", name="核对并提交").click()
    expect(page.locator("tfoot")).to_contain_text(format(Decimal(total).normalize(), "f"))
    page.fill("#pin", pin)
    page.get_by_role("button", name="确认提交（提交后锁定）").click()
    expect(page.locator("h1")).to_have_text("我的评分")


def versions_of(live_app: Flask, username: str, round_id: int, entry_id: int) -> list[tuple[int, Decimal, str]]:
    with live_app.app_context():
        sheet = db.session.execute(select(ScoreSheet).join(Judge, Judge.id == ScoreSheet.judge_id).where(
            ScoreSheet.round_id == round_id, ScoreSheet.entry_id == entry_id,
            Judge.user.has(username=username))).scalar_one()
        found = [(v.number, v.total, v.reason) for v in sheet.versions]
        db.session.remove()
    return found


def test_a_judge_scores_on_a_phone_asks_for_a_correction_and_submits_a_second_version(
        contexts: dict[str, BrowserContext], base_url: str, live_app: Flask, judging_stage: JudgingStage) -> None:
    stage, csp_errors = judging_stage, list[str]()
    first_entry = stage.entry_ids[0]
    sheet_path = f"/judge/r/{stage.round_id}/e/{first_entry}"
    judge = opened(contexts["j01"], csp_errors)
    sign_in_by_card(judge, base_url, stage.cards["j01"])
    # Earlier browser tests may have put j01 on other sessions too: look at this stage's three rows only.
    items = judge.locator(", ".join(f"#judge-list [data-sheet-key='sheet-{stage.round_id}-{entry}']"
                                    for entry in stage.entry_ids))
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("未评")
    snap(judge, "list")

    # The second judge opens the same contestant on their own phone meanwhile.
    other = opened(contexts["j02"], csp_errors)
    sign_in_by_card(other, base_url, stage.cards["j02"])
    other.goto(base_url + sheet_path)

    items.first.click()
    expect(judge).to_have_url(base_url + sheet_path)
    expect(judge.locator("#sheet-total")).to_have_text("–")
    expect(judge.locator("#sheet-form[data-ready='1']")).to_have_count(1)  # the script has wired the buttons
    minus, plus = judge.locator(".criterion").nth(0).locator(".step-btn"), judge.locator(".criterion").nth(1).locator(
        ".step-btn")
    minus.first.click()  # an empty field starts from the top: 20.0, then 19.5
    minus.first.click()
    for _ in range(3):  # and from the bottom: 0.0, 0.5, 1.0
        plus.last.click()
    expect(mark(judge, 0)).to_have_value("19.5")
    expect(mark(judge, 1)).to_have_value("1")
    mark(judge, 2).fill("18")
    mark(judge, 3).fill("17.5")
    expect(judge.locator("#sheet-total")).to_have_text("–")  # not complete yet
    mark(judge, 4).fill("16")
    expect(judge.locator("#sheet-total")).to_have_text("72")
    snap(judge, "sheet")

    judge.get_by_role("button", name="核对并提交").click()
    expect(judge.locator("h1")).to_contain_text("请核对")
    expect(judge.locator("tfoot")).to_contain_text("72")
    snap(judge, "review")
    judge.fill("#pin", stage.cards["j01"][1])
    judge.get_by_role("button", name="确认提交（提交后锁定）").click()
    expect(judge.locator("h1")).to_have_text("我的评分")
    expect(items.first).to_contain_text("已提交")
    snap(judge, "submitted")
    assert versions_of(live_app, "j01", stage.round_id, first_entry) == [(1, Decimal("72.0"), "")]

    # A mistake: the judge asks for a correction on the locked sheet.
    judge.goto(base_url + sheet_path)
    expect(judge.locator(".alert-success")).to_contain_text("已提交并锁定（第 1 版，合计 72 分）")
    judge.get_by_text("发现错误？申请更正").click()
    judge.fill("input[name=reason]", "第二项误按为1分")
    judge.get_by_role("button", name="申请更正").click()
    expect(judge.locator("body")).to_contain_text("已申请更正，等待组织者重新开放。")
    snap(judge, "correction-asked")

    # The second judge submits the same contestant in the meantime.
    for position, value in enumerate(("17", "16.5", "18", "15", "16")):
        mark(other, position).fill(value)
    expect(other.locator("#sheet-total")).to_have_text("82.5")
    review_and_confirm(other, stage.cards["j02"][1], "82.5")

    # The organizer reopens the sheet on the desk.
    desk = opened(contexts["organizer"], csp_errors)
    sign_in(desk, base_url, "admin")
    desk.goto(f"{base_url}/organize/desk/round/{stage.round_id}")
    row = desk.locator("li.list-group-item", has_text="第二项误按为1分")
    row.locator("input[name=reason]").fill("评委申请更正，核实属实")
    desk.screenshot(path=str(SHOTS / "e2e-judging-desk-desktop.png"), full_page=True)
    row.get_by_role("button", name="重新开放").click()
    expect(desk.locator(".flash-messages")).to_contain_text("评分表已重新开放")

    # The judge corrects the second mark and confirms again: version 2, version 1 kept.
    judge.goto(base_url + sheet_path)
    expect(judge.locator(".alert-info")).to_contain_text("组织者已重新开放本评分表")
    expect(mark(judge, 1)).to_have_value("1")
    mark(judge, 1).fill("15")
    expect(judge.locator("#sheet-total")).to_have_text("86")
    snap(judge, "reopened")
    review_and_confirm(judge, stage.cards["j01"][1], "86.0")
    expect(items.first).to_contain_text("已提交")

    assert versions_of(live_app, "j01", stage.round_id, first_entry) == [
        (1, Decimal("72.0"), ""),
        (2, Decimal("86.0"), "评委申请：第二项误按为1分；组织者重新开放：评委申请更正，核实属实")]
    assert versions_of(live_app, "j02", stage.round_id, first_entry) == [(1, Decimal("82.5"), "")]
    assert csp_errors == []
