"""Report exports on the demo city: the village 评分汇总表 PDF (≈20 pages) < 3 s, the score-matrix Excel < 5 s.

Run: .venv/bin/python bench/results_exports.py [--repeat 3]
Builds a fresh demo city in a temp SQLite file, publishes its plan round (651 contestants × 15 judges,
sheets by bulk insert, signed off and published through app.results.services), signs in as admin and
times each report through the test client (the whole request: load the version, build, render).
The last line printed is: pdf_s=… pdf_pages=… matrix_s=… matrix_rows=… ranking_s=… appraisal_s=… judges_s=…
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from app import create_app  # noqa: E402
from app.contests.models import Contest  # noqa: E402
from app.demo import services as demo  # noqa: E402
from app.demo.scoring import publish_demo_plan_round  # noqa: E402
from app.extensions import db  # noqa: E402
from app.reports.services import published_versions  # noqa: E402

TARGETS = {"pdf": 3.0, "matrix": 5.0}
HASH = "pbkdf2:sha256:1000"


def pdf_pages(data: bytes, folder: Path) -> int:
    path = folder / "summary.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(match.group(1)) if match else 0


def timed(client, url: str, repeat: int) -> tuple[float, bytes]:  # type: ignore[no-untyped-def]
    best, body = float("inf"), b""
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        best, body = min(best, elapsed), response.data
    return best, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per report; the best time is kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": HASH,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                          "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            demo.load(HASH)
            publication = publish_demo_plan_round()
            print(f"setup: demo + {publication.sheets} sheets / {publication.marks} marks published "
                  f"in {time.perf_counter() - started:.1f} s")
            contest = db.session.execute(db.select(Contest)).scalars().first()
            assert contest is not None
            version = published_versions(contest.id)[0]
        client = app.test_client()
        response = client.post("/login", data={"username": "admin", "password": "Demo@2022"})
        assert response.status_code == 302, "admin login failed"
        base = f"/organize/reports/{version.contest_id}/{version.scope}/v{version.number}"
        pdf_s, pdf = timed(client, f"{base}/summary-village.pdf", args.repeat)
        matrix_s, matrix = timed(client, f"{base}/score-matrix.xlsx", args.repeat)
        ranking_s, _ = timed(client, f"{base}/ranking.xlsx", args.repeat)
        appraisal_s, _ = timed(client, f"/organize/reports/{version.contest_id}/appraisal", args.repeat)
        judges_s, _ = timed(client, f"{base}/judges", args.repeat)
        rows = load_workbook(BytesIO(matrix), read_only=True).worksheets[0].max_row
        pages = pdf_pages(pdf, folder)
        for name, seconds in (("pdf", pdf_s), ("matrix", matrix_s)):
            verdict = "ok" if seconds < TARGETS[name] else "OVER TARGET"
            print(f"{name}: {seconds:.2f} s (target < {TARGETS[name]:.0f} s) {verdict}")
        print(f"pdf_s={pdf_s:.2f} pdf_pages={pages} matrix_s={matrix_s:.2f} matrix_rows={rows} "
              f"ranking_s={ranking_s:.2f} appraisal_s={appraisal_s:.2f} judges_s={judges_s:.2f}")


if __name__ == "__main__":
    main()
