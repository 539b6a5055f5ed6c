"""Every file the product hands out: one Content-Disposition (an ASCII name and the RFC 5987 UTF-8 name) and
no copy kept by the browser or a proxy (lists of people, scores, activation codes)."""

import re
import unicodedata
from typing import TypeVar
from urllib.parse import quote

from flask import Response
from werkzeug.wrappers import Response as BaseResponse

AnyResponse = TypeVar("AnyResponse", bound=BaseResponse)
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_name(name: str, fallback: str = "download") -> str:
    """The name in plain ASCII for old clients: accents dropped, other letters gone; `fallback` for a stem
    with nothing left ("参赛人名单.xlsx" → "download.xlsx", where Werkzeug sent ".xlsx")."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = UNSAFE.sub("-", plain).strip("-._")
    extension = UNSAFE.sub("", extension)
    return (plain or fallback) + (f".{extension}" if extension else "")


def disposition(name: str, *, inline: bool = False, fallback: str = "download") -> str:
    """`attachment` (or `inline`) with both names, so that every browser shows the Chinese name."""
    kind = "inline" if inline else "attachment"
    plain = ascii_name(name, fallback)
    if plain == name:  # letters, digits and ._- only: an RFC 6266 token, no quotes needed
        return f"{kind}; filename={plain}"
    return f"{kind}; filename={plain}; filename*=UTF-8''{quote(name, safe='')}"


def as_download(response: AnyResponse, name: str, *, inline: bool = False, fallback: str = "download"
                ) -> AnyResponse:
    """Name a response's file and forbid storing it (send_file says no-cache or public, max-age=0)."""
    response.headers["Content-Disposition"] = disposition(name, inline=inline, fallback=fallback)
    response.headers["Cache-Control"] = "no-store"
    return response


def download(body: bytes | str, mimetype: str, name: str, *, inline: bool = False,
             fallback: str = "download") -> Response:
    """A file made in memory (an export, a PDF, a package) as a named, never-stored download."""
    return as_download(Response(body, mimetype=mimetype), name, inline=inline, fallback=fallback)
