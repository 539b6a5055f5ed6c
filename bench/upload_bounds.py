"""Benchmark: each hostile xlsx of tests/hostile_xlsx.py is refused within 1 s and 100 MB of memory growth.

Runs what the import's preview runs before it touches the database (check_upload, then read_sheet), on
the full-size archives (the issue's 150 MB shared strings, a 1 GB zip bomb...). Memory is the growth of
the process's peak resident size (VmHWM, reset through /proc/self/clear_refs) over its size before.
Wall time is the bound; CPU time shows how much of it was the work itself on a shared machine.
Run: .venv/bin/python bench/upload_bounds.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.ooxml import FileRejected  # noqa: E402
from app.people.validate import CONTESTANT_COLUMNS  # noqa: E402
from app.people.xlsx import check_upload, read_sheet  # noqa: E402
from tests.hostile_xlsx import HOSTILE  # noqa: E402

STATUS = Path("/proc/self/status")


def _kb(field: str) -> int:
    line = next(line for line in STATUS.read_text().splitlines() if line.startswith(field + ":"))
    return int(line.split()[1])


def refuse(data: bytes) -> str:
    try:
        check_upload("名单.xlsx", data)
        read_sheet(data, "参赛人", CONTESTANT_COLUMNS)
    except FileRejected as refused:
        return refused.message
    return "ACCEPTED"


def main() -> None:
    worst_s = worst_mb = 0.0
    for label, (build, expected) in HOSTILE.items():
        data = build()
        Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
        before = _kb("VmRSS")
        started, started_cpu = time.perf_counter(), time.process_time()
        message = refuse(data)
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        grown = (_kb("VmHWM") - before) / 1024
        assert expected in message, (label, message)
        worst_s, worst_mb = max(worst_s, seconds), max(worst_mb, grown)
        print(f"{label:40} {len(data) / 1024:8.0f} KB  {seconds:6.3f} s (CPU {cpu:5.3f} s)  {grown:6.1f} MB  {message}")
    print(f"archives={len(HOSTILE)} max_s={worst_s:.3f} max_mb={worst_mb:.1f}")


if __name__ == "__main__":
    main()
