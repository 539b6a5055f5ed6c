"""Huey from the app's settings, jobs sent after their commit, and the worker's run of one job."""

import importlib
import json
from collections.abc import Callable
from typing import Any, Protocol

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from app.errors import DomainError
from app.extensions import db
from app.jobs.models import ERROR_LENGTH, MESSAGE_LENGTH, Job, JobResult, JobState
from app.timeutil import utcnow

PENDING = "jobs_to_send"  # session.info key: ids of jobs enqueued in the open transaction
FAILED_UNEXPECTEDLY = "任务运行出错，已记入系统日志。请重新运行；如仍失败，请联系管理员。"
INTERRUPTED = "后台任务进程被停止，任务未完成。请重新运行。"


class Progress(Protocol):
    """What a task calls to say how far it is: done of total steps, and the step in a few Chinese words."""

    def __call__(self, done: int, total: int, message: str = "") -> None: ...


def make_huey(uri: str) -> Huey:
    """sqlite:///path (the embedded default), redis:// or rediss:// or unix:// (production), memory:// (tests)."""
    if uri.startswith("sqlite:///"):
        return SqliteHuey("dabiwu", filename=uri.removeprefix("sqlite:///"), results=False)
    if uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("dabiwu", url=uri, results=False)
    if uri == "memory://":
        return MemoryHuey("dabiwu", results=False)
    raise ValueError(f"JOBS_STORAGE_URI must be sqlite:///…, redis://… or memory://, not {uri!r}")


class Queue:
    """The app's Huey, made on first use (a SQLite file is created only when a job is sent or worked)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._huey: Huey | None = None
        self._run: Any = None

    @property
    def huey(self) -> Huey:
        if self._huey is None:
            self._huey = make_huey(self.app.config["JOBS_STORAGE_URI"])
            app = self.app

            def run_job(job_id: int) -> None:
                run(app, job_id)

            def interrupted(_signal: str, task: Any, *_args: Any, **_kwargs: Any) -> None:
                with app.app_context():
                    _write(task.args[0], JobState.RUNNING, state=JobState.FAILED, error=INTERRUPTED,
                           finished_at=utcnow())

            self._run = self._huey.task(name="run_job")(run_job)
            # A worker stopped at once (Ctrl-C, a second signal) leaves no job "running" for ever.
            self._huey.signal(SIGNAL_INTERRUPTED)(interrupted)
        return self._huey

    def send(self, job_id: int) -> None:
        """Put the job on the queue for a worker (the job's row is committed by now)."""
        self.huey.enqueue(self._run.s(job_id))


def queue_of(app: Flask) -> Queue:
    return app.extensions["jobs"]  # type: ignore[no-any-return]


def init_queue(app: Flask) -> None:
    app.extensions["jobs"] = Queue(app)
    if not event.contains(Session, "after_commit", _send_committed):
        event.listen(Session, "after_commit", _send_committed)
        event.listen(Session, "after_soft_rollback", _forget_rolled_back)


def _send_committed(session: Session) -> None:
    """A worker may only see a job whose row is there: the request's commit sends what it enqueued."""
    ids = session.info.pop(PENDING, None)
    if ids and has_app_context():
        queue = queue_of(current_app)
        for job_id in ids:
            queue.send(job_id)


def _forget_rolled_back(session: Session, _previous: Any) -> None:
    if not session.in_transaction():  # the outermost transaction ended: its jobs were never stored
        session.info.pop(PENDING, None)


def task_path(task: Callable[..., Any]) -> str:
    """A module-level function as "module:name"; the worker imports it again by that name (as RQ does)."""
    path = f"{task.__module__}:{task.__qualname__}"
    try:
        found = resolve(path)
    except (ImportError, AttributeError):
        found = None
    if found is not task:
        raise ValueError(f"a job's task must be a module-level function, not {path}")
    return path


def resolve(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    found: Any = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    return found  # type: ignore[no-any-return]


def _write(job_id: int, state_now: JobState, **values: Any) -> bool:
    """Write the job's row on a connection of its own, committed at once, whatever the task's session holds;
    only while the job is in `state_now` (False when it is not: nothing written)."""
    statement = update(Job).where(Job.id == job_id, Job.state == state_now).values(**values)
    with db.engine.begin() as connection:
        return bool(connection.execute(statement).rowcount)


def _move(job_id: int, source: JobState, target: JobState, **values: Any) -> bool:
    source.check_move(target)
    if _write(job_id, source, state=target, **values):
        return True
    current_app.logger.error("job %s was not %s when it was to become %s", job_id, source, target)
    return False


def progress_of(job_id: int) -> Progress:
    def progress(done: int, total: int, message: str = "") -> None:
        _write(job_id, JobState.RUNNING, steps_done=done, steps_total=total, message=message[:MESSAGE_LENGTH] or None)
    return progress


def run(app: Flask, job_id: int) -> None:
    """Run one job in an app context of its own: running, then done with its result or failed with a message.

    The task's own session is committed when it returns and rolled back when it raises; the job's row is
    written beside it, so a failure is recorded whatever the task left behind."""
    with app.app_context():
        job = db.session.get(Job, job_id)
        if job is None:
            app.logger.error("job %s is not in the database", job_id)
            return
        kind, path, args = job.kind, job.task, json.loads(job.args)
        db.session.rollback()  # end the read before the task's own transaction starts
        if not _move(job_id, JobState.QUEUED, JobState.RUNNING, started_at=utcnow()):
            return  # delivered twice, or already worked: a job runs once
        try:
            outcome = resolve(path)(progress_of(job_id), **args)
            if not isinstance(outcome, JobResult):
                raise TypeError(f"task {path} returned {type(outcome).__name__}, not JobResult")
            result = outcome.to_json()
            db.session.commit()
        except Exception as error:  # noqa: BLE001  (whatever a task raises ends its job as failed, never lost)
            db.session.rollback()
            app.logger.exception("job %s (%s) failed", job_id, kind)
            message = error.message if isinstance(error, DomainError) else FAILED_UNEXPECTEDLY
            _move(job_id, JobState.RUNNING, JobState.FAILED, error=message[:ERROR_LENGTH], finished_at=utcnow())
        else:
            _move(job_id, JobState.RUNNING, JobState.DONE, result=result, finished_at=utcnow())
