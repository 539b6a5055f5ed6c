"""Median server time of the public 公示 pages of a published version, with the login page as the baseline.

Run against a copy of a database that has a published version (the demo's plan round), never the live one:
    mkdir -p /tmp/pkg && cp instance/*.sqlite3 /tmp/pkg/
    DATABASE_URL=sqlite:////tmp/pkg/dabiwu.sqlite3 .venv/bin/python bench/public_notice.py [--runs 25]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app.extensions import db  # noqa: E402
from app.notices.models import Notice  # noqa: E402
from bench.clientkit import app_and_runs, timed  # noqa: E402


def main() -> None:
    app, runs = app_and_runs(25)
    with app.app_context():
        notice_id = db.session.execute(select(Notice.id).order_by(Notice.id.desc())).scalars().first()
        db.session.remove()
    if notice_id is None:
        sys.exit("no published version: publish one first (the demo's `publish_demo_plan_round`)")
    client = app.test_client()
    for name, path in (("login", "/login"), ("notice", f"/public/notices/{notice_id}"),
                       ("notice_search", f"/public/notices/{notice_id}?q=V01"),
                       ("package_json", f"/public/notices/{notice_id}/package.json")):
        print(f"{name}: {timed(client, path, runs)}")


if __name__ == "__main__":
    main()
