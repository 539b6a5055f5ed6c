"""The printed sign-in cards: absolute sign-in URLs, their QR codes (SVG) and the PDF context."""

from typing import Any

import segno
from flask import current_app, url_for
from markupsafe import Markup

from app.judges.services import Credential
from app.timeutil import format_local, utcnow


def signin_url(token: str) -> str:
    """The absolute sign-in link; PUBLIC_BASE_URL (scheme://host:port) overrides the request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return str(base).rstrip("/") + url_for("judge_signin.start", token=token)
    return url_for("judge_signin.start", token=token, _external=True)


def qr_svg(data: str) -> Markup:
    """An inline <svg> QR code. Our own generated markup (URL-safe text only), never user input,
    so it is marked safe here rather than with |safe in a template."""
    svg = segno.make(data, error="m").svg_inline(scale=1, border=2, omitsize=True, dark="#000")
    return Markup(svg)  # noqa: S704  (segno's output for a URL we built)


def card_sheet(credentials: list[Credential]) -> dict[str, Any]:
    """Plain values for templates/pdf/judge_cards.html: one card per judge."""
    cards = []
    for credential in credentials:
        judge = credential.judge
        url = signin_url(credential.token)
        cards.append({
            "name": judge.user.display_name,
            "unit": judge.unit,
            "field": judge.field_label,
            "url": url,
            "qr": qr_svg(url),
            "pin": credential.pin,
        })
    contest = credentials[0].judge.contest.name if credentials else ""
    return {"contest": contest, "issued": format_local(utcnow()), "cards": cards}
