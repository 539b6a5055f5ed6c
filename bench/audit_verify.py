"""`flask audit verify` on a whole synthetic year: the chain and every covered row against its events.

Run: .venv/bin/python bench/audit_verify.py [DATABASE_URL]
     (no URL: a throwaway SQLite file; a URL's database is emptied first and keeps the year afterwards, so give
     a database of your own)
The year is built as bench/results_year.py builds it: the demo, every round scored by 15 judges
(651 × 3 × 15 sheets, 146,475 marks, each version with its sheet_submitted event), the year published once.
Target (issue 11): the verify itself ≤ 10 s on SQLite and on PostgreSQL.
Last line: events=E rows=R seconds=S database=sqlite|postgresql
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.audit import integrity  # noqa: E402
from app.audit.models import AuditEvent  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.demo import scoring as demo_scoring  # noqa: E402
from app.demo import services as demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.judging.models import Mark  # noqa: E402
from app.results import services as results  # noqa: E402

FAST = "pbkdf2:sha256:1000"
RUNS = 3


def build_year() -> None:
    """The demo with all three rounds scored and the year signed off and published (as results_year.py)."""
    demo.load(FAST)
    contest, _ = demo_scoring._contest()
    admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
    supervisor = db.session.execute(select(User).where(User.username == "sup1")).scalar_one()
    for rnd in contest.rounds:
        demo_scoring._ensure_panels(contest, rnd, admin)
        demo_scoring._insert_sheets(contest, rnd)
    view = results.preview(contest.id, "year")
    assert not view.problems and view.package_hash, view.problems
    results.sign_off(supervisor, contest.id, "year", view.package_hash, "")
    results.publish(admin, contest.id, "year", view.package_hash)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_database_url(sys.argv[1]) if len(sys.argv) > 1 else f"sqlite:///{tmp}/y.sqlite3"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": FAST})
        with app.app_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            build_year()
            print(f"built the year in {time.perf_counter() - started:.1f} s")
            marks = db.session.execute(select(func.count(Mark.id))).scalar_one()
            events = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
            runs, report = [], None
            for _ in range(RUNS):
                db.session.remove()
                started = time.perf_counter()
                report = integrity.verify()
                runs.append(time.perf_counter() - started)
                assert report.ok, report
            assert report is not None and report.chain.checked == events
            print(f"marks={marks}; verify runs {', '.join(f'{r:.2f}' for r in runs)} s")
            print(f"events={events} rows={report.rows} seconds={statistics.median(runs):.2f} "
                  f"database={db.engine.dialect.name}")
            db.session.remove()


if __name__ == "__main__":
    main()
