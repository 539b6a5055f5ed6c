"""The audit package: its hash, and `verify` (recompute the input, compare field by field)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal

from .allocation import allocate
from .canonical import canonical_json, canonical_sha256, lone_surrogates
from .errors import BadConstant, InputError, Problems, join_path, show
from .fields import Fields
from .model import PACKAGE_KINDS, JsonObject, PackageKind, VerifyResult
from .results import recompute, recompute_canonical

PACKAGE_FIELDS = ("kind", "input", "result", "published_at", "version")
MISSING = "(missing)"


def package_hash(package: Mapping[str, object]) -> str:
    """SHA-256 of the canonical JSON of `{"kind", "input", "result"}`: what a supervisor signs."""
    return canonical_sha256({key: package[key] for key in ("kind", "input", "result")})


def recompute_with_package_hash(input: object) -> tuple[JsonObject, str]:
    """`recompute(input)` and the `package_hash` of `{"kind": "recompute", "input": input, "result": it}`.

    The same hash, with the input's canonical JSON made once (the core makes it for `input_sha256`): the
    canonical JSON of the package is `{"input":` + that + `,"kind":"recompute","result":` + the result's + `}`
    (keys sorted, no spaces). Raises InputError as `recompute` does."""
    result, canonical = recompute_canonical(input)
    digest = hashlib.sha256(b'{"input":')
    digest.update(canonical)
    digest.update(b',"kind":"recompute","result":')
    digest.update(canonical_json(result).encode("utf-8"))
    digest.update(b"}")
    return result, digest.hexdigest()


def build_package(
    kind: PackageKind, input: Mapping[str, object], published_at: str, version: int
) -> JsonObject:
    """A package for one published result version, its result computed here."""
    result = recompute(input) if kind == "recompute" else allocate(input)
    return {"kind": kind, "input": input, "result": result, "published_at": published_at,
            "version": version}


def verify_package(package: object) -> VerifyResult:
    """Recompute the package's input and compare with its published result, field by field.

    Raises InputError when the package is not of the contract's shape or its input is bad.
    """
    problems = Problems()
    fields = Fields(problems)
    obj = fields.mapping(package, "", PACKAGE_FIELDS)
    if obj is None:
        raise InputError(problems.messages)
    kind = fields.choice(obj, "kind", "", PACKAGE_KINDS, None)
    fields.text(obj, "published_at", "")
    fields.integer(obj, "version", "", 1)
    published = obj.get("result")
    if "result" in obj and not isinstance(published, dict):
        fields.fail("result", "应为对象 (object)")
    outside_input = {key: obj[key] for key in ("published_at", "result") if key in obj}
    for path in lone_surrogates(outside_input):
        problems.add(path, "字符串没有 UTF-8 形式 (lone surrogate, no UTF-8 form)")
    recomputed: JsonObject | None = None
    if kind is not None and "input" in obj:
        try:
            data = obj["input"]
            recomputed = recompute(data) if kind == "recompute" else allocate(data)
        except InputError as error:
            problems.extend(_inside("input", message) for message in error.messages)
    problems.raise_if_any()
    assert recomputed is not None and isinstance(published, dict)
    lines = differences(published, recomputed)
    if lines:
        return VerifyResult(identical=False, differences=tuple(lines), package_hash=None)
    return VerifyResult(identical=True, differences=(), package_hash=package_hash(obj))


def _inside(field: str, message: str) -> str:
    """A message about the package's input, its path made relative to the package."""
    top = "(顶层 top level)"
    if message.startswith(top):
        return field + message[len(top):]
    return f"{field}{message}" if message.startswith("[") else f"{field}.{message}"


def differences(published: object, recomputed: object, path: str = "") -> list[str]:
    """`PATH: published X, recomputed Y` for every difference; lists compare by position."""
    lines: list[str] = []
    _compare(published, recomputed, path, lines)
    return lines


def _compare(published: object, recomputed: object, path: str, lines: list[str]) -> None:
    if isinstance(published, dict) and isinstance(recomputed, dict):
        for key, value in recomputed.items():
            child = join_path(path, key)
            if key in published:
                _compare(published[key], value, child, lines)
            else:
                lines.append(f"{child}: published {MISSING}, recomputed {display(value)}")
        for key, value in published.items():
            if key not in recomputed:
                lines.append(f"{join_path(path, key)}: published {display(value)}, "
                             f"recomputed {MISSING}")
    elif isinstance(published, list) and isinstance(recomputed, list):
        for index in range(max(len(published), len(recomputed))):
            child = join_path(path, index)
            if index >= len(published):
                lines.append(f"{child}: published {MISSING}, recomputed {display(recomputed[index])}")
            elif index >= len(recomputed):
                lines.append(f"{child}: published {display(published[index])}, recomputed {MISSING}")
            else:
                _compare(published[index], recomputed[index], child, lines)
    elif type(published) is not type(recomputed) or published != recomputed:
        lines.append(f"{path}: published {display(published)}, recomputed {display(recomputed)}")


def display(value: object) -> str:
    """A string without quotes; any other value as compact JSON (`null`, `true`, `1`)."""
    if isinstance(value, str):
        return _printable(value)
    return compact_json(value)


def compact_json(value: object) -> str:
    """Compact JSON of a parsed value; a JSON number with a fraction keeps its digits."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal, BadConstant)):
        return str(value)
    if isinstance(value, str):
        return show(value)
    if isinstance(value, list):
        return "[" + ",".join(compact_json(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{compact_json(key)}:{compact_json(item)}"
                              for key, item in value.items()) + "}"
    return repr(value)


def _printable(text: str) -> str:
    """Control characters and lone surrogates escaped, so that a difference is one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)
