"""50 judges score 1000 sheets through gunicorn at once: nothing lost, nothing doubled, p95 and burst times.

Run: .venv/bin/python bench/judges_load.py [--db sqlite|postgresql] [--baseline]
Builds a fresh copy of the demo city (SQLite file with WAL in a temp dir, or a fresh PostgreSQL database
`bench_judges` on 127.0.0.1:5432, dropped at the end), adds 10 judges (50 in all), a panel of all 50 for
20 village contestants of the plan round, sign-in cards and an open scoring window; starts
`gunicorn -w 4` on a free loopback port; 50 judges sign in by link + PIN, all submit their first sheet
at the same instant, then 19 more each after 0.5–1.5 s of thinking, with deliberate double taps,
abandoned requests retried, resends after success and second-tab submissions. Then it counts the
database (one version per sheet, 5 marks each, the marks sent) and runs `flask audit verify`.
--baseline also drives a bare Flask route doing one SQLite write the same way, for comparison.
The last line printed is: judges=50 sheets=1000 p95_ms=… burst_max_ms=… lost=… duplicated=… errors=…
"""

import argparse
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadkit import (  # noqa: E402
    HTTP_TIMEOUT_S,
    JUDGES,
    SHEETS,
    Client,
    Tally,
    baseline,
    drive,
    free_port,
    p95,
    start_gunicorn,
    stop,
    workers_cpu_ms,
)
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.audit.models import AuditEvent  # noqa: E402
from app.contests.models import Contest  # noqa: E402
from app.demo import services as demo  # noqa: E402
from app.entries.models import Entry  # noqa: E402
from app.extensions import db  # noqa: E402
from app.judges.models import Judge  # noqa: E402
from app.judges.services import pin_digest, token_digest  # noqa: E402
from app.judging.models import Mark, ScoreSheet, SheetVersion  # noqa: E402
from app.panels.models import Assignment, Panel, PanelMember, ScoringWindow  # noqa: E402
from app.timeutil import utcnow  # noqa: E402

FAST = "pbkdf2:sha256:1000"
SECRET = "bench-judges-secret"  # noqa: S105  (a throwaway database)
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_NAME = "bench_judges"
TOKEN_RE = re.compile(r'name="(csrf_token|client_token)"[^>]*value="([^"]+)"')


@dataclass
class Plan:
    round_id: int
    criteria: list[int]
    entries: list[int]
    cards: list[tuple[int, str, str]]  # judge id, sign-in token, PIN


def settings(url: str) -> dict[str, object]:
    return {"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": FAST,
            "RATELIMIT_STORAGE_URI": "memory://"}


def build(url: str, seed: int) -> Plan:
    """The demo city plus what the bench needs; bench rows are written directly (no audit events)."""
    rng = random.Random(seed)
    app = create_app(settings(url))
    with app.app_context():
        db.create_all()
        demo.load(FAST)
        contest = db.session.execute(select(Contest)).scalar_one()
        rnd = next(r for r in contest.rounds if r.code == "plan")
        village = next(g for g in contest.groups if g.code == "village")
        password = generate_password_hash("Demo@2022", FAST)
        for number in range(41, JUDGES + 1):
            user = User(username=f"j{number:02d}", display_name=f"压测评委{number:02d}", role="judge",
                        unit="市委党校", password_hash=password, is_demo=True)
            db.session.add(user)
            db.session.flush()
            db.session.add(Judge(contest_id=contest.id, user_id=user.id, unit="市委党校", field="organization"))
        db.session.flush()
        judges = list(db.session.execute(select(Judge).where(Judge.contest_id == contest.id)
                                         .order_by(Judge.id)).scalars())
        assert len(judges) == JUDGES, len(judges)
        entries = list(db.session.execute(select(Entry.id).where(Entry.group_id == village.id)
                                          .order_by(Entry.public_number).limit(SHEETS)).scalars())
        panel = Panel(round_id=rnd.id, group_id=village.id, name="压力测试评委组")
        panel.members = [PanelMember(judge_id=j.id, seat=i) for i, j in enumerate(judges, start=1)]
        db.session.add(panel)
        db.session.flush()
        db.session.execute(Assignment.__table__.insert(), [{"round_id": rnd.id, "panel_id": panel.id, "judge_id": j.id,
                                                            "entry_id": e} for j in judges for e in entries])
        cards = []
        for judge in judges:
            token, pin = secrets.token_urlsafe(24), f"{rng.randrange(10**6):06d}"
            judge.signin_token_digest, judge.pin_digest = token_digest(token), pin_digest(judge.id, pin)
            judge.token_issued_at = utcnow()
            cards.append((judge.id, token, pin))
        admin = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
        db.session.add(ScoringWindow(round_id=rnd.id, opened_by_id=admin.id))
        plan = Plan(rnd.id, [c.id for c in rnd.criteria], entries, cards)
        db.session.commit()
        db.engine.dispose()
    return plan


