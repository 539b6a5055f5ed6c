"""Every class of bad input, each with the messages it must produce (shared by the in-process and
the command-line tests)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring.errors import BadConstant


def base_contest() -> dict[str, Any]:
    """Two contestants, one round of two criteria, three judges; valid."""
    marks = [
        {"judge": judge, "contestant": contestant, "criterion": criterion, "value": value}
        for contestant in ("A", "B")
        for judge in ("J01", "J02", "J03")
        for criterion, value in (("C1", "8"), ("C2", "7.5"))
    ]
    return {
        "places": 2,
        "contestants": [{"id": "A", "group": "village"}, {"id": "B", "group": "village"}],
        "rounds": [{
            "id": "plan", "weight": "1",
            "panel": {"method": "trimmed_mean", "trim": 1, "trim_from": 5, "min_judges": 3,
                      "normalize": "none"},
            "criteria": [{"id": "C1", "max": "10", "step": "0.5"},
                         {"id": "C2", "max": "10", "step": "0.5", "min": "2"}],
            "marks": marks, "adjustments": [], "vetoes": [],
        }],
    }


def base_allocation() -> dict[str, Any]:
    return {"budget": "100", "min_score": "60", "cap": None, "policy": "skip", "tiers": None,
            "quantum": "0.01",
            "applications": [{"id": "A01", "score": "91.20", "request": "50"},
                             {"id": "A02", "score": "80", "request": "60"}]}


@dataclass(frozen=True)
class BadInput:
    """`change` edits a fresh valid input; `messages` are the whole stderr, line by line."""

    name: str
    verb: str
    change: Callable[[dict[str, Any]], object]
    messages: tuple[str, ...]

    def data(self) -> object:
        fresh = base_contest() if self.verb in ("recompute", "judges") else base_allocation()
        changed = self.change(fresh)
        return changed if isinstance(changed, list) else fresh


def mark(data: dict[str, Any], index: int) -> dict[str, Any]:
    found = data["rounds"][0]["marks"][index]
    assert isinstance(found, dict)
    return found


def mark0(**fields: object) -> Callable[[dict[str, Any]], None]:
    return lambda data: mark(data, 0).update(fields)


M0 = 'rounds[0].marks[0]（round "plan"，judge "J01"，contestant "A"，criterion "C1"'
NOT_DECIMAL = "应为十进制数字符串 (decimal string, 如 \"18.5\")，实为"


def _incomplete(data: dict[str, Any]) -> None:
    del data["rounds"][0]["marks"][1]


def _duplicate(data: dict[str, Any]) -> None:
    data["rounds"][0]["marks"].append(dict(mark(data, 0)))


def _too_few(data: dict[str, Any]) -> None:
    data["rounds"][0]["marks"] = [m for m in data["rounds"][0]["marks"]
                                  if not (m["contestant"] == "B" and m["judge"] == "J03")]


def _absent_adjustment(data: dict[str, Any]) -> None:
    data["rounds"][0]["marks"] = [m for m in data["rounds"][0]["marks"] if m["contestant"] == "A"]
    data["rounds"][0]["adjustments"] = [{"contestant": "B", "value": "1", "reason": "加分"}]


def _drop_vetoes(data: dict[str, Any]) -> None:
    del data["rounds"][0]["vetoes"]


def _round(**fields: object) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["rounds"][0].update(fields)


CASES: tuple[BadInput, ...] = (
    BadInput("over max", "recompute", mark0(value="10.5"),
             (f'{M0}，value "10.5"）：分值 value "10.5" 超过最高分 (over max) "10"',)),
    BadInput("under min", "recompute", lambda d: mark(d, 1).update(value="1.5"),
             ('rounds[0].marks[1]（round "plan"，judge "J01"，contestant "A"，criterion "C2"，value "1.5"）'
              '：分值 value "1.5" 低于最低分 (under min) "2"',)),
    BadInput("off step", "recompute", mark0(value="7.25"),
             (f'{M0}，value "7.25"）：分值 value "7.25" 不在步长上 (off step)：应为 min "0" 加 step "0.5" 的整数倍',)),
    BadInput("JSON number", "recompute", mark0(value=Decimal("8.5")), (f"{M0}）：{NOT_DECIMAL} 8.5",)),
    BadInput("JSON integer", "recompute", mark0(value=8), (f"{M0}）：{NOT_DECIMAL} 8",)),
    BadInput("exponent", "recompute", mark0(value="8e0"), (f'{M0}，value "8e0"）：{NOT_DECIMAL} "8e0"',)),
    BadInput("NaN", "recompute", mark0(value=BadConstant("NaN")), (f"{M0}）：{NOT_DECIMAL} NaN",)),
    BadInput("NaN string", "recompute", mark0(value="NaN"), (f'{M0}，value "NaN"）：{NOT_DECIMAL} "NaN"',)),
    BadInput("space", "recompute", mark0(value=" 8"), (f'{M0}，value " 8"）：{NOT_DECIMAL} " 8"',)),
    BadInput("underscore", "recompute", mark0(value="1_0"), (f'{M0}，value "1_0"）：{NOT_DECIMAL} "1_0"',)),
    BadInput("plus sign", "recompute", mark0(value="+8"), (f'{M0}，value "+8"）：{NOT_DECIMAL} "+8"',)),
    BadInput("bare point", "recompute", mark0(value="8."), (f'{M0}，value "8."）：{NOT_DECIMAL} "8."',)),
    BadInput("fullwidth digits", "recompute", mark0(value="８"), (f'{M0}，value "８"）：{NOT_DECIMAL} "８"',)),
    BadInput("null judge and contestant", "recompute", mark0(judge=None, contestant=None),
             ('rounds[0].marks[0].judge（round "plan"）：应为字符串 (string)，实为 null',
              'rounds[0].marks[0].contestant（round "plan"）：应为字符串 (string)，实为 null')),
    BadInput("duplicate mark", "recompute", _duplicate,
             ('rounds[0].marks[12]（round "plan"，judge "J01"，contestant "A"，criterion "C1"，value "8"）'
              '：重复评分 (duplicate mark)：与 rounds[0].marks[0] 为同一评委、参赛人和指标',)),
    BadInput("incomplete sheet", "recompute", _incomplete,
             ('rounds[0].marks（round "plan"，judge "J01"，contestant "A"）：评分表不完整 (incomplete sheet)'
              '：缺少指标 criterion "C2"',)),
    BadInput("unknown contestant", "recompute", mark0(contestant="Z"),
             ('rounds[0].marks[0]（round "plan"，judge "J01"，contestant "Z"，criterion "C1"，value "8"）'
              '：参赛人 contestant "Z" 不在 contestants 中 (unknown contestant)',)),
    BadInput("unknown criterion", "recompute", mark0(criterion="C9"),
             ('rounds[0].marks[0]（round "plan"，judge "J01"，contestant "A"，criterion "C9"，value "8"）'
              '：指标 criterion "C9" 不是本轮的指标 (unknown criterion)',)),
    BadInput("fewer sheets than min_judges", "recompute", _too_few,
             ('rounds[0].marks（round "plan"，contestant "B"）：只有 2 位评委评分 (sheets)，少于 min_judges 3'
              '（须先批准较小的评委组并降低 min_judges）',)),
    BadInput("zero weight", "recompute", _round(weight="0"),
             ('rounds[0].weight（round "plan"）：权重 weight "0" 必须为正数 (positive)',)),
    BadInput("negative weight", "recompute", _round(weight="-1"),
             ('rounds[0].weight（round "plan"）：权重 weight "-1" 必须为正数 (positive)',)),
    BadInput("adjustment for an absent contestant", "recompute", _absent_adjustment,
             ('rounds[0].adjustments[0]（round "plan"，contestant "B"）：参赛人缺席本轮 (absent from the round)，'
              '不能有加减分 (adjustment)',)),
    BadInput("adjustment with too many decimals", "recompute",
             _round(adjustments=[{"contestant": "A", "value": "-1.005", "reason": "超时"}]),
             ('rounds[0].adjustments[0].value（round "plan"，contestant "A"）'
              '：加减分 value "-1.005" 的小数位多于 places 2',)),
    BadInput("unknown field", "recompute", lambda d: d.update(rank_by="total"),
             ('(顶层 top level)：未知字段 (unknown field) "rank_by"',)),
    BadInput("missing field", "recompute", _drop_vetoes,
             ('rounds[0]：缺少字段 (missing field) "vetoes"',)),
    BadInput("places out of range", "recompute", lambda d: d.update(places=11),
             ("places：11 超出范围 (out of range)，应为 0–10",)),
    BadInput("places as a string", "recompute", lambda d: d.update(places="2"),
             ('places：应为 JSON 整数 (integer)，实为 字符串 (string) "2"',)),
    BadInput("unknown ranking", "recompute", lambda d: d.update(ranking="olympic"),
             ('ranking：未知取值 (unknown value) "olympic"，应为 "competition" / "dense"',)),
    BadInput("trim_from too small", "recompute",
             lambda d: d["rounds"][0]["panel"].update(trim=2, trim_from=4),
             ('rounds[0].panel.trim_from（round "plan"）：4 超出范围 (out of range)，应 ≥ 2·trim + 1 = 5',)),
    BadInput("trimmed mean without trim", "recompute", lambda d: d["rounds"][0]["panel"].pop("trim") and None,
             ('rounds[0].panel（round "plan"）：缺少字段 (missing field) "trim"（method "trimmed_mean" 时必填）',)),
    BadInput("step not positive", "recompute", lambda d: d["rounds"][0]["criteria"][0].update(step="0"),
             ('rounds[0].criteria[0].step（round "plan"，criterion "C1"）：步长 step "0" 必须大于 0',)),
    BadInput("min above max", "recompute", lambda d: d["rounds"][0]["criteria"][1].update(min="11"),
             ('rounds[0].criteria[1]（round "plan"，criterion "C2"）：最低分 min "11" 大于最高分 max "10"',)),
    BadInput("duplicate contestant id", "recompute",
             lambda d: d["contestants"].append({"id": "A", "group": "village"}),
             ('contestants[2].id：参赛人 id "A" 重复 (duplicate id)，首次见 contestants[0]',)),
    BadInput("duplicate criterion id", "recompute",
             lambda d: d["rounds"][0]["criteria"].append({"id": "C1", "max": "5", "step": "1"}),
             ('rounds[0].criteria[2].id（round "plan"）'
              '：指标 id "C1" 重复 (duplicate id)，首次见 rounds[0].criteria[0]',)),
    BadInput("duplicate round id", "recompute",
             lambda d: d["rounds"].append(copy.deepcopy(d["rounds"][0])),
             ('rounds[1].id：轮次 id "plan" 重复 (duplicate id)，首次见 rounds[0]',)),
    BadInput("empty contestants", "recompute", lambda d: d.update(contestants=[]),
             ("contestants：不能为空 (must not be empty)",) + tuple(
                 f'rounds[0].marks[{i}]（round "plan"，judge "J0{1 + (i % 6) // 2}"，contestant "{"AB"[i // 6]}"，'
                 f'criterion "C{1 + i % 2}"，value "{("8", "7.5")[i % 2]}"）：参赛人 contestant "{"AB"[i // 6]}" '
                 "不在 contestants 中 (unknown contestant)" for i in range(12))),
    BadInput("unknown tie-break round", "recompute", lambda d: d.update(tie_break=["final"]),
             ('tie_break[0]："final" 不是任何轮次的 id (unknown round)',)),
    BadInput("lone surrogate", "recompute",
             lambda d: d["contestants"][1].update(name="\ud800"),
             ("contestants[1].name：字符串没有 UTF-8 形式 (lone surrogate, no UTF-8 form)",)),
    BadInput("award band count below 1", "recompute",
             lambda d: d.update(awards=[{"group": "village", "bands": [{"name": "一等奖", "count": 0}]}]),
             ("awards[0].bands[0].count：0 超出范围 (out of range)，应为 ≥ 1",)),
    BadInput("award band share above 1", "recompute",
             lambda d: d.update(awards=[{"group": "village", "bands": [{"name": "一等奖", "share": "1.5"}]}]),
             ('awards[0].bands[0].share（group "village"，band "一等奖"）：比例 share "1.5" 应满足 0 < share ≤ 1',)),
    BadInput("award band with two kinds", "recompute",
             lambda d: d.update(awards=[{"group": "village", "bands": [
                 {"name": "一等奖", "count": 1, "min_total": "90"}]}]),
             ('awards[0].bands[0]（group "village"，band "一等奖"）'
              '：须恰有 count、share、min_total 之一 (exactly one)',)),
    BadInput("award for a group without contestants", "recompute",
             lambda d: d.update(awards=[{"group": "township", "bands": []}]),
             ('awards[0].group：组别 group "township" 没有参赛人 (no contestant)',)),
    BadInput("duplicate award band name", "recompute",
             lambda d: d.update(awards=[{"group": "village", "bands": [
                 {"name": "一等奖", "count": 1}, {"name": "一等奖", "count": 2}]}]),
             ('awards[0].bands[1].name（group "village"，band "一等奖"）：奖项名称重复 (duplicate band name)',)),
    BadInput("negative budget", "allocate", lambda d: d.update(budget="-1"),
             ('budget：金额 budget "-1" 不能为负 (negative)',)),
    BadInput("negative request", "allocate", lambda d: d["applications"][0].update(request="-5"),
             ('applications[0].request（application "A01"）：金额 request "-5" 不能为负 (negative)',)),
    BadInput("money with three decimals", "allocate", lambda d: d.update(cap="10.001"),
             ('cap：金额 cap "10.001" 最多 2 位小数 (at most 2 decimals)',)),
    BadInput("unknown policy", "allocate", lambda d: d.update(policy="lottery"),
             ('policy：未知取值 (unknown value) "lottery"，应为 "skip" / "stop" / "partial" / "pro_rata" / "tiers"',)),
    BadInput("tiers under another policy", "allocate",
             lambda d: d.update(tiers=[{"min_score": "90", "amount": "10"}]),
             ('tiers：仅当 policy 为 "tiers" 时可给出 tiers (must be null)',)),
    BadInput("equal tier scores", "allocate",
             lambda d: d.update(policy="tiers", tiers=[{"min_score": "90", "amount": "10"},
                                                       {"min_score": "90.0", "amount": "20"}]),
             ('tiers[1].min_score：min_score "90.0" 与 tiers[0] 相同 (equal min_score)',)),
    BadInput("zero quantum", "allocate", lambda d: d.update(quantum="0"),
             ('quantum：最小单位 quantum "0" 必须大于 0 (positive)',)),
    BadInput("duplicate application id", "allocate",
             lambda d: d["applications"].append({"id": "A01", "score": "1", "request": "1"}),
             ('applications[2].id：申报 id "A01" 重复 (duplicate id)，首次见 applications[0]',)),
    BadInput("not an object", "allocate", lambda d: [d],
             ("(顶层 top level)：应为对象 (object)，实为 数组 (array)",)),
)


def as_json(value: object) -> str:
    """JSON text of a case's input, writing Decimals and NaN as JSON numbers / constants."""
    if isinstance(value, BadConstant):
        return value.text
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{as_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(as_json(v) for v in value) + "]"
    return json.dumps(value)
