"""Asking for a job, asking again after a failure, and which jobs a user may see."""

import json
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.jobs.models import ARGS_LENGTH, IllegalTransition, Job, JobState
from app.jobs.queue import PENDING, task_path
from app.security import declaration_of
from app.timeutil import utcnow

RECENT = 20  # the latest jobs of a kind looked at for one the user may see


def enqueue(kind: str, task: Callable[..., Any], requested_by: Any, *, page: str | None = None,
            shared: bool = False, **args: Any) -> int:
    """Record a job (queued) in the caller's transaction; it is sent to the worker when that transaction commits.

    `task` is a module-level function `task(progress, **args) -> JobResult`; `args` are JSON values.
    `page` is the path of the page that shows the job (where 重新运行 returns to); with `shared`, whoever may
    open that page (its @access declaration) sees the job too, else only `requested_by` does."""
    encoded = json.dumps(args, ensure_ascii=False, sort_keys=True)
    if len(encoded) > ARGS_LENGTH:
        raise ValueError(f"job arguments of {len(encoded)} characters exceed {ARGS_LENGTH}: pass ids, not data")
    return _add(Job(kind=kind, task=task_path(task), args=encoded, requested_by_id=requested_by.id, page=page,
                    shared=shared))


def rerun(job: Job, requested_by: Any) -> int:
    """The same task and arguments as a failed job, as a new job (the failed one stays as it was)."""
    if job.state is not JobState.FAILED:
        raise IllegalTransition("只有失败的任务可以重新运行。")
    return _add(Job(kind=job.kind, task=job.task, args=job.args, requested_by_id=requested_by.id, page=job.page,
                    shared=job.shared))


def _add(job: Job) -> int:
    job.state, job.created_at = JobState.QUEUED, utcnow()
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(PENDING, []).append(job.id)
    return job.id


def may_see(job: Job, user: Any) -> bool:
    """The one who asked; for a shared job also whoever the asking page's access declaration lets in."""
    if job.requested_by_id == user.id:
        return True
    if not job.shared or not job.page:
        return False
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(job.page, method="GET")
    except HTTPException:
        return False
    declaration = declaration_of(str(endpoint))
    return declaration is not None and declaration.allows(user)


def visible(job_id: int, user: Any) -> Job | None:
    """The job, when the user may see it (None otherwise: another's job is as absent as a missing one)."""
    job = db.session.get(Job, job_id)
    return job if job is not None and may_see(job, user) else None


def latest(kind: str, user: Any) -> Job | None:
    """The user's newest job of this kind, or a newer shared one the user may see."""
    jobs = db.session.execute(
        select(Job).where(Job.kind == kind, or_(Job.requested_by_id == user.id, Job.shared))
        .order_by(Job.id.desc()).limit(RECENT)).scalars()
    return next((job for job in jobs if may_see(job, user)), None)
