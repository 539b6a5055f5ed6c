"""`python -m scoring`: the thin command-line shell (JSON in, JSON out, exit status 0/1/2/3)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import BinaryIO, TextIO

from .allocation import allocate
from .errors import BadConstant, InputError, join_path, place, show
from .judges import judge_statistics
from .package import verify_package
from .results import recompute

EXIT_OK = 0
EXIT_DIFFERENT = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

DESCRIPTION = """\
评分核心：任何人可凭审计包与本项目源码逐位复算每个公布的数字（无需数据库与网站）。
Scoring core: recompute every published figure from the audit package, digit for digit.

命令 commands:
  recompute FILE|-   比赛结果 contest results            -> JSON on stdout
  allocate  FILE|-   专项资金分配 fund allocation        -> JSON on stdout
  verify    FILE|-   审计包复算并逐项比对 audit package  -> 一致 (identical) + package hash
  judges    FILE|-   评委一致性统计 judge statistics of a recompute input

退出码 exit status: 0 成功 ok；1 verify 发现差异 differences；2 输入有误 bad input
（每个问题一行，写在 stderr，stdout 为空 nothing on stdout）。规则见 SCORING.md。
"""


class _RepeatedKeys(dict[str, object]):
    """A JSON object in whose text a key appears more than once (the last value was kept)."""

    repeated: list[str]


def _mark_repeated(obj: dict[str, object], pairs: list[tuple[str, object]]) -> _RepeatedKeys:
    marked = _RepeatedKeys(obj)
    seen: set[str] = set()
    marked.repeated = []
    for key, _ in pairs:
        if key in seen:
            marked.repeated.append(key)
        seen.add(key)
    return marked


def _repeated_keys(value: object) -> list[str]:
    """A message for each key repeated within one object, naming the object's place."""
    messages: list[str] = []
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, _RepeatedKeys):
            for key in dict.fromkeys(item.repeated):
                messages.append(f"{place(path)}：字段 {show(key)} 重复出现 (duplicate key)")
        children = item.items() if isinstance(item, dict) else (
            enumerate(item) if isinstance(item, list) else ())
        stack.extend(reversed([(join_path(path, key), child) for key, child in children]))
    return messages


def read_json(raw: bytes) -> object:
    """Parse UTF-8 JSON bytes. NaN/Infinity and JSON numbers with a fraction or an exponent are
    kept (as BadConstant / Decimal) so that validation names their place; a key repeated within
    an object is refused, since readers disagree on which value counts."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte order mark, as some Windows editors write
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError([f"文件不是 UTF-8 编码 (not UTF-8)：第 {error.start} 字节 (byte)"]) from None
    repeated: list[_RepeatedKeys] = []

    def object_of(pairs: list[tuple[str, object]]) -> dict[str, object]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            obj = _mark_repeated(obj, pairs)
            repeated.append(obj)
        return obj

    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=BadConstant,
                           object_pairs_hook=object_of)
    except json.JSONDecodeError as error:
        raise InputError([f"JSON 无法解析 (invalid JSON)：第 {error.lineno} 行第 {error.colno} 列 "
                          f"(line {error.lineno}, column {error.colno})：{error.msg}"]) from None
    except RecursionError:
        raise InputError(["JSON 嵌套过深 (nested too deeply)"]) from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise InputError([f"JSON 无法解析 (invalid JSON)：{error}"]) from None
    if repeated:
        raise InputError(_repeated_keys(value))
    return value


def _read_source(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise InputError([f"无法读取文件 (cannot read file) {name}：{error.strerror}"]) from None


def layout(value: object, indent: str = "") -> str:
    """JSON for people: objects one field a line, arrays one item a line, items compact."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        fields = [f"{inner}{_compact(key)}: {layout(item, inner)}" for key, item in value.items()]
        return "{\n" + ",\n".join(fields) + f"\n{indent}}}"
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join(inner + _compact(item) for item in value) + f"\n{indent}]"
    return _compact(value)


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _json_text(value: object) -> str:
    return layout(value) + "\n"


def _run_recompute(data: object) -> tuple[int, str]:
    return EXIT_OK, _json_text(recompute(data))


def _run_allocate(data: object) -> tuple[int, str]:
    return EXIT_OK, _json_text(allocate(data))


def _run_judges(data: object) -> tuple[int, str]:
    return EXIT_OK, _json_text(judge_statistics(data))


def _run_verify(data: object) -> tuple[int, str]:
    outcome = verify_package(data)
    if outcome.identical:
        return EXIT_OK, f"一致 (identical)\n{outcome.package_hash}\n"
    return EXIT_DIFFERENT, "".join(f"{line}\n" for line in outcome.differences)


VERBS: dict[str, tuple[Callable[[object], tuple[int, str]], str]] = {
    "recompute": (_run_recompute, "比赛结果 contest results -> JSON"),
    "allocate": (_run_allocate, "专项资金分配 fund allocation -> JSON"),
    "verify": (_run_verify, "审计包复算比对 verify an audit package"),
    "judges": (_run_judges, "评委一致性统计 judge consistency statistics"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scoring", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb, (_, summary) in VERBS.items():
        sub = verbs.add_parser(verb, help=summary, description=summary)
        sub.add_argument("file", metavar="FILE|-", help="JSON 文件，或 - 表示标准输入 (stdin)")
    return parser


def _write(stream: TextIO, text: str) -> None:
    """UTF-8 whatever the locale (a string without UTF-8 form is escaped, never fatal)."""
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    buffer.write(text.encode("utf-8", "backslashreplace"))
    buffer.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; returns the exit status (0 ok, 1 verify found differences, 2 bad input)."""
    args = build_parser().parse_args(argv)
    run, _ = VERBS[args.verb]
    try:
        status, text = run(read_json(_read_source(args.file)))
    except InputError as error:
        _write(sys.stderr, "".join(f"{message}\n" for message in error.messages))
        return EXIT_BAD_INPUT
    except RecursionError:
        _write(sys.stderr, "输入嵌套过深 (nested too deeply)\n")
        return EXIT_BAD_INPUT
    except Exception as error:  # never a traceback, even for a fault of ours
        _write(sys.stderr, f"内部错误 (internal error)：{type(error).__name__}: {error}\n")
        return EXIT_INTERNAL
    with contextlib.suppress(BrokenPipeError):
        _write(sys.stdout, text)
    return status
