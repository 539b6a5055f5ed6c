"""Small builders of JSON-shaped scoring inputs for the tests: a sheet total as a single mark."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"

TRIMMED = {"method": "trimmed_mean", "trim": 1, "trim_from": 5, "min_judges": 1, "normalize": "none"}
MEAN = {"method": "mean", "min_judges": 1, "normalize": "none"}


def judge_ids(count: int) -> list[str]:
    return [f"J{number:02d}" for number in range(1, count + 1)]


def one_criterion_round(
    round_id: str,
    sheets: Mapping[str, Sequence[str]],
    *,
    weight: str = "1",
    panel: Mapping[str, object] = TRIMMED,
    maximum: str = "100",
    step: str = "0.01",
    adjustments: Sequence[tuple[str, str]] = (),
    vetoes: Sequence[str] = (),
) -> dict[str, Any]:
    """A round with one criterion, so that each mark is its sheet's total; judges J01, J02, …."""
    marks = [
        {"judge": judge, "contestant": contestant, "criterion": "C1", "value": value}
        for contestant, values in sheets.items()
        for judge, value in zip(judge_ids(len(values)), values, strict=True)
    ]
    return {
        "id": round_id,
        "weight": weight,
        "panel": dict(panel),
        "criteria": [{"id": "C1", "max": maximum, "step": step}],
        "marks": marks,
        "adjustments": [{"contestant": c, "value": v, "reason": "加减分"} for c, v in adjustments],
        "vetoes": [{"contestant": c, "reason": "一票否决"} for c in vetoes],
    }


def contest(
    rounds: Sequence[Mapping[str, object]],
    groups: Mapping[str, str] | Sequence[str],
    **top: object,
) -> dict[str, Any]:
    """A recompute input; `groups` maps contestant id to group (or lists ids of one group)."""
    if not isinstance(groups, Mapping):
        groups = {cid: "village" for cid in groups}
    data: dict[str, Any] = {"places": 2}
    data.update(top)
    data["contestants"] = [{"id": cid, "group": group} for cid, group in groups.items()]
    data["rounds"] = [dict(r) for r in rounds]
    return data


def by_id(output: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The output's contestants (or allocations) keyed by id."""
    rows = output.get("contestants", output.get("allocations"))
    assert isinstance(rows, list)
    return {row["id"]: row for row in rows}


def run_cli(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m scoring ARGS` from the project root, text in and out (UTF-8)."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    done = subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        cwd=ROOT, input=data, capture_output=True, check=False, timeout=60,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
