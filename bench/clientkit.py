"""What the test-client benchmarks share: an app on the copied database named by DATABASE_URL, and timings."""

import argparse
import os
import statistics
import sys
import time

from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import normalise_database_url


def app_and_runs(default_runs: int) -> tuple[Flask, int]:
    """The app on $DATABASE_URL (a copy, never the live database) without rate limits, and --runs."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=default_runs)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("set DATABASE_URL to a copy of a database with a published version")
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                      "RATELIMIT_ENABLED": False})
    return app, args.runs


def timed(client: FlaskClient, path: str, runs: int) -> str:
    """The first request, then the medians of wall and CPU time of the `runs` after it, in milliseconds: CPU time
    moves less than wall time when other work shares the cores."""
    wall, cpu = [], []
    for _ in range(runs + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return (f"first {wall[0]:.1f} ms, median {statistics.median(wall[1:]):.1f} ms "
            f"(CPU {statistics.median(cpu[1:]):.1f} ms) over {runs}")
