"""Benchmark of `python -m scoring recompute` against a bare parse-and-hash process.

Target (SCORING.md, Performance): on the city contest — 651 contestants × 3 rounds × 15 judges ×
6 criteria = 175,770 marks — the whole `python -m scoring recompute` process takes at most 2× the
time of a bare process that only parses the same JSON, turns every mark value into a Decimal and
computes the canonical input_sha256 (best of 5 runs each, same machine, same run). A province-sized
run (20,000 contestants) shows that the cost grows linearly with the number of marks.

    .venv/bin/python bench/scoring_city.py              # city, then province
    .venv/bin/python bench/scoring_city.py --runs 7 --skip-province

Data are generated from a fixed seed into a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 2022

ROUNDS = (("plan", "0.3"), ("service", "0.3"), ("results", "0.4"))
CRITERIA_MAX = (20, 20, 15, 15, 15, 15)  # six criteria, 100 points a sheet
JUDGES = 15

BARE = """
import hashlib, json, sys
from decimal import Decimal
with open(sys.argv[1], "rb") as handle:
    data = json.loads(handle.read())
for round_ in data["rounds"]:
    for mark in round_["marks"]:
        Decimal(mark["value"])
text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
print(hashlib.sha256(text.encode("utf-8")).hexdigest())
"""


def contest(townships: int, villages: int, seed: int = SEED) -> dict[str, object]:
    """A recompute input shaped like the Yangquan contest, with marks drawn from a fixed seed."""
    rng = random.Random(seed)
    contestants = [{"id": f"T{i:03d}", "group": "township"} for i in range(1, townships + 1)]
    contestants += [{"id": f"V{i:05d}", "group": "village"} for i in range(1, villages + 1)]
    quality = {c["id"]: rng.uniform(0.55, 0.95) for c in contestants}
    rounds = []
    for round_id, weight in ROUNDS:
        criteria = [{"id": f"C{k + 1}", "max": str(top), "step": "0.5"}
                    for k, top in enumerate(CRITERIA_MAX)]
        severity = [rng.uniform(-0.06, 0.06) for _ in range(JUDGES)]
        marks = []
        for contestant in contestants:
            cid = contestant["id"]
            for j in range(JUDGES):
                for k, top in enumerate(CRITERIA_MAX):
                    share = quality[cid] + severity[j] + rng.gauss(0, 0.05)
                    halves = max(0, min(2 * top, round(2 * top * share)))
                    value = f"{halves // 2}.5" if halves % 2 else str(halves // 2)
                    marks.append({"judge": f"J{j + 1:02d}", "contestant": cid,
                                  "criterion": f"C{k + 1}", "value": value})
        adjustments = [{"contestant": c["id"], "value": "-1.5", "reason": "超时"}
                       for c in rng.sample(contestants, len(contestants) // 50)]
        vetoes = [{"contestant": c["id"], "reason": "一票否决"} for c in rng.sample(contestants, 2)]
        rounds.append({
            "id": round_id, "weight": weight,
            "panel": {"method": "trimmed_mean", "trim": 1, "trim_from": 5, "min_judges": 3,
                      "normalize": "none"},
            "criteria": criteria, "marks": marks, "adjustments": adjustments, "vetoes": vetoes,
        })
    return {
        "places": 2, "absent_round": "zero", "ranking": "competition",
        "tie_break": ["results", "service"],
        "awards": [{"group": "village", "bands": [
            {"name": "一等奖", "share": "0.05"}, {"name": "二等奖", "share": "0.15"},
            {"name": "优秀奖", "min_total": "80"}]}],
        "contestants": contestants, "rounds": rounds,
    }


def run_once(command: list[str], env: dict[str, str]) -> float:
    """Wall time of one run of `command` (output discarded; it must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def best_times(commands: list[list[str]], runs: int, env: dict[str, str]) -> list[float]:
    """The best of `runs` wall times of each command, runs interleaved so that a change of
    machine load during the benchmark touches every command alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, record in zip(commands, times, strict=True):
            record.append(run_once(command, env))
    return [min(record) for record in times]


def environments(workdir: Path) -> dict[str, dict[str, str]]:
    """The environment as given and, when it forbids bytecode files (PYTHONDONTWRITEBYTECODE),
    also Python's default of caching them — in a temporary prefix, not in the work tree."""
    given = dict(os.environ)
    variants = {"as configured": given}
    if given.get("PYTHONDONTWRITEBYTECODE"):
        cached = {k: v for k, v in given.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
        variants["bytecode cached"] = cached
    return variants


def measure(label: str, townships: int, villages: int, runs: int, workdir: Path) -> float:
    """Print the timings of the bare and the full process; return the worst ratio."""
    data = contest(townships, villages)
    path = workdir / f"{label}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    marks = sum(len(r["marks"]) for r in data["rounds"])  # type: ignore[attr-defined]
    del data
    size = path.stat().st_size / 1e6
    print(f"{label}: {townships + villages} contestants, {marks} marks, {size:.1f} MB")
    ratios = []
    for name, env in environments(workdir).items():
        bare, full = best_times([[sys.executable, "-c", BARE, str(path)],
                                 [sys.executable, "-m", "scoring", "recompute", str(path)]], runs, env)
        print(f"  [{name}]")
        print(f"    bare parse + Decimal + input_sha256  best of {runs}: {bare:.3f} s")
        print(f"    python -m scoring recompute          best of {runs}: {full:.3f} s")
        print(f"    ratio {full / bare:.2f} (target < 2); {full / marks * 1e6:.2f} µs a mark")
        ratios.append(full / bare)
    return max(ratios)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each process (best kept)")
    parser.add_argument("--province-runs", type=int, default=3)
    parser.add_argument("--skip-province", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scoring-bench-") as tmp:
        ratio = measure("city", 31, 620, args.runs, Path(tmp))
        if not args.skip_province:
            measure("province", 1000, 19000, args.province_runs, Path(tmp))
    return 0 if ratio < 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