def pg_admin(sql: str) -> None:
    engine = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def marks_for(rng: random.Random, criteria: list[int]) -> dict[int, Decimal]:
    """Valid values on the 0.5 step, in a band (15–18) that keeps every total within the 15-point deviation."""
    return {cid: Decimal(rng.randrange(30, 37)) / 2 for cid in criteria}


def judge_session(k: int, port: int, plan: Plan, full: bool, barrier: threading.Barrier, tally: Tally) -> None:
    """Sign in by link + PIN, then score 20 sheets; `full` also opens each sheet and posts the review step."""
    judge_id, token, pin = plan.cards[k]
    rng = random.Random(1000 + k)
    phone = Client(port)
    found = dict(TOKEN_RE.findall(phone.call("GET", f"/judge/signin/{token}")[1]))
    status, _ = phone.call("POST", f"/judge/signin/{token}", {"csrf_token": found.get("csrf_token", ""), "pin": pin})
    order = plan.entries[:]
    rng.shuffle(order)
    csrf = dict(TOKEN_RE.findall(phone.call("GET", f"/judge/r/{plan.round_id}/e/{order[0]}")[1])).get("csrf_token")
    if status != 302 or not csrf:
        tally.error(f"judge {judge_id}: sign-in answered {status}")
        barrier.abort()
        return
    for index, entry_id in enumerate(order):
        if time.monotonic() > tally.deadline:
            tally.error(f"judge {judge_id}: time limit reached at sheet {index}")
            barrier.abort()
            return
        base = f"/judge/r/{plan.round_id}/e/{entry_id}"
        marks = marks_for(rng, plan.criteria)
        fields = {"csrf_token": csrf, "client_token": secrets.token_urlsafe(16), "comment": "",
                  **{f"m-{cid}": f"{value}" for cid, value in marks.items()}}
        if index:
            time.sleep(rng.uniform(0.5, 1.5))  # reading, typing, thinking
        if full:
            page = tally.timed("sheet page", lambda: phone.call("GET", base))  # noqa: B023
            fields["client_token"] = dict(TOKEN_RE.findall(page[1])).get("client_token", "")
            if tally.timed("review", lambda: phone.call("POST", f"{base}/review", fields))[0] != 200:  # noqa: B023
                tally.error(f"judge {judge_id}: review of {entry_id} refused")
        fields["pin"] = pin
        if index == 0:
            try:
                barrier.wait(timeout=120)
            except threading.BrokenBarrierError:
                tally.error(f"judge {judge_id}: the burst barrier broke")
        tally.sent[(judge_id, entry_id)] = marks
        submit_sheet(phone, f"{base}/confirm", fields, k, index, tally)


def submit_sheet(phone: Client, path: str, fields: dict[str, str], k: int, index: int, tally: Tally) -> None:
    """The confirm, with the deliberate doubles and retries of some judges."""
    who = f"judge #{k + 1} sheet {index + 1}"
    if k % 10 == 3 and index == 7:  # the network drops after sending; the phone retries with the same token
        phone.abandon(path, fields)
        time.sleep(0.3)
        tally.count("abandoned and retried")
    twin: list[tuple[float, int, dict[str, object]]] = []
    thread = None
    if k % 10 == 1 and index == 4:  # a double tap: the same token twice at the same moment
        thread = threading.Thread(target=lambda: twin.append(phone.confirm(path, fields)))
        thread.start()
        tally.count("double taps")
    ms, status, answer = phone.confirm(path, fields)
    if answer.get("deviation"):  # the look-again page: the judge confirms the marks as they are
        tally.count("deviation acknowledged")
        ms2, status, answer = phone.confirm(path, fields | {"acknowledge_deviation": "1"})
        ms += ms2
    tally.sample(index, ms)
    if thread is not None:
        thread.join(HTTP_TIMEOUT_S + 5)
        answers = [answer] + [a for _ms, _s, a in twin]
        if sorted(bool(a.get("duplicate")) for a in answers) != [False, True] or not all(a.get("stored")
                                                                                          for a in answers):
            tally.error(f"{who}: double tap answered {answers}")
        return
    expect_duplicate = None if k % 10 == 3 and index == 7 else False
    if status != 200 or answer.get("stored") is not True or (expect_duplicate is False and answer.get("duplicate")):
        tally.error(f"{who}: confirm answered {status} {answer}")
        return
    if k % 10 == 5 and index == 11:  # a resend after success (the answer was lost): a duplicate, not stored
        _ms, status, again = phone.confirm(path, fields)
        tally.count("resends after success")
        if status != 200 or again.get("duplicate") is not True:
            tally.error(f"{who}: resend answered {status} {again}")
    if k % 10 == 7 and index == 14:  # a second tab with its own token and other marks: refused
        other = fields | {"client_token": secrets.token_hex(16)} | {
            k2: "10" for k2 in fields if k2.startswith("m-")}
        _ms, status, again = phone.confirm(path, other)
        tally.count("second-tab submissions refused")
        if status != 400 or "已提交并锁定" not in str(again.get("error", "")):
            tally.error(f"{who}: second tab answered {status} {again}")


