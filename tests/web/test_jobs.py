"""Background jobs: sent after their commit, progress on the page while running, failures shown and run again,
states that refuse an illegal move, and nobody reading another's job."""

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import jobs
from app.config import defaults
from app.errors import DomainError
from app.extensions import db
from app.jobs.queue import FAILED_UNEXPECTEDLY, INTERRUPTED, make_huey
from tests.conftest import login
from tests.factories import World, make_user
from tests.jobs_work import text_of, work_one

PAGE = "/supervise/audit"
SEEN_WHILE_RUNNING: list[str] = []  # the panel as the requester saw it from inside a running task
PEEK: dict[str, Any] = {}  # the requester's browser ("client") and the job's panel ("path")


@pytest.fixture()
def huey(ctx: Flask) -> Flask:
    jobs.queue_of(ctx).huey.flush()  # nothing left over from another test
    return ctx


def two_steps_then_peek(progress: jobs.Progress, name: str) -> jobs.JobResult:
    progress(2, 5, "正在处理第二步")
    SEEN_WHILE_RUNNING.append(PEEK["client"].get(PEEK["path"]).get_data(as_text=True))
    return jobs.JobResult(f"已处理 {name}", ("甲", "乙"), download="/supervise/audit")


def refuses(progress: jobs.Progress) -> jobs.JobResult:
    progress(1, 3, "第一步")
    raise DomainError("材料缺失：西关村未上传收入台账。")


def counts(progress: jobs.Progress) -> jobs.JobResult:
    RUNS.append(1)
    return jobs.JobResult("已运行")


RUNS: list[int] = []


def stopped(progress: jobs.Progress) -> jobs.JobResult:
    progress(1, 2, "第一步")
    raise KeyboardInterrupt  # what the worker's thread sees when the worker is stopped at once


def breaks(progress: jobs.Progress) -> jobs.JobResult:
    raise RuntimeError("secret internals at line 42")


def test_a_job_shows_queued_then_running_with_its_progress_then_done(
        app: Flask, huey: Flask, world: World, client: FlaskClient) -> None:
    login(client, "sup")
    job_id = jobs.enqueue("demo", two_steps_then_peek, world.users["supervisor"], page=PAGE, name="西关村")
    db.session.commit()
    PEEK.update(client=client, path=f"/supervise/jobs/{job_id}")
    queued = client.get(f"/supervise/jobs/{job_id}").get_data(as_text=True)
    assert text_of(queued) == "排队中"
    assert f'hx-get="/supervise/jobs/{job_id}" hx-trigger="every 1s" hx-swap="outerHTML"' in queued

    SEEN_WHILE_RUNNING.clear()
    work_one(app)

    running = SEEN_WHILE_RUNNING[0]
    assert text_of(running) == "进行中 2/5 正在处理第二步"
    assert 'aria-valuenow="2"' in running and 'style="width: 40%"' in running
    assert 'hx-trigger="every 1s"' in running
    done = client.get(f"/supervise/jobs/{job_id}").get_data(as_text=True)
    assert re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "T", text_of(done)) == "已完成 T 已处理 西关村 甲 乙 下载"
    assert 'href="/supervise/audit"' in done and "hx-trigger" not in done
    job = db.session.get(jobs.Job, job_id)
    assert (job.state, job.steps_done, job.steps_total, job.error) == (jobs.JobState.DONE, 2, 5, None)
    assert job.outcome == jobs.JobResult("已处理 西关村", ("甲", "乙"), download="/supervise/audit")


