"""专项资金分配: eligibility, dues, and the walk down the ranking under each cut-line policy."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .canonical import sha256_or_report
from .errors import InputError, Problems, show
from .fields import Fields
from .model import (
    POLICIES,
    Allocation,
    AllocationInput,
    AllocationResult,
    Application,
    JsonObject,
    Status,
    Tier,
)
from .numbers import ZERO, decimals_of, exact, format_money
from .ranking import rank

REQUIRED = ("budget", "min_score", "applications")
OPTIONAL = ("cap", "policy", "tiers", "quantum")
QUANTUM = Decimal("0.01")


def _money(fields: Fields, obj: Mapping[str, object], key: str, path: str,
           context: Mapping[str, object] | None = None) -> Decimal | None:
    """An amount of money: a decimal string ≥ 0 with at most 2 decimals."""
    value = fields.decimal(obj, key, path, context)
    if value is None:
        return None
    where = f"{path}.{key}" if path else key
    if value < 0:
        fields.fail(where, f"金额 {key} \"{value}\" 不能为负 (negative)", context)
        return None
    if decimals_of(value) > 2:
        fields.fail(where, f"金额 {key} \"{value}\" 最多 2 位小数 (at most 2 decimals)", context)
        return None
    return value


@exact
def parse_allocation_input(data: object) -> AllocationInput:
    """Check a JSON-shaped `allocate` input; raise InputError listing every problem."""
    problems = Problems()
    fields = Fields(problems)
    top = fields.mapping(data, "", REQUIRED, OPTIONAL)
    if top is None:
        raise InputError(problems.messages)
    budget = _money(fields, top, "budget", "")
    min_score = fields.decimal(top, "min_score", "")
    cap = None if top.get("cap") is None else _money(fields, top, "cap", "")
    cap_ok = top.get("cap") is None or cap is not None
    policy = fields.choice(top, "policy", "", POLICIES, "skip")
    quantum = QUANTUM if "quantum" not in top else _money(fields, top, "quantum", "")
    if quantum is not None and quantum <= 0:
        fields.fail("quantum", f"最小单位 quantum \"{quantum}\" 必须大于 0 (positive)")
        quantum = None
    tiers = _tiers(fields, top, policy)
    tiers_ok = tiers is not None or policy != "tiers"
    applications = _applications(fields, top)
    sha = sha256_or_report(data, problems)
    problems.raise_if_any()
    assert budget is not None and min_score is not None and cap_ok and policy is not None
    assert quantum is not None and tiers_ok and applications is not None and sha is not None
    return AllocationInput(budget=budget, min_score=min_score, cap=cap, policy=policy,
                           tiers=tiers, quantum=quantum, applications=applications,
                           input_sha256=sha)


def _tiers(fields: Fields, top: Mapping[str, object], policy: str | None) -> tuple[Tier, ...] | None:
    raw = top.get("tiers")
    if policy != "tiers":
        if raw is not None:
            fields.fail("tiers", "仅当 policy 为 \"tiers\" 时可给出 tiers (must be null)")
        return None
    raw_list = fields.array(top, "tiers", "", nonempty=True) if raw is not None else None
    if raw is None:
        fields.fail("tiers", "policy \"tiers\" 需要非空的 tiers 数组 (array of tiers)")
    if raw_list is None:
        return None
    tiers: list[Tier] = []
    first: dict[Decimal, int] = {}
    for index, item in enumerate(raw_list):
        path = f"tiers[{index}]"
        obj = fields.mapping(item, path, ("min_score", "amount"))
        if obj is None:
            continue
        score = fields.decimal(obj, "min_score", path)
        amount = _money(fields, obj, "amount", path)
        if score is not None:
            if score in first:
                fields.fail(f"{path}.min_score", f"min_score \"{score}\" 与 tiers[{first[score]}] "
                                                 "相同 (equal min_score)")
                continue
            first[score] = index
        if score is not None and amount is not None:
            tiers.append(Tier(min_score=score, amount=amount))
    return tuple(tiers) if len(tiers) == len(raw_list) else None


def _applications(fields: Fields, top: Mapping[str, object]) -> tuple[Application, ...] | None:
    raw_list = fields.array(top, "applications", "")
    if raw_list is None:
        return None
    applications: list[Application] = []
    first: dict[str, int] = {}
    for index, item in enumerate(raw_list):
        path = f"applications[{index}]"
        obj = fields.mapping(item, path, ("id", "score", "request"))
        if obj is None:
            continue
        aid = fields.text(obj, "id", path, nonempty=True)
        context = {"application": aid}
        score = fields.decimal(obj, "score", path, context)
        request = _money(fields, obj, "request", path, context)
        if aid is not None:
            if aid in first:
                fields.fail(f"{path}.id", f"申报 id {show(aid)} 重复 (duplicate id)，"
                                          f"首次见 applications[{first[aid]}]")
                continue
            first[aid] = index
        text = obj.get("score")
        if aid is not None and score is not None and request is not None and isinstance(text, str):
            applications.append(Application(id=aid, score=score, score_text=text,
                                             request=request))
    return tuple(applications) if len(applications) == len(raw_list) else None


def floor_share(available: Decimal, due: Decimal, dues: Decimal, quantum: Decimal) -> Decimal:
    """`available × due / dues` computed exactly (as a fraction), floored to `quantum`.

    All four are amounts with at most 2 decimals, so the fraction is taken in integer fen.
    """
    fen_available, fen_due, fen_dues, fen_quantum = (
        int(value.scaleb(2)) for value in (available, due, dues, quantum))
    quanta = (fen_available * fen_due) // (fen_dues * fen_quantum)
    return Decimal(quanta * fen_quantum).scaleb(-2)


def _due(inp: AllocationInput, application: Application) -> Decimal:
    due = application.request if inp.cap is None else min(application.request, inp.cap)
    if inp.tiers is None:
        return due
    reached = [tier for tier in inp.tiers if tier.min_score <= application.score]
    if not reached:
        return ZERO
    return min(due, max(reached, key=lambda tier: tier.min_score).amount)


@exact
def compute_allocation(inp: AllocationInput) -> AllocationResult:
    """Rank the applications, work out each due, and walk the budget down the ranking."""
    order = sorted(inp.applications, key=lambda a: a.score, reverse=True)  # stable: input order
    ranks = rank([(a.score,) for a in order])
    eligible = [a for a in order if a.score >= inp.min_score]
    dues = {a.id: _due(inp, a) for a in eligible}
    amounts: dict[str, Decimal] = {}
    if inp.policy == "pro_rata":
        total_due = sum(dues.values(), ZERO)
        for a in eligible:
            amounts[a.id] = (dues[a.id] if total_due <= inp.budget
                             else floor_share(inp.budget, dues[a.id], total_due, inp.quantum))
    else:
        amounts = _walk(inp, eligible, dues)
    lines: list[Allocation] = []
    for application, application_rank in zip(order, ranks, strict=True):
        due = dues.get(application.id)
        amount = amounts.get(application.id, ZERO)
        lines.append(Allocation(id=application.id, score_text=application.score_text,
                                rank=application_rank, request=application.request, due=due,
                                amount=amount, status=_status(due, amount)))
    allocated = sum((line.amount for line in lines), ZERO)
    return AllocationResult(allocations=tuple(lines), allocated=allocated,
                            left=inp.budget - allocated, input_sha256=inp.input_sha256)


def _walk(
    inp: AllocationInput, eligible: list[Application], dues: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Blocks of equal score, from the top, each funded whole while the budget left covers it."""
    blocks: list[list[Application]] = []
    for application in eligible:
        if blocks and blocks[-1][0].score == application.score:
            blocks[-1].append(application)
        else:
            blocks.append([application])
    amounts: dict[str, Decimal] = {}
    left = inp.budget
    stopped = False
    for block in blocks:
        need = sum((dues[a.id] for a in block), ZERO)
        if not stopped and need <= left:
            for a in block:
                amounts[a.id] = dues[a.id]
            left -= need
            continue
        if not stopped and inp.policy == "partial":
            for a in block:
                amounts[a.id] = floor_share(left, dues[a.id], need, inp.quantum)
            left -= sum((amounts[a.id] for a in block), ZERO)
        if inp.policy != "skip":
            stopped = True  # stop, partial and tiers: every block below gets nothing
        for a in block:
            amounts.setdefault(a.id, ZERO)
    return amounts


def _status(due: Decimal | None, amount: Decimal) -> Status:
    if due is None:
        return "below_floor"
    if not amount:
        return "unfunded"
    return "funded" if amount == due else "partial"


def allocation_to_json(result: AllocationResult) -> JsonObject:
    """The `allocate` output of SCORING.md: money with 2 decimals, score echoed as given."""
    return {
        "allocations": [
            {"id": line.id, "score": line.score_text, "rank": line.rank,
             "request": format_money(line.request),
             "due": None if line.due is None else format_money(line.due),
             "amount": format_money(line.amount), "status": line.status}
            for line in result.allocations
        ],
        "allocated": format_money(result.allocated),
        "left": format_money(result.left),
        "input_sha256": result.input_sha256,
    }


def allocate(data: object) -> JsonObject:
    """`python -m scoring allocate` in-process; raises InputError when the input is bad."""
    return allocation_to_json(compute_allocation(parse_allocation_input(data)))

