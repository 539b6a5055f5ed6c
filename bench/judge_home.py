"""Server time and bytes of the judge's polled list (/judge/list) for a demo judge of 651 contestants.

Works on its own copy of an SQLite copy of the demo database, never the live one:
    mkdir -p /tmp/jhome && cp instance/*.sqlite3 /tmp/jhome/
    DATABASE_URL=sqlite:////tmp/jhome/dabiwu.sqlite3 .venv/bin/python bench/judge_home.py [--runs 30]
Two cases for the judge j11: the demo as it is (the plan round finished: 651 submitted sheets), and the same
judge with a second roadshow round of 651 contestants under way (14 sessions of up to 50, the first five
scored, two drafts, a contestant of the sixth on stage). Each prints the full list's median time and size,
and, where the list carries its fingerprint (`seen`), the median time of a poll that changed nothing (204).
"""

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.contests.models import Contest  # noqa: E402
from app.entries.models import Entry  # noqa: E402
from app.extensions import db  # noqa: E402
from app.judges.models import Judge  # noqa: E402
from app.judging.models import ScoreSheet  # noqa: E402
from app.panels.models import Assignment, ContestSession, Panel, ScoringWindow, SessionSlot  # noqa: E402

SEEN = re.compile(r'name="seen" value="([^"]+)"')
PER_SESSION = 50


def timed(client: FlaskClient, path: str, runs: int, status: int) -> tuple[float, float, int]:
    """Medians over `runs` requests after a first one: wall and CPU milliseconds (CPU time is the figure that
    holds on a busy machine); and the body's size in bytes."""
    walls, cpus, size = [], [], 0
    for n in range(runs + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers={"HX-Request": "true"})
        if n:
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == status, (path, response.status_code)
        size = len(response.get_data())
    return statistics.median(walls), statistics.median(cpus), size


def measure(app: Flask, user_id: int, label: str, runs: int) -> None:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(user_id), True
    wall, cpu, size = timed(client, "/judge/list", runs, 200)
    print(f"{label}: list {wall:.1f} ms (CPU {cpu:.1f} ms), {size:,} bytes")
    wall, cpu, size = timed(client, "/judge/", max(runs // 3, 3), 200)
    print(f"{label}: page /judge/ {wall:.1f} ms (CPU {cpu:.1f} ms), {size:,} bytes")
    found = SEEN.search(client.get("/judge/list").get_data(as_text=True))
    if found:
        wall, cpu, size = timed(client, f"/judge/list?seen={found.group(1)}", runs, 204)
        print(f"{label}: unchanged poll {wall:.1f} ms (CPU {cpu:.1f} ms), {size} bytes (204)")
    wall, cpu, size = timed(client, "/judge/session", runs, 200)  # signed in, reads nothing: the floor
    print(f"{label}: baseline /judge/session {wall:.1f} ms (CPU {cpu:.1f} ms)")


def live_round(user_id: int) -> None:
    """The judge on a second roadshow round of all 651 contestants, under way."""
    contest = db.session.execute(select(Contest)).scalar_one()
    rnd = next(r for r in contest.rounds if r.code == "results")
    judge = db.session.execute(select(Judge).where(Judge.user_id == user_id)).scalar_one()
    organizer = db.session.execute(select(User.id).where(User.username == "admin")).scalar_one()
    sessions: list[list[Entry]] = []
    for group in contest.groups:
        entries = list(db.session.execute(select(Entry).where(Entry.group_id == group.id)
                                          .order_by(Entry.public_number)).scalars())
        panel = Panel(round_id=rnd.id, group_id=group.id, name=f"{group.name}基准评委组")
        db.session.add(panel)
        db.session.flush()
        db.session.add_all(Assignment(round_id=rnd.id, panel_id=panel.id, judge_id=judge.id, entry_id=e.id)
                           for e in entries)
        for start in range(0, len(entries), PER_SESSION):
            n = len(sessions)
            session = ContestSession(round_id=rnd.id, group_id=group.id, name=f"第{n + 1}场",
                                     held_on=date(2022, 11, 1 + n // 2), starts_at=clock(9 if n % 2 == 0 else 14))
            chunk = entries[start:start + PER_SESSION]
            session.slots = [SessionSlot(round_id=rnd.id, entry_id=e.id, position=p)
                             for p, e in enumerate(chunk, start=1)]
            db.session.add(session)
            sessions.append(chunk)
    scored = [e for chunk in sessions[:5] for e in chunk]
    db.session.add_all(ScoreSheet(round_id=rnd.id, entry_id=e.id, judge_id=judge.id, state="submitted")
                       for e in scored)
    db.session.add_all(ScoreSheet(round_id=rnd.id, entry_id=e.id, judge_id=judge.id, state="draft", draft={})
                       for e in (sessions[7][3], sessions[9][0]))
    db.session.add(ScoringWindow(round_id=rnd.id, entry_id=sessions[5][4].id, opened_by_id=organizer))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--judge", default="j11")
    args = parser.parse_args()
    url = make_url(os.environ.get("DATABASE_URL") or "sqlite://")
    source = Path(url.database or "")
    if url.get_backend_name() != "sqlite" or not source.is_file():
        sys.exit("set DATABASE_URL to an SQLite copy of the demo database (it is copied again before use)")
    if (Path(__file__).resolve().parent.parent / "instance") in source.resolve().parents:
        sys.exit("copy the database out of instance/ first")
    work = Path(tempfile.mkdtemp(prefix="judge-home-")) / source.name
    shutil.copy(source, work)
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        user_id = db.session.execute(select(User.id).where(User.username == args.judge)).scalar_one()
        db.session.remove()
    measure(app, user_id, "demo (plan round finished)", args.runs)
    with app.app_context():
        live_round(user_id)
        db.session.remove()
    measure(app, user_id, "demo + a roadshow round under way", args.runs)
    shutil.rmtree(work.parent)


if __name__ == "__main__":
    main()
