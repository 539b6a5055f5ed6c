"""Canonical JSON and its SHA-256: the `input_sha256` and the package hash of SCORING.md."""

from __future__ import annotations

import hashlib
import json
import re

from .errors import Problems, join_path

_SURROGATE = re.compile("[\ud800-\udfff]")


def canonical_json(value: object) -> str:
    """`json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_sha256(value: object) -> str:
    """SHA-256 (64 lowercase hex digits) of the UTF-8 bytes of the canonical JSON of `value`.

    Raises UnicodeEncodeError when a string has no UTF-8 form (a lone surrogate).
    """
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def input_sha256(data: object) -> str:
    """The `input_sha256` of a parsed input: the same however the file was laid out."""
    return canonical_sha256(data)


def lone_surrogates(value: object) -> list[str]:
    """The JSON paths of every string (or object key) holding a lone surrogate, in order."""
    found: list[str] = []
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                found.append(path or "(顶层 top level)")
        elif isinstance(item, dict):
            children: list[tuple[str, object]] = []
            for key, child in item.items():
                child_path = join_path(path, key.encode("utf-8", "backslashreplace").decode())
                if _SURROGATE.search(key):
                    found.append(f"{child_path} (字段名 field name)")
                children.append((child_path, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend((join_path(path, index), child) for index, child in reversed(
                list(enumerate(item))))
    return found


def sha256_or_report(data: object, problems: Problems) -> str | None:
    """The input hash; or None, with each string that has no UTF-8 form reported at its place.

    A value that JSON cannot hold (a NaN kept by the reader) has been reported already.
    """
    encoded = canonical_bytes_or_report(data, problems)
    return None if encoded is None else hashlib.sha256(encoded).hexdigest()


def canonical_bytes_or_report(data: object, problems: Problems) -> bytes | None:
    """The UTF-8 bytes of the canonical JSON of an input (what `input_sha256` hashes); or None, as
    `sha256_or_report`. A package's hash reuses them: the input is ~90 % of a year's package."""
    try:
        return canonical_json(data).encode("utf-8")
    except (UnicodeEncodeError, TypeError, ValueError):
        for path in lone_surrogates(data):
            problems.add(path, "字符串没有 UTF-8 形式 (lone surrogate, no UTF-8 form)")
        if not problems:
            raise
        return None