def check(url: str, plan: Plan, tally: Tally) -> tuple[int, int, list[str]]:
    """Lost: sheets without a version or with marks other than sent; duplicated: versions beyond one a sheet."""
    problems = []
    app = create_app(settings(url))
    with app.app_context():
        rows = db.session.execute(select(ScoreSheet.judge_id, ScoreSheet.entry_id, SheetVersion.id)
                                  .join(SheetVersion).where(ScoreSheet.round_id == plan.round_id)).tuples().all()
        marks: dict[int, dict[int, Decimal]] = {}
        for version_id, criterion_id, value in db.session.execute(
                select(Mark.version_id, Mark.criterion_id, Mark.value)).tuples():
            marks.setdefault(version_id, {})[criterion_id] = Decimal(value)
        audited = db.session.execute(select(func.count(AuditEvent.id))
                                     .where(AuditEvent.action == "sheet_submitted")).scalar_one()
        db.engine.dispose()
    by_sheet: dict[tuple[int, int], list[int]] = {}
    for judge_id, entry_id, version_id in rows:
        by_sheet.setdefault((judge_id, entry_id), []).append(version_id)
    expected = {(j, e) for j, _t, _p in plan.cards for e in plan.entries}
    lost = 0
    for key in expected:
        versions = by_sheet.get(key, [])
        if not versions or any(marks.get(v) != tally.sent.get(key) for v in versions):
            lost += 1
    duplicated = sum(len(v) - 1 for v in by_sheet.values()) + len(set(by_sheet) - expected)
    if len(rows) != JUDGES * SHEETS:
        problems.append(f"{len(rows)} SheetVersion rows, expected {JUDGES * SHEETS}")
    if any(len(m) != len(plan.criteria) for m in marks.values()):
        problems.append("a version without exactly 5 marks")
    if audited != len(rows):
        problems.append(f"{audited} sheet_submitted audit events for {len(rows)} versions")
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": SECRET}
    verify = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "audit", "verify"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    print((verify.stdout + verify.stderr).strip())
    if verify.returncode != 0:
        problems.append("flask audit verify failed")
    return lost, duplicated, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--baseline", action="store_true", help="also drive a bare Flask route doing one write")
    parser.add_argument("--full-flow", action="store_true",
                        help="each sheet also opens the sheet page and posts the review step, as the phone does")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    proc = None
    with tempfile.TemporaryDirectory(prefix="bench-judges-") as name:
        tmp = Path(name)
        if args.db == "postgresql":
            pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            pg_admin(f"CREATE DATABASE {PG_NAME}")
            url = f"{PG_SERVER}/{PG_NAME}"
        else:
            url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        try:
            started = time.monotonic()
            plan = build(url, args.seed)
            print(f"database ready ({args.db}) in {time.monotonic() - started:.1f} s", flush=True)
            port = free_port()
            source = (f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom app import create_app\n"
                      f"app = create_app({settings(url)!r})\n")
            proc = start_gunicorn(tmp, "bench_wsgi", source, port)
            cpu_before = workers_cpu_ms(proc.pid)
            tally, seconds = drive(JUDGES, lambda k, b, t: judge_session(k, port, plan, args.full_flow, b, t))
            cpu_ms = workers_cpu_ms(proc.pid) - cpu_before
            stop(proc)
            proc = None
            lost, duplicated, problems = check(url, plan, tally)
            errors = len(tally.errors) + len(problems)
            for line in (tally.errors + problems)[:20]:
                print("error:", line)
            print(f"load phase {seconds:.1f} s; gunicorn workers' CPU {cpu_ms / (JUDGES * SHEETS):.1f} ms a sheet; "
                  f"deliberate: {dict(sorted(tally.extras.items()))}")
            print(f"confirm after the burst: n={len(tally.after)} median_ms={statistics.median(tally.after):.0f} "
                  f"p95_ms={p95(tally.after):.0f} max_ms={max(tally.after):.0f}; burst: n={len(tally.burst)} "
                  f"median_ms={statistics.median(tally.burst):.0f} max_ms={max(tally.burst):.0f}")
            for kind, samples in sorted(tally.kinds.items()):
                print(f"{kind}: n={len(samples)} median_ms={statistics.median(samples):.0f} p95_ms={p95(samples):.0f}")
            if args.baseline:
                print(baseline(tmp))
        finally:
            stop(proc)
            if args.db == "postgresql":
                pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    print(f"judges={JUDGES} sheets={JUDGES * SHEETS} p95_ms={p95(tally.after):.0f} "
          f"burst_max_ms={max(tally.burst, default=0):.0f} lost={lost} duplicated={duplicated} errors={errors}")


if __name__ == "__main__":
    main()
