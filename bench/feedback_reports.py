"""Median server time of a secretary's feedback page and the score-matrix export, with the login page as baseline.

Run against a copy of a database that has a published version (the demo's plan round), never the live one:
    mkdir -p /tmp/fbcache && cp instance/*.sqlite3 /tmp/fbcache/
    DATABASE_URL=sqlite:////tmp/fbcache/dabiwu.sqlite3 .venv/bin/python bench/feedback_reports.py [--runs 15]
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.accounts.models import User  # noqa: E402
from app.entries.models import Entry, EntryHolder  # noqa: E402
from app.extensions import db  # noqa: E402
from app.publication.models import Publication  # noqa: E402
from bench.clientkit import app_and_runs, timed  # noqa: E402

SECRETARY = "s140302100200"
ORGANIZER = "admin"
PASSWORD = "Demo@2022"  # noqa: S105  (README.md: every demo account has it)


def signed_in(client: FlaskClient, username: str) -> FlaskClient:
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token is not None
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token[1]})
    assert response.status_code == 302, username
    return client


def main() -> None:
    app, runs = app_and_runs(15)
    with app.app_context():
        entry_id = db.session.execute(
            select(Entry.id).join(EntryHolder).join(User, User.id == EntryHolder.user_id)
            .where(User.username == SECRETARY, EntryHolder.ended_on.is_(None))).scalars().first()
        version = db.session.execute(select(Publication).order_by(Publication.id.desc())).scalars().first()
        if version is None:
            sys.exit("no published version: publish one first (the demo's `publish_demo_plan_round`)")
        matrix = f"/organize/reports/{version.contest_id}/{version.scope}/v{version.number}/score-matrix.xlsx"
        db.session.remove()
    secretary = signed_in(app.test_client(), SECRETARY)
    organizer = signed_in(app.test_client(), ORGANIZER)
    for name, client, path in (("login", app.test_client(), "/login"),
                               ("feedback", secretary, f"/me/feedback/{entry_id}"),
                               ("score_matrix", organizer, matrix)):
        print(f"{name}: {timed(client, path, runs)}")


if __name__ == "__main__":
    main()
