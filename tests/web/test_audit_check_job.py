"""The supervisors' audit check as a job: 运行审计核验 queues it, the page shows it queued, then its result or
its failure, and verify reports its progress table by table without changing what it returns."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app import jobs
from app.audit import integrity
from app.extensions import db
from app.jobs.queue import FAILED_UNEXPECTEDLY
from tests.conftest import login
from tests.factories import World, make_user
from tests.jobs_work import text_of, work_one

STEPS = ["核对审计日志哈希链", "核对评分表版本", "核对加减分记录", "核对否决记录", "核对缺席登记", "核对成绩版本",
         "核对纸质录入", "核对纸质核对", "核对参赛材料", "核对比武", "核对轮次", "核对评分指标", "核对加减分事项",
         "核对奖项", "核对参赛人", "核对完毕"]


@pytest.fixture()
def huey(ctx: Flask) -> Flask:
    jobs.queue_of(ctx).huey.flush()
    return ctx


def panel_text(html: str) -> str:
    """The job panel's words, times and the chain's head hash replaced (they change with every run)."""
    assert 'class="card page-card mb-3 job-panel"' in html, "the page shows no job panel"
    panel = html.split('class="card page-card mb-3 job-panel"', 1)[1].split("按时间倒序", 1)[0]
    words = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "T", text_of('<div ' + panel))
    return re.sub(r"[0-9a-f]{64}", "H", words)


def test_the_supervisor_runs_the_check_and_sees_it_queued_then_passed(
        app: Flask, huey: Flask, client: FlaskClient) -> None:
    supervisor = make_user("sup", "supervisor")
    db.session.commit()
    token = login(client, "sup")
    assert "job-panel" not in client.get("/supervise/audit").get_data(as_text=True)

    response = client.post("/supervise/audit/check", data={"csrf_token": token})
    assert (response.status_code, response.headers["Location"]) == (302, "/supervise/audit")
    client.post("/supervise/audit/check", data={"csrf_token": token})  # pressed twice: still one check
    assert jobs.queue_of(app).huey.pending_count() == 1
    html = client.get("/supervise/audit").get_data(as_text=True)
    assert "运行审计核验" in html and panel_text(html) == "排队中"
    assert re.search(r'hx-get="/supervise/jobs/\d+" hx-trigger="every 1s"', html)

    work_one(app)

    html = client.get("/supervise/audit").get_data(as_text=True)
    assert panel_text(html) == ("已完成 T 每条记录核验通过：哈希链完整（已核对 1 条事件），"
                                "数据与审计记录一致（已核对 0 行）。"
                                "链尾哈希 H（请另行记下，日后比对可发现整段重算的哈希链）。")
    job = jobs.latest("audit_check", supervisor)
    assert job is not None
    assert (job.state, job.steps_done, job.steps_total, job.message) == (jobs.JobState.DONE, 15, 15, "核对完毕")


def test_the_check_lists_the_problems_it_finds(app: Flask, huey: Flask, world: World, client: FlaskClient) -> None:
    token = login(client, "sup")
    client.post("/supervise/audit/check", data={"csrf_token": token})
    work_one(app)
    html = client.get("/supervise/audit").get_data(as_text=True)
    assert panel_text(html) == (
        "已完成 T 核验发现问题，请立即报告纪检监察组。 数据与审计记录不符（共 9 处），"
        f"第一处：比武——表 contest id={world.contest.id} 字段 （审计事件）：现存 本行，审计记录 无对应的审计事件")


def test_a_check_that_fails_is_shown_failed_and_can_run_again(
        app: Flask, huey: Flask, world: World, client: FlaskClient) -> None:
    token = login(client, "sup")
    client.post("/supervise/audit/check", data={"csrf_token": token})
    db.session.execute(text("ALTER TABLE award_band RENAME TO award_band_away"))
    db.session.commit()
    try:
        work_one(app)
    finally:
        db.session.execute(text("ALTER TABLE award_band_away RENAME TO award_band"))
        db.session.commit()
    html = client.get("/supervise/audit").get_data(as_text=True)
    assert panel_text(html) == f"失败 T {FAILED_UNEXPECTEDLY} 重新运行"


def test_verify_reports_each_step_and_returns_the_same_report(huey: Flask, world: World) -> None:
    heard: list[tuple[int, int, str]] = []
    with_progress = integrity.verify(lambda done, total, message="": heard.append((done, total, message)))
    assert heard == [(done, 15, step) for done, step in enumerate(STEPS[:-1])] + [(15, 15, "核对完毕")]
    assert with_progress == integrity.verify()
