"""The published demo round as the public and a secretary see it, on a phone and a desktop."""

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.demo import services as demo
from app.demo.scoring import publish_demo_plan_round
from app.extensions import db
from app.notices.models import Notice
from app.publication.models import Publication
from tests.conftest import FAST_HASH
from tests.e2e.conftest import DESKTOP, PHONE, shot


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, str]]:
    path = tmp_path_factory.mktemp("published") / "demo.sqlite3"
    app: Flask = create_app({"SECRET_KEY": "e2e-published", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                             "PASSWORD_HASH_METHOD": FAST_HASH})
    with app.app_context():
        db.create_all()
        demo.load(FAST_HASH)
        publish_demo_plan_round()
        notice_id = db.session.execute(select(Notice.id)).scalar_one()
        digest = db.session.execute(select(Publication.package_hash)).scalar_one()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", notice_id, digest
    server.shutdown()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_anyone_reads_the_notice_with_its_hash_and_no_phone_numbers(
    published: tuple[str, int, str], browser: Browser, viewport: str
) -> None:
    base, notice_id, digest = published
    context = browser.new_context(viewport=PHONE if viewport == "phone" else DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.viewport_name = viewport  # type: ignore[attr-defined]
    page.goto(f"{base}/public/")
    page.locator(f"a[href='/public/notices/{notice_id}']").first.click()
    expect(page.locator("body")).to_contain_text(digest)
    expect(page.locator("body")).to_contain_text("公示期")
    assert "V620" in page.content()
    assert "139" not in page.locator("table").first.inner_text()  # no mobile numbers in the ranking
    shot(page, "public-notice")
    context.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_secretary_sees_their_published_score_and_the_chart(
    published: tuple[str, int, str], browser: Browser, viewport: str
) -> None:
    base, _, _ = published
    context = browser.new_context(viewport=PHONE if viewport == "phone" else DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.viewport_name = viewport  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "s140302100200")
    page.fill("input[name=password]", "Demo@2022")
    page.click("button[type=submit]")
    page.goto(f"{base}/me/feedback/")
    page.locator("a[href^='/me/feedback/']").first.click()
    expect(page.locator("body")).to_contain_text("组内排名")
    expect(page.locator(".feedback-chart svg").first).to_be_visible()  # ECharts drew the chart (SVG renderer)
    expect(page.locator("body")).to_contain_text("评委A")
    # the judges' table (five criteria and 合计) is wider than a phone: it says it scrolls, and only there
    expect(page.locator(".scroll-hint")).to_have_count(1 if viewport == "phone" else 0)
    shot(page, "me-feedback")
    assert errors == []
    context.close()


def test_the_objection_form_finds_a_contestant_by_number_or_village_among_651(
    published: tuple[str, int, str], browser: Browser
) -> None:
    base, notice_id, _ = published
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.viewport_name = "phone"  # type: ignore[attr-defined]
    page.goto(f"{base}/public/notices/{notice_id}/object")
    select = page.locator("#public_number")
    assert select.locator("option").count() == 652  # 请选择 + 651, by number
    assert select.locator("option").nth(1).inner_text().startswith("T01 ")
    page.fill("#contestant-finder", "义井村")
    expect(select.locator("option")).to_have_count(2)
    expect(page.locator("#contestant-finder-status")).to_have_text("找到 1 人，已选中。")
    assert select.input_value() == "V001"
    page.fill("#contestant-finder", "v04")
    expect(page.locator("#contestant-finder-status")).to_have_text("找到 10 人，请在下方选择。")
    page.fill("#contestant-finder", "不存在的村")
    expect(select.locator("option")).to_have_text(["没有符合的参赛人，请修改查找内容"])
    expect(page.locator("#contestant-finder-status")).to_have_text("没有找到，请核对编号或名称。")
    shot(page, "objection-finder")
    page.goto(f"{base}/public/notices/{notice_id}/object?number=v048")  # as linked from elsewhere
    assert page.locator("#public_number").input_value() == "V048"
    page.fill("#phone", "12345")
    page.get_by_role("button", name="提交异议").click()  # refused: the first field to fix has the focus
    expect(page.locator("#name")).to_be_focused()
    expect(page.locator("#phone")).to_have_value("12345")
    assert page.locator("#public_number").input_value() == "V048"
    context.close()
