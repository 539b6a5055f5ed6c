"""Readers for the fields of JSON objects that record every problem instead of stopping at one."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from .errors import Problems, join_path, json_type, place, show
from .numbers import CONTRACT, DecimalRefused, read_decimal

_T = TypeVar("_T", bound=str)

DECIMAL_WANTED = "应为十进制数字符串 (decimal string, 如 \"18.5\")"


def contract_decimal(value: object, shown: str) -> Decimal | str:
    """The Decimal of a contract number, or what is wrong with it (`shown`: how to name a misspelt value)."""
    try:
        return read_decimal(value, CONTRACT)
    except DecimalRefused as refused:
        if refused.flaw == "digits":
            return f"{DECIMAL_WANTED}，整数部分多于 {CONTRACT.digits} 位 (too many digits)"
        if refused.flaw == "places":
            return f"{DECIMAL_WANTED}，小数多于 {CONTRACT.places} 位 (too many decimals)"
        return f"{DECIMAL_WANTED}，实为 {shown}"


class Fields:
    """Reads JSON-shaped values for one document, adding a message to `problems` per flaw."""

    __slots__ = ("problems",)

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def fail(self, path: str, what: str, context: Mapping[str, object] | None = None) -> None:
        self.problems.add(place(path, **(context or {})), what)

    def mapping(
        self,
        value: object,
        path: str,
        required: Collection[str],
        optional: Collection[str] = (),
        context: Mapping[str, object] | None = None,
    ) -> dict[str, object] | None:
        """The object itself (even with missing or unknown fields, which are reported)."""
        if not isinstance(value, dict):
            self.fail(path, f"应为对象 (object)，实为 {json_type(value)}", context)
            return None
        for key in required:
            if key not in value:
                self.fail(path, f"缺少字段 (missing field) \"{key}\"", context)
        for key in value:
            if key not in required and key not in optional:
                self.fail(path, f"未知字段 (unknown field) {show(key)}", context)
        return value

    def array(
        self, obj: Mapping[str, object], key: str, path: str, nonempty: bool = False
    ) -> list[object] | None:
        if key not in obj:
            return None
        value = obj[key]
        where = join_path(path, key)
        if not isinstance(value, list):
            self.fail(where, f"应为数组 (array)，实为 {json_type(value)}")
            return None
        if nonempty and not value:
            self.fail(where, "不能为空 (must not be empty)")
        return value

    def text(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        nonempty: bool = False,
        context: Mapping[str, object] | None = None,
    ) -> str | None:
        if key not in obj:
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.fail(join_path(path, key), f"应为字符串 (string)，实为 {json_type(value)}", context)
            return None
        if nonempty and not value:
            self.fail(join_path(path, key), "不能为空字符串 (must not be empty)", context)
            return None
        return value

    def decimal(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        context: Mapping[str, object] | None = None,
    ) -> Decimal | None:
        if key not in obj:
            return None
        number = contract_decimal(obj[key], json_type(obj[key]))
        if isinstance(number, str):
            self.fail(join_path(path, key), number, context)
            return None
        return number

    def integer(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        low: int,
        high: int | None = None,
        default: int | None = None,
    ) -> int | None:
        if key not in obj:
            return default
        value = obj[key]
        where = join_path(path, key)
        if type(value) is not int:
            self.fail(where, f"应为 JSON 整数 (integer)，实为 {json_type(value)}")
            return None
        if value < low or (high is not None and value > high):
            limit = f"{low}–{high}" if high is not None else f"≥ {low}"
            self.fail(where, f"{value} 超出范围 (out of range)，应为 {limit}")
            return None
        return value

    def choice(
        self, obj: Mapping[str, object], key: str, path: str, options: Sequence[_T], default: _T | None
    ) -> _T | None:
        if key not in obj:
            return default
        value = obj[key]
        for option in options:
            if value == option and isinstance(value, str):
                return option
        allowed = " / ".join(f'"{option}"' for option in options)
        self.fail(join_path(path, key), f"未知取值 (unknown value) {show(value)}，应为 {allowed}")
        return None
