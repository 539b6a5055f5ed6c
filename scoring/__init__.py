"""The pure scoring core: the only place where a mark becomes a score, a rank, an award or an amount.

Standard library only; plain frozen dataclasses in and out; JSON only at the CLI's edge. The
public contract is SCORING.md; `python -m scoring` is a thin shell over these functions.

JSON-shaped, as the CLI and the audit package (each raises InputError on bad input):
    recompute(data) -> dict                 # rules 1–8, the `recompute` output
    allocate(data) -> dict                  # fund allocation, the `allocate` output
    judge_statistics(data) -> dict          # the `judges` output
    verify_package(package) -> VerifyResult # recompute and compare; .package_hash when identical
    build_package(kind, input, published_at, version) -> dict
    package_hash(package) -> str            # SHA-256 of canonical {"kind", "input", "result"}
    recompute_with_package_hash(data) -> (dict, str)  # both, the input's canonical JSON made once
    input_sha256(data) -> str               # SHA-256 of the canonical JSON of an input

Typed, underneath:
    parse_recompute_input(data) -> RecomputeInput;  compute_results(inp) -> RecomputeResult
    result_to_json(result) -> dict
    parse_allocation_input(data) -> AllocationInput; compute_allocation(inp) -> AllocationResult
    allocation_to_json(result) -> dict
    compute_judge_statistics(inp) -> {round id: (JudgeStatistics, ...)}
    panel_score(totals, panel) -> Decimal   # rule 3, unrounded
    deviation_flag(total, others, *, threshold_points=None, threshold_share=None,
                   sheet_max=None) -> bool
    round_half_up(value, places) -> Decimal; format_decimal(value, places) -> str
"""

from .allocation import allocate, allocation_to_json, compute_allocation, parse_allocation_input
from .canonical import input_sha256
from .deviation import deviation_flag, median
from .errors import InputError
from .judges import compute_judge_statistics, judge_statistics
from .model import (
    Allocation,
    AllocationInput,
    AllocationResult,
    Application,
    AwardBand,
    BandTally,
    Contestant,
    ContestantResult,
    Criterion,
    GroupAwards,
    JudgeStatistics,
    PanelRule,
    RecomputeInput,
    RecomputeResult,
    Round,
    Tier,
    VerifyResult,
)
from .numbers import format_decimal, round_half_up
from .package import build_package, package_hash, recompute_with_package_hash, verify_package
from .panel import panel_score
from .parse import parse_recompute_input
from .results import compute_results, recompute, result_to_json

__all__ = [
    "Allocation",
    "AllocationInput",
    "AllocationResult",
    "Application",
    "AwardBand",
    "BandTally",
    "Contestant",
    "ContestantResult",
    "Criterion",
    "GroupAwards",
    "InputError",
    "JudgeStatistics",
    "PanelRule",
    "RecomputeInput",
    "RecomputeResult",
    "Round",
    "Tier",
    "VerifyResult",
    "allocate",
    "allocation_to_json",
    "build_package",
    "compute_allocation",
    "compute_judge_statistics",
    "compute_results",
    "deviation_flag",
    "format_decimal",
    "input_sha256",
    "judge_statistics",
    "median",
    "package_hash",
    "panel_score",
    "parse_allocation_input",
    "parse_recompute_input",
    "recompute",
    "recompute_with_package_hash",
    "result_to_json",
    "round_half_up",
    "verify_package",
]