def test_a_task_that_raises_ends_failed_with_its_chinese_message_and_runs_again(
        app: Flask, huey: Flask, world: World, client: FlaskClient) -> None:
    token = login(client, "sup")
    job_id = jobs.enqueue("demo", refuses, world.users["supervisor"], page=PAGE)
    db.session.commit()
    work_one(app)

    html = client.get(f"/supervise/jobs/{job_id}").get_data(as_text=True)
    shown = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "T", text_of(html))
    assert shown == "失败 T 材料缺失：西关村未上传收入台账。 重新运行"
    assert "hx-trigger" not in html
    job = db.session.get(jobs.Job, job_id)
    assert (job.state, job.steps_done, job.steps_total, job.message) == (jobs.JobState.FAILED, 1, 3, "第一步")

    response = client.post(f"/supervise/jobs/{job_id}/rerun", data={"csrf_token": token})
    assert (response.status_code, response.headers["Location"]) == (302, PAGE)
    again = jobs.latest("demo", world.users["supervisor"])
    assert again is not None and again.id == job_id + 1 and again.state is jobs.JobState.QUEUED
    assert db.session.get(jobs.Job, job_id).state is jobs.JobState.FAILED  # the failure stays on record
    swapped = client.post(f"/supervise/jobs/{job_id}/rerun", data={"csrf_token": token},
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'id="job-{job_id + 2}"' in swapped and text_of(swapped) == "排队中"


def test_an_unexpected_error_shows_a_general_sentence_and_never_the_traceback(
        app: Flask, huey: Flask, world: World, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    login(client, "sup")
    job_id = jobs.enqueue("demo", breaks, world.users["supervisor"])
    db.session.commit()
    work_one(app)

    html = client.get(f"/supervise/jobs/{job_id}").get_data(as_text=True)
    assert FAILED_UNEXPECTEDLY in html
    assert "secret internals" not in html and "RuntimeError" not in html
    assert "secret internals at line 42" in caplog.text  # the traceback went to the log


def test_a_job_cut_short_by_stopping_the_worker_ends_failed(
        app: Flask, huey: Flask, world: World, client: FlaskClient) -> None:
    login(client, "sup")
    job_id = jobs.enqueue("demo", stopped, world.users["supervisor"])
    db.session.commit()
    work_one(app)

    job = db.session.get(jobs.Job, job_id)
    assert (job.state, job.steps_done, job.error) == (jobs.JobState.FAILED, 1, INTERRUPTED)  # type: ignore[union-attr]
    assert INTERRUPTED in client.get(f"/supervise/jobs/{job_id}").get_data(as_text=True)


def test_the_states_refuse_an_illegal_move(huey: Flask, world: World) -> None:
    assert jobs.JobState.QUEUED.next_states == {jobs.JobState.RUNNING}
    assert jobs.JobState.RUNNING.next_states == {jobs.JobState.DONE, jobs.JobState.FAILED}
    job = jobs.Job(kind="demo", task="x:y", args="{}", requested_by_id=world.users["supervisor"].id,
                   state=jobs.JobState.QUEUED)
    with pytest.raises(jobs.IllegalTransition) as refused:
        job.move_to(jobs.JobState.DONE)
    assert refused.value.message == "任务状态不能从“排队中”变为“已完成”。"
    job.move_to(jobs.JobState.RUNNING)
    job.move_to(jobs.JobState.FAILED)
    with pytest.raises(jobs.IllegalTransition) as again:
        job.move_to(jobs.JobState.RUNNING)
    assert again.value.message == "任务状态不能从“失败”变为“进行中”。"
    with pytest.raises(jobs.IllegalTransition):
        jobs.rerun(jobs.Job(state=jobs.JobState.DONE), world.users["supervisor"])


def test_a_job_is_sent_to_the_worker_only_when_its_row_is_committed(huey: Flask, world: World) -> None:
    queue = jobs.queue_of(huey).huey
    jobs.enqueue("demo", refuses, world.users["supervisor"])
    assert queue.pending_count() == 0
    db.session.rollback()  # the row was never stored: nothing is sent
    db.session.commit()
    assert queue.pending_count() == 0
    make_user("sup9", "supervisor")
    db.session.flush()
    jobs.enqueue("demo", refuses, world.users["supervisor"])
    db.session.commit()
    assert queue.pending_count() == 1


def test_a_job_delivered_twice_runs_once(huey: Flask, world: World) -> None:
    RUNS.clear()
    job_id = jobs.enqueue("demo", counts, world.users["supervisor"])
    db.session.commit()
    queue = jobs.queue_of(huey).huey
    task = queue.dequeue()
    queue.execute(task)
    queue.execute(task)
    db.session.expire_all()
    assert RUNS == [1] and db.session.get(jobs.Job, job_id).state is jobs.JobState.DONE  # type: ignore[union-attr]


def test_a_task_must_be_a_module_level_function(huey: Flask, world: World) -> None:
    def nested(progress: jobs.Progress) -> jobs.JobResult:
        return jobs.JobResult("")

    with pytest.raises(ValueError, match="module-level function"):
        jobs.enqueue("demo", nested, world.users["supervisor"])


def test_nobody_else_reads_a_job_unless_it_is_shared_with_the_page_they_may_open(
        app: Flask, huey: Flask, world: World) -> None:
    other = make_user("sup2", "supervisor")
    db.session.flush()
    own = jobs.enqueue("demo", refuses, world.users["supervisor"], page=PAGE)
    shared = jobs.enqueue("demo", refuses, world.users["supervisor"], page=PAGE, shared=True)
    db.session.commit()
    client = app.test_client()
    login(client, "sup2")
    assert client.get(f"/supervise/jobs/{own}").status_code == 404
    assert client.post(f"/supervise/jobs/{own}/rerun").status_code in (400, 404)  # no token, or not found
    assert client.get(f"/supervise/jobs/{shared}").status_code == 200
    assert jobs.latest("demo", other).id == shared  # type: ignore[union-attr]
    organizer = app.test_client()
    login(organizer, "city")
    assert organizer.get(f"/supervise/jobs/{shared}").status_code == 403  # not a supervisor's page
    assert organizer.get(f"/organize/jobs/{shared}").status_code == 404  # the supervisors' page is not theirs
    assert jobs.latest("demo", world.users["city_organizer"]) is None


def test_the_storage_follows_the_setting(tmp_path: Path) -> None:
    embedded = make_huey(f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    assert (type(embedded).__name__, embedded.storage.filename) == ("SqliteHuey", str(tmp_path / "jobs.sqlite3"))
    assert type(make_huey("redis://127.0.0.1:6379/2")).__name__ == "RedisHuey"  # connects only when used
    assert type(make_huey("memory://")).__name__ == "MemoryHuey"
    with pytest.raises(ValueError, match="JOBS_STORAGE_URI must be"):
        make_huey("amqp://elsewhere")
    assert defaults("/srv/dabiwu/instance")["JOBS_STORAGE_URI"] == "sqlite:////srv/dabiwu/instance/jobs.sqlite3"
