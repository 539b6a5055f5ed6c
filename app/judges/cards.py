"""The printed sign-in cards: absolute sign-in URLs, their QR codes (SVG) and the PDF context."""

from typing import Any

from app.judges.services import Credential
from app.qr import public_url, qr_svg
from app.timeutil import format_local, utcnow


def signin_url(token: str) -> str:
    """The absolute sign-in link printed on a card."""
    return public_url("judge_signin.start", token=token)


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
