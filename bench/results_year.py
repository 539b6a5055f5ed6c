"""Compute, sign off and publish the whole demo year: 651 contestants × 3 rounds × 15 judges.

Run: .venv/bin/python bench/results_year.py [--runs 5]   (throwaway SQLite copy of the demo; ~40 s of set-up)
Goals: the whole year previewed, signed off and published in under 5 s (issue 7); the publication alone
(compute from the database and publish, one transaction, the input built once) at most 3× the scoring core
alone on the same input in the same run (issue 12). Between runs one sheet gets a corrected version, so
each run publishes a new version with its causes and 公示, as in real life.
The last line printed is: publish_s=… core_s=… ratio=… flow_s=… flow_ratio=… marks=… (medians; each ratio
the median of the runs' own ratios, publication or whole flow against the core of the same run, itself
the median of 3 right after the publication).
"""

import argparse
import gc
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="publications measured (each a new version)")
    args = parser.parse_args()
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
            flow_runs, publish_runs, core_runs, marks = [], [], [], 0
            for run in range(args.runs):
                if run:  # a correction between runs, as in real life: an unchanged result is not published again
                    _correct_one_sheet(admin, run)
                gc.collect()  # each timed part starts without the garbage of the last (a year's package is ~55 MB)
                started = time.perf_counter()
                view = results.preview(contest.id, "year")  # the organizer's page (also compares with version N-1)
                assert not view.problems and view.package_hash, view.problems
                results.sign_off(supervisor, contest.id, "year", view.package_hash, "")
                gc.collect()
                signed = time.perf_counter()
                results.publish(admin, contest.id, "year", view.package_hash)
                done = time.perf_counter()
                flow_runs.append(done - started)
                publish_runs.append(done - signed)
                marks = sum(len(r["marks"]) for r in view.input["rounds"])
                core_runs.append(statistics.median(_core(view.input) for _ in range(3)))
                print(f"run {run + 1}: preview + sign-off + publish {flow_runs[-1]:.2f} s, of which publish "
                      f"{publish_runs[-1]:.2f} s; scoring core alone {core_runs[-1]:.2f} s", flush=True)
    ratios = [p / c for p, c in zip(publish_runs, core_runs, strict=True)]
    flow_ratios = [f / c for f, c in zip(flow_runs, core_runs, strict=True)]
    print(f"year: {marks} marks; compute-and-publish median {statistics.median(publish_runs):.2f} s against the "
          f"scoring core alone {statistics.median(core_runs):.2f} s: {statistics.median(ratios):.1f}× (goal ≤ 3×); "
          f"preview + sign-off + publish {statistics.median(flow_runs):.2f} s ({statistics.median(flow_ratios):.1f}×)")
    print(f"publish_s={statistics.median(publish_runs):.2f} core_s={statistics.median(core_runs):.2f} "
          f"ratio={statistics.median(ratios):.2f} flow_s={statistics.median(flow_runs):.2f} "
          f"flow_ratio={statistics.median(flow_ratios):.2f} marks={marks}")


def _core(input_: dict[str, Any]) -> float:
    """Seconds of `scoring.recompute` alone on the input (the machine is shared: each run takes the median of 3)."""
    gc.collect()
    started = time.perf_counter()
    recompute(input_)
    return time.perf_counter() - started


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
