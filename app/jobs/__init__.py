"""Background jobs (Huey): anything that may take more than a second or two runs in `flask jobs worker`.

Storage comes from JOBS_STORAGE_URI: a SQLite file in the instance folder by default (instance/jobs.sqlite3),
redis://… in production, memory:// in tests. Each job also has a row in our database (app/jobs/models.py),
which is what pages show: its state (queued → running → done | failed), progress, result or error.

The API for a capability (all of it):

    from app import jobs

    def render_notice_pdf(progress: jobs.Progress, notice_id: int) -> jobs.JobResult:
        # A module-level function; it runs in the worker inside an app context with its own db.session,
        # committed when it returns and rolled back if it raises.
        for done, page in enumerate(pages, 1):
            ...
            progress(done, len(pages), "正在生成第 %d 页" % done)
        return jobs.JobResult("已生成公示文件", download=url_for(...))

    job_id = jobs.enqueue("notice_pdf", render_notice_pdf, current_user, page=request.path, notice_id=7)
    db.session.commit()  # the job is sent to the worker only when the row is committed

    job = jobs.latest("notice_pdf", current_user)   # for the page: the user's newest (or a shared one)
    {% with job=job, area="organize" %}{% include "jobs/panel.html" %}{% endwith %}   # in the template

- A task returns a JobResult (a sentence, up to 50 lines, ok or not, a download link). What it raises ends the
  job as failed: a DomainError's Chinese message is shown as is, anything else as a general sentence, and the
  traceback goes to the log. The panel then offers 重新运行 (a new job with the same arguments).
- `args` are JSON values (ids, not rows). `shared=True` lets whoever may open `page` see the job too (its
  @access declaration); leave it False when the result depends on the requester's county.
- Progress is written on a connection of its own, so a page sees it at once. On SQLite a task that writes
  should commit its work in short transactions and call progress between them (an open write transaction
  would hold the lock the progress write waits for); a task that only reads calls
  `db_setup.reads_only_from_now()` first so it holds no write lock at all.
- The panel polls /<area>/jobs/<id> every second while the job is queued or running (areas: jobs/views.py).
"""

from flask import Flask

from app.jobs.models import IllegalTransition, Job, JobResult, JobState
from app.jobs.queue import Progress, init_queue, queue_of
from app.jobs.services import enqueue, latest, may_see, rerun, visible

__all__ = ["IllegalTransition", "Job", "JobResult", "JobState", "Progress", "enqueue", "init_app", "latest",
           "may_see", "queue_of", "rerun", "visible"]


def init_app(app: Flask) -> None:
    """The queue (its status pages and `flask jobs worker` plug in as a capability: app/jobs/capability.py)."""
    init_queue(app)
