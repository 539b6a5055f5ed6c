"""`flask jobs worker`: the Huey consumer, running each job inside the app."""

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs.queue import queue_of

jobs_cli = AppGroup("jobs", help="后台任务 / background jobs")


@jobs_cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="Threads working jobs at once.")
def worker(workers: int) -> None:
    """Work queued jobs until stopped: SIGTERM lets the job at hand finish, Ctrl-C (SIGINT) stops at once."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    queue = queue_of(current_app)
    click.echo(f"后台任务进程已启动（{current_app.config['JOBS_STORAGE_URI'].split('://')[0]}）")
    # Idle, it looks for work every second at most (Huey's default backs off to 10 s): a job asked for on a page
    # starts while the user watches.
    queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=False, max_delay=1.0,
                               graceful_signal="TERM").run()
