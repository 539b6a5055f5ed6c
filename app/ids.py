"""Ids and integer filters from paths, query strings and forms: bounded, so no number beyond the columns
reaches a query (SQLite cannot bind an integer ≥ 2^63; the id columns hold at most 2^31 − 1 anyway)."""

import re
from typing import Any

from flask import abort, request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

#: The largest id any table holds: an Integer column on PostgreSQL and MariaDB.
ID_MAX = 2**31 - 1
_ID_TEXT = re.compile(r"[0-9]{1,10}")  # ASCII digits only (int() would also read "１２" or " 12 ")


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits, at most ID_MAX; anything beyond matches no route (404)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = ID_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def id_of(text: str) -> int | None:
    """The id spelt by `text` (e.g. the 12 of a form field "m-12"), or None when it cannot be one."""
    return int(text) if _ID_TEXT.fullmatch(text) and int(text) <= ID_MAX else None


def id_arg(name: str, source: "MultiDict[str, Any] | None" = None) -> int | None:
    """An id or integer filter of the query string (or `source`, e.g. request.form): None when absent or
    empty; 404 when it is not a number an id can be, as the path converter answers."""
    text = (request.args if source is None else source).get(name, "")
    if not isinstance(text, str) or not text:
        return None
    value = id_of(text)
    if value is None:
        abort(404)
    return value
