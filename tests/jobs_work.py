"""Test helpers for background jobs: work the next job here and now, and read a panel's words."""

import re

from flask import Flask

from app import jobs
from app.extensions import db


def work_one(app: Flask) -> None:
    """What `flask jobs worker` does with the next queued job, here and now (no thread, no waiting)."""
    db.session.commit()  # the test's own transaction ends first, as a request's does
    huey = jobs.queue_of(app).huey
    task = huey.dequeue()
    assert task is not None, "no job was sent"
    huey.execute(task)
    db.session.expire_all()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
