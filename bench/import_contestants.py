"""Benchmark: import the demo city's 651 contestants from xlsx (preview + commit) through the web layer.

Target (issue 5): preview plus commit under 5 s. Run: .venv/bin/python bench/import_contestants.py
Uses a fresh SQLite file under /tmp unless DATABASE_URL names another (empty) database.
"""

import io
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, update  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.audit import services as audit  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.contests.models import Contest, Group  # noqa: E402
from app.demo import cityplan  # noqa: E402
from app.demo import services as demo  # noqa: E402
from app.entries.models import Entry  # noqa: E402
from app.extensions import db  # noqa: E402
from app.people.imports import demo_contest, demo_contestants_xlsx  # noqa: E402

TARGET_SECONDS = 5.0
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> None:
    url = os.environ.get("DATABASE_URL")
    path = Path(tempfile.mkdtemp()) / "bench-people.sqlite3"
    app = create_app({
        "TESTING": False, "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(url) if url else f"sqlite:///{path}",
        "RATELIMIT_ENABLED": False, "SERVER_NAME": None,
    })
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        demo.load("pbkdf2:sha256:1000")
        print(f"demo loaded in {time.perf_counter() - started:.1f} s")
        source = demo_contest()
        assert source is not None
        started = time.perf_counter()
        data = demo_contestants_xlsx(source)
        print(f"demo file: {len(data) / 1024:.0f} KiB, written in {time.perf_counter() - started:.2f} s")
        client = app.test_client()
        token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"username": "admin", "password": cityplan.DEMO_PASSWORD, "csrf_token": token})
        results = [run(client, token, data, source, "accounts reused (same secretaries as the demo)")]
        # Worst case: nobody is the same person any more, so every row creates a new account.
        db.session.execute(update(User).where(User.role == "secretary").values(display_name=User.display_name + "甲"))
        db.session.commit()
        results.append(run(client, token, data, source, "651 new accounts"))
        chain = audit.verify()
    print(f"audit chain: {'intact' if chain.first_break is None else 'BROKEN'} ({chain.checked} events)")
    if any(made != 651 or total >= TARGET_SECONDS for made, total in results) or chain.first_break is not None:
        raise SystemExit(1)


def run(client: Any, token: str, data: bytes, source: Contest, label: str) -> tuple[int, float]:
    """Import the file into a new empty contest; print and return (entries made, seconds)."""
    target = Contest(year=source.year + 1, name=f"导入基准比武（{label}）", status="draft", tie_break=[])
    target.groups = [Group(code=g.code, name=g.name, position=g.position) for g in source.groups]
    db.session.add(target)
    db.session.commit()
    started = time.perf_counter()
    response = client.post("/organize/people/import/contestants", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(data), "demo.xlsx")})
    preview = time.perf_counter() - started
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    started = time.perf_counter()
    response = client.post(response.headers["Location"] + "/commit", data={"csrf_token": token})
    committed = time.perf_counter() - started
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    made = db.session.execute(select(func.count(Entry.id)).where(Entry.contest_id == target.id)).scalar_one()
    total = preview + committed
    print(f"-- {label}: {made} entries")
    print(f"   preview (upload, checks, batch stored): {preview:.2f} s")
    print(f"   commit (accounts, entries, holders, audit): {committed:.2f} s")
    verdict = "PASS" if total < TARGET_SECONDS else "FAIL"
    print(f"   total: {total:.2f} s (target < {TARGET_SECONDS:.0f} s) -> {verdict}")
    return made, total


if __name__ == "__main__":
    main()
