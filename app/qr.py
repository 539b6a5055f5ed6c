"""Absolute links for print (the public base URL) and their QR codes as inline SVG."""

from typing import Any

import segno
from flask import current_app, url_for
from markupsafe import Markup


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link for print; PUBLIC_BASE_URL (scheme://host:port) overrides the request's host, because
    the gateway's public address is not the one the intranet server sees."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return str(base).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def qr_svg(data: str) -> Markup:
    """An inline <svg> QR code. Our own generated markup (URL-safe text only), never user input,
    so it is marked safe here rather than with |safe in a template."""
    svg = segno.make(data, error="m").svg_inline(scale=1, border=2, omitsize=True, dark="#000")
    return Markup(svg)  # noqa: S704  (segno's output for a URL we built)
