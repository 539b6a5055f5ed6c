"""Panel draw with recusal for the whole demo city, and the progress page of a 651 × 15 round.

Run: .venv/bin/python bench/panels.py   (builds a throwaway SQLite copy of the demo; ~30 s)
Targets (issue 5): a random draw with recusal for 651 contestants under 1 s; the progress page of a
round of 651 contestants × 15 judges under 300 ms server time. Medians of several runs, with a
baseline measured in the same run (a bare page rendering the same base template).
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.contests.models import Round  # noqa: E402
from app.demo import services as demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.judging.models import ScoreSheet  # noqa: E402
from app.panels import services  # noqa: E402
from app.panels.models import Assignment, Panel, PanelMember  # noqa: E402

FAST = "pbkdf2:sha256:1000"


def timed(func: object, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.sqlite3",
                          "PASSWORD_HASH_METHOD": FAST, "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.create_all()
            demo.load(FAST)
            admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
            rnd = db.session.execute(select(Round).where(Round.code == "plan")).scalar_one()
            groups = {g.code: g.id for g in rnd.contest.groups}

            def draw_all() -> None:
                for code in ("township", "village"):
                    spec = services.PanelSpec(rnd.id, groups[code], f"{code} 评委组")
                    services.draw_random(admin, spec, 15, {"agriculture": 3, "finance": 2})

            def clear() -> None:
                db.session.query(Assignment).delete()
                db.session.query(PanelMember).delete()
                db.session.query(Panel).delete()
                db.session.commit()

            draws = []
            for _ in range(5):
                clear()
                draws.extend(timed(draw_all, 1))
            assigned = db.session.query(Assignment).count()
            # Half the sheets submitted, so the page has both kinds of rows.
            rows = db.session.execute(select(Assignment.judge_id, Assignment.entry_id)).tuples().all()
            db.session.add_all(ScoreSheet(round_id=rnd.id, judge_id=j, entry_id=e, state="submitted")
                               for j, e in rows[::2])
            db.session.commit()
            admin_id, round_id = admin.id, rnd.id

        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(admin_id)
            session["_fresh"] = True
        url = f"/organize/panels/round/{round_id}/progress"
        assert client.get(url).status_code == 200
        page = timed(lambda: client.get(url), 15)
        baseline = timed(lambda: client.get("/organize/"), 15)
    print(f"draw: 2 panels of 15 for 651 contestants with recusal ({assigned} assignments): "
          f"median {statistics.median(draws):.0f} ms, max {max(draws):.0f} ms (5 runs)")
    print(f"progress page ({assigned} sheets expected): median {statistics.median(page):.0f} ms; "
          f"organizer home baseline median {statistics.median(baseline):.0f} ms; "
          f"ratio {statistics.median(page) / statistics.median(baseline):.1f}x (15 runs)")


if __name__ == "__main__":
    main()
