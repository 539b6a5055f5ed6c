"""Bad input: the InputError carrying every problem, and the Chinese wording of each problem."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal


class InputError(ValueError):
    """The input is refused; `messages` holds one line per problem (Chinese, English field names)."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages: tuple[str, ...] = tuple(messages)
        super().__init__("\n".join(self.messages))


class BadConstant:
    """What the JSON reader makes of `NaN`, `Infinity` and `-Infinity`: never a valid value."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def show(value: object) -> str:
    """A value as it would read in JSON, safe to print (lone surrogates as `\\udXXX`)."""
    if isinstance(value, BadConstant):
        return value.text
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dict, list)):
        kind = "对象 (object)" if isinstance(value, dict) else "数组 (array)"
        return kind
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def json_type(value: object) -> str:
    """The JSON kind of a parsed value, in Chinese with the English word."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "布尔值 (boolean)"
    if isinstance(value, (int, Decimal, float, BadConstant)):
        return f"数字 (number) {show(value)}"
    if isinstance(value, str):
        return f"字符串 (string) {show(value)}"
    if isinstance(value, list):
        return "数组 (array)"
    if isinstance(value, dict):
        return "对象 (object)"
    return type(value).__name__


def place(path: str, **context: object) -> str:
    """`rounds[0].marks[3]（round "plan"，judge "J01"）`: the JSON path and the named ids."""
    named = "，".join(f"{name} {show(value)}" for name, value in context.items() if value is not None)
    where = path or "(顶层 top level)"
    return f"{where}（{named}）" if named else where


class Problems:
    """Collects problems in input order; raises them all at once."""

    __slots__ = ("messages",)

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.messages.append(f"{where}：{what}")

    def extend(self, messages: Iterable[str]) -> None:
        self.messages.extend(messages)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def raise_if_any(self) -> None:
        if self.messages:
            raise InputError(self.messages)


def join_path(base: str, key: str | int) -> str:
    """`join_path("rounds[0]", "marks") == "rounds[0].marks"`; integers index arrays."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key
