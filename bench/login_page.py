"""Median server time of the login page against a bare Flask route in the same run.

Run: .venv/bin/python bench/login_page.py  (uses a throwaway SQLite database)
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

RUNS = 500


def median_ms(client_get: object, path: str) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client_get(path)  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.sqlite3"})
        with app.app_context():
            db.create_all()
        bare = Flask("bare")
        bare.add_url_rule("/login", "login", lambda: "<html><title>登录</title></html>")
        login_ms = median_ms(app.test_client().get, "/login")
        bare_ms = median_ms(bare.test_client().get, "/login")
    print(f"login page median {login_ms:.2f} ms; bare Flask route median {bare_ms:.2f} ms; "
          f"ratio {login_ms / bare_ms:.1f}x ({RUNS} requests each)")


if __name__ == "__main__":
    main()
