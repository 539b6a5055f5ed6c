"""Validation of a `recompute` input into a RecomputeInput, listing every problem at once."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from decimal import Decimal

from .awards import parse_awards
from .canonical import canonical_bytes_or_report
from .errors import InputError, Problems, join_path, show
from .fields import Fields
from .marks import FoldedMarks, fold_marks
from .model import (
    ABSENT_ROUNDS,
    NORMALISATIONS,
    PANEL_METHODS,
    RANKING_METHODS,
    Contestant,
    Criterion,
    PanelRule,
    RecomputeInput,
    Round,
)
from .numbers import decimals_of, exact

TOP_REQUIRED = ("places", "contestants", "rounds")
TOP_OPTIONAL = ("absent_round", "ranking", "tie_break", "awards")
ROUND_FIELDS = ("id", "weight", "panel", "criteria", "marks", "adjustments", "vetoes")


def parse_recompute_input(data: object) -> RecomputeInput:
    """Check a JSON-shaped `recompute` input; raise InputError listing every problem."""
    return parse_recompute_input_canonical(data)[0]


@exact
def parse_recompute_input_canonical(data: object) -> tuple[RecomputeInput, bytes]:
    """`parse_recompute_input`, with the canonical JSON bytes of `data` that its `input_sha256` hashes."""
    problems = Problems()
    fields = Fields(problems)
    top = fields.mapping(data, "", TOP_REQUIRED, TOP_OPTIONAL)
    if top is None:
        raise InputError(problems.messages)
    places = fields.integer(top, "places", "", 0, 10)
    absent_round = fields.choice(top, "absent_round", "", ABSENT_ROUNDS, "zero")
    ranking = fields.choice(top, "ranking", "", RANKING_METHODS, "competition")
    contestants, contestant_ids = _contestants(fields, top)
    rounds: list[Round | None] = []
    round_ids: dict[str, int] = {}
    raw_rounds = fields.array(top, "rounds", "", nonempty=True)
    for index, raw in enumerate(raw_rounds or ()):
        rounds.append(_round(fields, raw, index, places, contestant_ids, round_ids))
    tie_break = _tie_break(fields, top, None if raw_rounds is None else round_ids)
    groups = None if contestants is None else {c.group for c in contestants}
    awards = parse_awards(fields, top.get("awards", []), "awards", groups)
    canonical = canonical_bytes_or_report(data, problems)
    problems.raise_if_any()
    assert places is not None and absent_round is not None and ranking is not None
    assert contestants is not None and tie_break is not None and awards is not None
    assert canonical is not None and all(r is not None for r in rounds)
    return RecomputeInput(
        places=places,
        absent_round=absent_round,
        ranking=ranking,
        tie_break=tie_break,
        awards=awards,
        contestants=tuple(contestants),
        rounds=tuple(r for r in rounds if r is not None),
        input_sha256=hashlib.sha256(canonical).hexdigest(),
    ), canonical


def _contestants(
    fields: Fields, top: Mapping[str, object]
) -> tuple[list[Contestant] | None, set[str] | None]:
    """The contestants, and every id named (also of an entry refused for another reason)."""
    raw_list = fields.array(top, "contestants", "", nonempty=True)
    if raw_list is None:
        return None, None
    contestants: list[Contestant] = []
    first: dict[str, int] = {}
    for index, raw in enumerate(raw_list):
        path = f"contestants[{index}]"
        obj = fields.mapping(raw, path, ("id", "group"), ("name",))
        if obj is None:
            continue
        cid = fields.text(obj, "id", path, nonempty=True)
        group = fields.text(obj, "group", path, nonempty=True, context={"contestant": cid})
        name = fields.text(obj, "name", path, context={"contestant": cid})
        if cid is None:
            continue
        if cid in first:
            fields.fail(f"{path}.id", f"参赛人 id {show(cid)} 重复 (duplicate id)，"
                                      f"首次见 contestants[{first[cid]}]")
            continue
        first[cid] = index
        if group is not None:
            contestants.append(Contestant(id=cid, group=group, name=name))
    return contestants, set(first)


def _round(
    fields: Fields,
    raw: object,
    index: int,
    places: int | None,
    contestant_ids: Collection[str] | None,
    round_ids: dict[str, int],
) -> Round | None:
    path = f"rounds[{index}]"
    obj = fields.mapping(raw, path, ROUND_FIELDS)
    if obj is None:
        return None
    rid = fields.text(obj, "id", path, nonempty=True)
    if rid is not None:
        if rid in round_ids:
            fields.fail(f"{path}.id", f"轮次 id {show(rid)} 重复 (duplicate id)，"
                                      f"首次见 rounds[{round_ids[rid]}]")
        else:
            round_ids[rid] = index
    context = {"round": rid}
    weight = fields.decimal(obj, "weight", path, context)
    if weight is not None and weight <= 0:
        fields.fail(f"{path}.weight", f"权重 weight \"{weight}\" 必须为正数 (positive)", context)
        weight = None
    panel = _panel(fields, obj["panel"], f"{path}.panel", rid) if "panel" in obj else None
    criteria, unusable = _criteria(fields, obj, path, rid)
    marks = fields.array(obj, "marks", path)
    folded: FoldedMarks | None = None
    if marks is not None and criteria is not None:
        folded = fold_marks(marks, f"{path}.marks", rid, criteria, unusable, contestant_ids,
                            fields.problems)
        if panel is not None:
            for contestant, count in folded.attempted.items():
                if 0 < count < panel.min_judges:
                    fields.fail(f"{path}.marks",
                                f"只有 {count} 位评委评分 (sheets)，少于 min_judges {panel.min_judges}"
                                "（须先批准较小的评委组并降低 min_judges）",
                                {"round": rid, "contestant": contestant})
    adjustments = _adjustments(fields, obj, path, rid, places, contestant_ids, folded)
    vetoes = _vetoes(fields, obj, path, rid, contestant_ids)
    if (rid is None or weight is None or panel is None or criteria is None or unusable
            or folded is None or adjustments is None or vetoes is None):
        return None
    return Round(
        id=rid,
        weight=weight,
        panel=panel,
        criteria=tuple(criteria),
        sheets={c: totals for c, totals in folded.sheets.items() if totals},
        adjustments=adjustments,
        vetoes=vetoes,
    )


def _panel(fields: Fields, raw: object, path: str, rid: str | None) -> PanelRule | None:
    context = {"round": rid}
    obj = fields.mapping(raw, path, ("method", "min_judges", "normalize"), ("trim", "trim_from"),
                        context)
    if obj is None:
        return None
    method = fields.choice(obj, "method", path, PANEL_METHODS, None)
    min_judges = fields.integer(obj, "min_judges", path, 1)
    normalize = fields.choice(obj, "normalize", path, NORMALISATIONS, None)
    trim = fields.integer(obj, "trim", path, 0)
    trim_from: int | None = None
    if "trim_from" in obj:
        trim_from = fields.integer(obj, "trim_from", path, 1)
        if trim is not None and trim_from is not None and trim_from < 2 * trim + 1:
            fields.fail(f"{path}.trim_from", f"{trim_from} 超出范围 (out of range)，"
                                             f"应 ≥ 2·trim + 1 = {2 * trim + 1}", context)
            trim_from = None
    if method == "trimmed_mean":
        for key in ("trim", "trim_from"):
            if key not in obj:
                fields.fail(path, f"缺少字段 (missing field) \"{key}\"（method \"trimmed_mean\" 时必填）",
                            context)
    if method is None or min_judges is None or normalize is None:
        return None
    if method == "mean":
        return PanelRule(method=method, min_judges=min_judges, normalize=normalize)
    if trim is None or trim_from is None:
        return None
    return PanelRule(method=method, min_judges=min_judges, normalize=normalize, trim=trim,
                     trim_from=trim_from)


def _criteria(
    fields: Fields, obj: Mapping[str, object], path: str, rid: str | None
) -> tuple[list[Criterion] | None, set[str]]:
    """The valid criteria, and the ids of those that exist but are refused."""
    raw_list = fields.array(obj, "criteria", path, nonempty=True)
    if raw_list is None:
        return None, set()
    criteria: list[Criterion] = []
    unusable: set[str] = set()
    first: dict[str, int] = {}
    for index, raw in enumerate(raw_list):
        cpath = f"{path}.criteria[{index}]"
        cobj = fields.mapping(raw, cpath, ("id", "max", "step"), ("min",), {"round": rid})
        if cobj is None:
            continue
        cid = fields.text(cobj, "id", cpath, nonempty=True, context={"round": rid})
        context = {"round": rid, "criterion": cid}
        high = fields.decimal(cobj, "max", cpath, context)
        step = fields.decimal(cobj, "step", cpath, context)
        low = fields.decimal(cobj, "min", cpath, context) if "min" in cobj else Decimal(0)
        usable = high is not None and step is not None and low is not None
        if step is not None and step <= 0:
            fields.fail(f"{cpath}.step", f"步长 step \"{step}\" 必须大于 0", context)
            usable = False
        if low is not None and high is not None and low > high:
            fields.fail(cpath, f"最低分 min \"{low}\" 大于最高分 max \"{high}\"", context)
            usable = False
        if cid is None:
            continue
        if cid in first:
            fields.fail(f"{cpath}.id", f"指标 id {show(cid)} 重复 (duplicate id)，"
                                       f"首次见 {path}.criteria[{first[cid]}]", {"round": rid})
            continue
        first[cid] = index
        if usable and high is not None and step is not None and low is not None:
            criteria.append(Criterion(id=cid, max=high, step=step, min=low))
        else:
            unusable.add(cid)
    return criteria, unusable


def _adjustments(
    fields: Fields,
    obj: Mapping[str, object],
    path: str,
    rid: str | None,
    places: int | None,
    contestant_ids: Collection[str] | None,
    folded: FoldedMarks | None,
) -> dict[str, Decimal] | None:
    raw_list = fields.array(obj, "adjustments", path)
    if raw_list is None:
        return None
    sums: dict[str, Decimal] = {}
    ok = True
    for index, raw in enumerate(raw_list):
        apath = f"{path}.adjustments[{index}]"
        aobj = fields.mapping(raw, apath, ("contestant", "value", "reason"), (), {"round": rid})
        if aobj is None:
            ok = False
            continue
        contestant = _known_contestant(fields, aobj, apath, rid, contestant_ids)
        context = {"round": rid, "contestant": contestant}
        value = fields.decimal(aobj, "value", apath, context)
        fields.text(aobj, "reason", apath, context=context)
        if value is not None and places is not None and decimals_of(value) > places:
            fields.fail(f"{apath}.value", f"加减分 value \"{value}\" 的小数位多于 places {places}",
                        context)
            value = None
        if (contestant is not None and folded is not None
                and not folded.attempted.get(contestant)):
            fields.fail(apath, "参赛人缺席本轮 (absent from the round)，不能有加减分 (adjustment)",
                        context)
            contestant = None
        if contestant is None or value is None:
            ok = False
            continue
        sums[contestant] = sums.get(contestant, Decimal(0)) + value
    return sums if ok else None


def _vetoes(
    fields: Fields,
    obj: Mapping[str, object],
    path: str,
    rid: str | None,
    contestant_ids: Collection[str] | None,
) -> frozenset[str] | None:
    raw_list = fields.array(obj, "vetoes", path)
    if raw_list is None:
        return None
    vetoed: set[str] = set()
    ok = True
    for index, raw in enumerate(raw_list):
        vpath = f"{path}.vetoes[{index}]"
        vobj = fields.mapping(raw, vpath, ("contestant", "reason"), (), {"round": rid})
        if vobj is None:
            ok = False
            continue
        contestant = _known_contestant(fields, vobj, vpath, rid, contestant_ids)
        fields.text(vobj, "reason", vpath, context={"round": rid, "contestant": contestant})
        if contestant is None:
            ok = False
        else:
            vetoed.add(contestant)
    return frozenset(vetoed) if ok else None


def _known_contestant(
    fields: Fields,
    obj: Mapping[str, object],
    path: str,
    rid: str | None,
    contestant_ids: Collection[str] | None,
) -> str | None:
    contestant = fields.text(obj, "contestant", path, nonempty=True, context={"round": rid})
    if contestant is not None and contestant_ids is not None and contestant not in contestant_ids:
        fields.fail(join_path(path, "contestant"),
                    f"参赛人 contestant {show(contestant)} 不在 contestants 中 (unknown contestant)",
                    {"round": rid})
        return None
    return contestant


def _tie_break(
    fields: Fields, top: Mapping[str, object], round_ids: Mapping[str, int] | None
) -> tuple[str, ...] | None:
    raw_list = fields.array(top, "tie_break", "") if "tie_break" in top else []
    if raw_list is None:
        return None
    ids: list[str] = []
    for index, raw in enumerate(raw_list):
        path = f"tie_break[{index}]"
        if not isinstance(raw, str):
            fields.fail(path, f"应为轮次 id 字符串 (round id)，实为 {show(raw)}")
        elif round_ids is not None and raw not in round_ids:
            fields.fail(path, f"{show(raw)} 不是任何轮次的 id (unknown round)")
        else:
            ids.append(raw)
    return tuple(ids) if len(ids) == len(raw_list) else None

