"""The 公示 PDF rendered after the commit, as one shared job: stored in the documents folder under a name that
changes with what it prints, served from there without rendering, rendered again when its contact or state changes;
rendered in the request (and stored) when no worker has run."""

import json
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.jobs.queue import FAILED_UNEXPECTEDLY
from app.notices.models import Notice
from app.public import support as public_support
from app.public.documents import KIND
from app.results import services as results
from tests.conftest import login
from tests.factories import World
from tests.jobs_work import work_one
from tests.web.test_notices import correct_v002, end_period, finalize, publish
from tests.web.test_results import scored, sign

__all__ = ["scored"]  # fixtures


@pytest.fixture()
def renders(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Each rendering's context; the PDF is "%PDF-fake-<n>" (WeasyPrint's seconds are not what is tested)."""
    seen: list[dict[str, object]] = []

    def fake(template: str, **context: object) -> bytes:
        seen.append(context)
        return f"%PDF-fake-{len(seen)}".encode()

    jobs.queue_of(app).huey.flush()  # nothing left over from another test
    public_support.pdf_cache.clear()
    monkeypatch.setattr("app.public.documents.render_pdf", fake)
    return seen


@pytest.fixture()
def first(client: FlaskClient, scored: World, renders: list[dict[str, object]]) -> Notice:
    return publish(client.application.test_client(), scored)


def documents_jobs() -> list[tuple[str, dict[str, object], str | None, bool]]:
    return [(job.state.value, json.loads(job.args), job.page, job.shared) for job in db.session.execute(
        select(jobs.Job).where(jobs.Job.kind == KIND).order_by(jobs.Job.id)).scalars()]


def stored(app: Flask) -> dict[str, bytes]:
    folder = Path(app.config["DOCUMENTS_FOLDER"])
    return {path.name.split("-")[1]: path.read_bytes() for path in sorted(folder.iterdir())} if folder.exists() else {}


def no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(template: str, **context: object) -> bytes:
        raise AssertionError("rendered in the request")

    public_support.pdf_cache.clear()  # from the store, not from this process's memory
    monkeypatch.setattr("app.public.documents.render_pdf", refuse)


def test_publishing_queues_one_shared_documents_job_after_its_commit(app: Flask, first: Notice) -> None:
    assert documents_jobs() == [("queued", {"notice_ids": [first.id], "root": "http://localhost/"},
                                 f"/organize/notices/{first.id}", True)]
    assert jobs.queue_of(app).huey.pending_count() == 1


def test_a_refused_publication_queues_nothing(
    app: Flask, client: FlaskClient, scored: World, renders: list[dict[str, object]]
) -> None:
    organizer = client.application.test_client()
    token = login(organizer, "city")  # nobody signed it off
    response = organizer.post(f"/organize/results/{scored.contest.id}/round:plan/publish",
                              data={"package_hash": "0" * 64, "csrf_token": token})
    assert response.status_code == 400
    assert db.session.execute(select(Notice)).first() is None
    assert documents_jobs() == [] and jobs.queue_of(app).huey.pending_count() == 0


def test_the_job_stores_the_pdf_and_the_download_serves_it_without_rendering(
    app: Flask, client: FlaskClient, first: Notice, renders: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    work_one(app)
    job = db.session.execute(select(jobs.Job).where(jobs.Job.kind == KIND)).scalar_one()
    assert (job.state, job.outcome, job.steps_done, job.steps_total) == (
        jobs.JobState.DONE, jobs.JobResult("已生成 1 份公示文件（共 1 份）"), 1, 1)
    assert stored(app) == {str(first.id): b"%PDF-fake-1"}
    assert (renders[0]["url"], renders[0]["object_url"], renders[0]["state"]) == (
        f"http://localhost/public/notices/{first.id}", f"http://localhost/public/notices/{first.id}/object", "open")
    assert str(renders[0]["qr"]).startswith("<svg")

    no_rendering(monkeypatch)
    response = client.get(f"/public/notices/{first.id}/notice.pdf")
    assert (response.status_code, response.data, response.mimetype) == (200, b"%PDF-fake-1", "application/pdf")


def test_without_a_worker_the_download_renders_and_stores_the_same_file(
    app: Flask, client: FlaskClient, first: Notice, renders: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get(f"/public/notices/{first.id}/notice.pdf").data == b"%PDF-fake-1"
    assert stored(app) == {str(first.id): b"%PDF-fake-1"}
    work_one(app)  # the worker comes later: the file is there, nothing is rendered again
    job = db.session.execute(select(jobs.Job)).scalar_one()
    assert len(renders) == 1 and job.outcome == jobs.JobResult("已生成 0 份公示文件（共 1 份）")
    no_rendering(monkeypatch)
    assert client.get(f"/public/notices/{first.id}/notice.pdf").data == b"%PDF-fake-1"


def test_a_contact_change_and_finalizing_render_it_again(
    app: Flask, client: FlaskClient, first: Notice, renders: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    work_one(app)
    organizer = client.application.test_client()
    token = login(organizer, "city")
    organizer.post(f"/organize/notices/{first.id}/contact", data={"contact": "联系电话：0353-7654321",
                                                                  "csrf_token": token})
    assert documents_jobs()[1:] == [("queued", {"notice_ids": [first.id], "root": "http://localhost/"},
                                     f"/organize/notices/{first.id}", True)]
    work_one(app)
    assert renders[1]["contact_lines"] == ["联系电话：0353-7654321"] and len(stored(app)) == 1
    end_period(first)
    assert finalize(organizer, first, token)[0] == 302
    work_one(app)
    assert (renders[2]["state"], renders[2]["qr"]) == ("finalized", None)
    no_rendering(monkeypatch)
    assert client.get(f"/public/notices/{first.id}/notice.pdf").data == b"%PDF-fake-3"
    assert [state for state, *_ in documents_jobs()] == ["done", "done", "done"]


def test_a_new_version_renders_its_notice_then_the_superseded_one(
    app: Flask, client: FlaskClient, scored: World, first: Notice, renders: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    work_one(app)
    correct_v002(scored, ("19",))
    second = publish(client.application.test_client(), scored)
    assert documents_jobs()[1][1] == {"notice_ids": [second.id, first.id], "root": "http://localhost/"}
    work_one(app)
    assert [(r["state"], r["latest_number"]) for r in renders] == [("open", None), ("open", None),
                                                                    ("superseded", 2)]
    no_rendering(monkeypatch)
    assert client.get(f"/public/notices/{first.id}/notice.pdf").data == b"%PDF-fake-3"
    assert client.get(f"/public/notices/{second.id}/notice.pdf").data == b"%PDF-fake-2"


def test_a_failed_rendering_is_a_failed_job_and_stores_nothing(
    app: Flask, first: Notice, monkeypatch: pytest.MonkeyPatch
) -> None:
    def breaks(template: str, **context: object) -> bytes:
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr("app.public.documents.render_pdf", breaks)
    work_one(app)
    job = db.session.execute(select(jobs.Job).where(jobs.Job.kind == KIND)).scalar_one()
    assert (job.state, job.error) == (jobs.JobState.FAILED, FAILED_UNEXPECTEDLY)
    assert stored(app) == {}


@pytest.mark.parametrize(("base", "queued"), [
    (None, False),  # the links' address is unknown: the first download renders
    ("https://dbw.example.cn/", True),
])
def test_a_command_queues_it_only_when_the_public_address_is_set(
    app: Flask, client: FlaskClient, scored: World, renders: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch, base: str | None, queued: bool
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    digest = sign(client, scored)
    results.publish(scored.users["city_organizer"], scored.contest.id, "round:plan", digest)  # no request
    notice_id = db.session.execute(select(Notice.id)).scalar_one()
    assert [args for _, args, *_ in documents_jobs()] == (
        [{"notice_ids": [notice_id], "root": "http://localhost/"}] if queued else [])
    if queued:
        work_one(app)
        assert renders[0]["url"] == f"https://dbw.example.cn/public/notices/{notice_id}"
        no_rendering(monkeypatch)
        assert client.get(f"/public/notices/{notice_id}/notice.pdf").data == b"%PDF-fake-1"


def test_the_worker_renders_the_real_pdf_with_the_links_of_a_request(app: Flask, client: FlaskClient,
                                                                       scored: World) -> None:
    jobs.queue_of(app).huey.flush()
    notice = publish(client.application.test_client(), scored)
    work_one(app)
    data = stored(app)[str(notice.id)]
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    assert f"http://localhost/public/notices/{notice.id}/object" in text.decode()
    public_support.pdf_cache.clear()
    assert client.get(f"/public/notices/{notice.id}/notice.pdf").data == data
