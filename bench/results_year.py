"""Compute, sign off and publish the whole demo year: 651 contestants × 3 rounds × 15 judges.

Run: .venv/bin/python bench/results_year.py   (throwaway SQLite copy of the demo; ~40 s of set-up)
Target (issue 7): compute and publish the whole demo year in under 5 s. Baseline in the same run: the
scoring core alone on the same input (`scoring.recompute`), to show what the web shell adds.
Between runs one sheet gets a corrected version 2, so each run publishes a new version.
"""

import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.demo import scoring as demo_scoring  # noqa: E402
from app.demo import services as demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.judging.models import ScoreSheet  # noqa: E402
from app.judging.sheets import StoreOptions, store_version  # noqa: E402
from app.results import services as results  # noqa: E402
from scoring import recompute  # noqa: E402

FAST = "pbkdf2:sha256:1000"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/y.sqlite3",
                          "PASSWORD_HASH_METHOD": FAST})
        with app.app_context():
            db.create_all()
            demo.load(FAST)
            contest, _ = demo_scoring._contest()
            admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
            supervisor = db.session.execute(select(User).where(User.username == "sup1")).scalar_one()
            for rnd in contest.rounds:  # every round scored by 15 judges, as the plan round of the demo
                demo_scoring._ensure_panels(contest, rnd, admin)
                demo_scoring._insert_sheets(contest, rnd)
            publish_runs, core_runs, marks = [], [], 0
            for run in range(3):
                if run:  # a correction between runs, as in real life: an unchanged result is not published again
                    _correct_one_sheet(admin, run)
                started = time.perf_counter()
                view = results.preview(contest.id, "year")
                assert not view.problems and view.package_hash, view.problems
                results.sign_off(supervisor, contest.id, "year", view.package_hash, "")
                results.publish(admin, contest.id, "year", view.package_hash)
                publish_runs.append(time.perf_counter() - started)
                marks = sum(len(r["marks"]) for r in view.input["rounds"])
                started = time.perf_counter()
                recompute(view.input)
                core_runs.append(time.perf_counter() - started)
    print(f"year: {marks} marks; preview + sign-off + publish median {statistics.median(publish_runs):.2f} s "
          f"(runs {', '.join(f'{r:.2f}' for r in publish_runs)}); scoring core alone median "
          f"{statistics.median(core_runs):.2f} s")


def _correct_one_sheet(admin: User, run: int) -> None:
    """Version 2 of one sheet with one mark a step lower (a judge's correction), committed."""
    sheet = db.session.execute(select(ScoreSheet).order_by(ScoreSheet.id).offset(run).limit(1)).scalar_one()
    latest = sheet.versions[-1]
    marks = {m.criterion_id: m.value for m in latest.marks}
    first = min(marks)
    marks[first] -= Decimal("0.5")
    store_version(sheet, sheet.round_id, sheet.entry_id, sheet.judge_id, marks, "", StoreOptions(
        client_token=f"bench-correction-{run}", source="phone", entered_by_id=admin.id))
    db.session.commit()


if __name__ == "__main__":
    main()
