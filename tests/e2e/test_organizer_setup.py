"""An organizer prepares next year's contest in the browser: copy last year's, import people, draw, print.

Runs against its own fresh copy of the demo city (it ends the 2022 contest and sets 2023 in progress), so the
other browser tests keep the 2022 contest as the current one.
"""

import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app
from app.contests.models import Contest
from app.demo import services as demo
from app.entries.models import Entry
from app.extensions import db
from app.judges.models import Judge
from app.panels.models import ContestSession, Panel
from tests.conftest import FAST_HASH
from tests.e2e.conftest import DESKTOP, shot

JUDGES = [("王建华", "13903530001", "市农业农村局", "农业"), ("李红梅", "13903530002", "市农业农村局", "农业"),
          ("张志刚", "13903530003", "市财政局", "财政金融"), ("刘海燕", "13903530004", "市委组织部", "组织"),
          ("赵文军", "13903530005", "市文化和旅游局", "文化旅游"), ("郭永平", "13903530006", "市委组织部", "组织"),
          ("高晓峰", "13903530007", "市财政局", "财政金融")]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    path = tmp_path_factory.mktemp("organizer") / "demo.sqlite3"
    app = create_app({"SECRET_KEY": "e2e-organizer", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "PASSWORD_HASH_METHOD": FAST_HASH})
    with app.app_context():
        db.create_all()
        demo.load(FAST_HASH)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def judges_file(tmp: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "手机号", "单位", "领域", "所在县区", "所在乡镇", "身份证号"])
    for name, phone, unit, field in JUDGES:
        sheet.append([name, phone, unit, field, None, None, None])
    target = tmp / "judges.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)
    target.write_bytes(buffer.getvalue())
    return target


def test_an_organizer_prepares_next_year_from_copy_to_judge_cards(
    city: tuple[Flask, str], browser: Browser, tmp_path: Path
) -> None:
    app, base = city
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    page: Page = context.new_page()
    page.viewport_name = "desktop"  # type: ignore[attr-defined]
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "Demo@2022")
    page.click("button[type=submit]")

    # 1. Copy last year's contest: groups, rounds, criteria and rules, no people.
    page.goto(f"{base}/organize/contests/copy")
    expect(page.locator("input[name=year]")).to_have_value("2023")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".alert-success")).to_contain_text("已复制为")
    shot(page, "organizer-copied")

    # 1b. The copy is a draft: last year's contest stays the current one until the organizer ends it and sets
    # the copy in progress (进行中), which the people, panels and cards pages then work on.
    with app.app_context():
        ids = dict(db.session.execute(select(Contest.year, Contest.id)).tuples().all())
    for year, status in ((2022, "已结束"), (2023, "进行中")):
        page.goto(f"{base}/organize/contests/{ids[year]}/")
        page.select_option("select[name=status]", label=status)
        page.get_by_role("button", name="保存基本设置").click()
        expect(page.locator(".alert-success")).to_contain_text("基本设置已保存")

    # 2. Import the demo's 651 contestants, then seven judges, each with preview and commit.
    demo_file = tmp_path / "contestants.xlsx"
    demo_file.write_bytes(page.request.get(f"{base}/organize/people/demo/contestants.xlsx").body())
    for kind, path in (("contestants", demo_file), ("judges", judges_file(tmp_path))):
        page.goto(f"{base}/organize/people/import")
        page.set_input_files(f"#file-{kind}", str(path))
        page.locator(f"form[action$='/import/{kind}'] button[type=submit]").click()
        shot(page, f"organizer-preview-{kind}")
        page.get_by_role("button", name="确认导入").click()
        expect(page.locator(".alert-success").first).to_be_visible()

    with app.app_context():
        contest = db.session.execute(select(Contest).where(Contest.year == 2023)).scalar_one()
        assert db.session.execute(select(func.count(Entry.id)).where(Entry.contest_id == contest.id)
                                  ).scalar_one() == 651
        assert db.session.execute(select(func.count(Judge.id)).where(Judge.contest_id == contest.id)
                                  ).scalar_one() == 7
        plan_id = next(r.id for r in contest.rounds if r.code == "plan")

    # 3. A session for the township group, its contestants, a drawn running order.
    page.goto(f"{base}/organize/panels/round/{plan_id}")
    page.locator("summary", has_text="新建场次").click()
    page.fill("#session-name", "乡镇组第一场")
    page.select_option("#session-group_id", label="乡镇党委书记组")
    page.fill("#session-held_on", "2023-03-15")
    page.fill("#session-starts_at", "08:30")
    page.fill("#session-venue", "阳泉市委党校报告厅")
    page.get_by_role("button", name="创建场次").click()
    page.get_by_role("button", name="将乡镇党委书记组未安排的 31 人平均分配到该组别场次").click()
    page.get_by_role("link", name="乡镇组第一场").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="抽签确定出场顺序").click()
    expect(page.locator(".alert-success").first).to_contain_text("出场顺序已抽签确定")
    expect(page.locator("table tbody tr")).to_have_count(31)
    shot(page, "organizer-running-order")
    with page.expect_download() as order_pdf:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.download = 'o.pdf'; "
                      "document.body.appendChild(a); a.click(); }",
                      page.get_by_role("link", name="出场顺序表（PDF）").get_attribute("href"))
    assert Path(order_pdf.value.path()).read_bytes()[:5] == b"%PDF-"

    # 4. Draw a panel of five for the session: at least two from organization, one from finance.
    page.goto(f"{base}/organize/panels/round/{plan_id}")
    page.locator("summary", has_text="随机抽取评委组").click()
    page.fill("#draw-name", "乡镇组评委组")
    page.select_option("#draw-group_id", label="乡镇党委书记组")
    page.select_option("#draw-session_id", label="乡镇组第一场")
    page.fill("#draw-size", "5")
    page.fill("#draw-min_organization", "2")
    page.fill("#draw-min_finance", "1")
    page.get_by_role("button", name="抽取").click()
    expect(page.locator(".alert-success").first).to_contain_text("已随机抽取评委组")
    expect(page.locator(".alert-success").nth(1)).to_contain_text("结果与本评委组一致")
    shot(page, "organizer-panel")
    with app.app_context():
        panel = db.session.execute(select(Panel).where(Panel.round_id == plan_id)).scalar_one()
        fields = sorted(m.judge.field for m in panel.members)
        assert len(fields) == 5 and fields.count("organization") >= 2 and fields.count("finance") >= 1
        assert db.session.execute(select(ContestSession)).scalar_one().order_seed

    # 5. Print the sign-in cards of the seven new judges.
    page.goto(f"{base}/organize/judges/")
    shot(page, "organizer-judge-board")
    response = page.request.post(f"{base}/organize/judges/cards", form={
        "which": "missing", "csrf_token": page.locator("input[name=csrf_token]").first.get_attribute("value") or ""})
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
    page.reload()
    expect(page.locator("body")).to_contain_text("已发放")
    context.close()
