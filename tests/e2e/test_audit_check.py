"""A supervisor presses 运行审计核验 and watches the job's panel (htmx, under the CSP) go from queued to done."""

from flask import Flask
from playwright.sync_api import Page, expect

from app import jobs
from tests.e2e.conftest import shot, sign_in


def test_the_audit_check_runs_as_a_job_and_its_panel_follows_it(page: Page, base_url: str, live_app: Flask) -> None:
    sign_in(page, base_url, "sup1")
    page.goto(f"{base_url}/supervise/audit")
    page.click("button:has-text('运行审计核验')")
    panel = page.locator(".job-panel")
    expect(panel).to_contain_text("排队中")

    huey = jobs.queue_of(live_app).huey
    huey.execute(huey.dequeue())  # the worker's part, here: the page's own polling shows the outcome

    expect(panel).to_contain_text("已完成")
    expect(panel).to_contain_text("每条记录核验通过：哈希链完整")
    expect(panel.locator(".alert-success")).to_have_count(1)
    assert panel.get_attribute("hx-trigger") is None  # done: the polling stopped
    shot(page, "audit-check-done")
