"""Median server time of the public 公示 pages of a published version, with the login page as the baseline.

Run against a copy of a database that has a published version (the demo's plan round), never the live one:
    mkdir -p /tmp/pkg && cp instance/*.sqlite3 /tmp/pkg/
    DATABASE_URL=sqlite:////tmp/pkg/dabiwu.sqlite3 .venv/bin/python bench/public_notice.py [--runs 25]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.notices.models import Notice  # noqa: E402


def timed_ms(client: FlaskClient, path: str, runs: int) -> tuple[float, float]:
    """(first request, median of the `runs` after it), in milliseconds."""
    samples = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples[0], statistics.median(samples[1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("set DATABASE_URL to a copy of a database with a published version")
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        notice_id = db.session.execute(select(Notice.id).order_by(Notice.id.desc())).scalars().first()
        db.session.remove()
    if notice_id is None:
        sys.exit("no published version: publish one first (the demo's `publish_demo_plan_round`)")
    client = app.test_client()
    for name, path in (("login", "/login"), ("notice", f"/public/notices/{notice_id}"),
                       ("notice_search", f"/public/notices/{notice_id}?q=V01"),
                       ("package_json", f"/public/notices/{notice_id}/package.json")):
        first, median = timed_ms(client, path, args.runs)
        print(f"{name}: first {first:.1f} ms, median {median:.1f} ms over {args.runs}")


if __name__ == "__main__":
    main()
