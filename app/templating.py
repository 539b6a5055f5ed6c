"""Template filters: times in Asia/Shanghai, masked ID numbers, points and amounts as people write them."""

from decimal import Decimal

from flask import Flask, get_flashed_messages, request

from app import rules
from app.contests.current import accepts_writes
from app.timeutil import format_local
from app.validation import mask_id_number


def register(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = format_local
    app.jinja_env.filters["mask_id"] = mask_id_number
    app.jinja_env.filters["points"] = points
    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.globals["site_name"] = "阳泉市村级集体经济“大比武”评分系统"
    app.jinja_env.globals["page_messages"] = page_messages
    # Pages that offer a write show it only while the contest takes writes (the one rule of app/contests/current.py).
    app.jinja_env.globals["accepts_writes"] = accepts_writes
    # Templates ask the named rules (rules.can_publish(current_user), …), never county_id themselves.
    app.jinja_env.globals["rules"] = rules


# The judge's service worker fetches pages in the background to keep them for offline use (sw.js, "keep").
# Such a fetch must not take the messages meant for the page the judge is about to open: after a confirm
# the worker fetches the list while the phone navigates to it, and "评分表已提交并锁定" was sometimes lost.
BACKGROUND_FETCH_HEADER = "X-Judge-Keep"


def page_messages() -> list[str] | list[tuple[str, str]]:
    """The flashed messages for the page being rendered; none, and none taken, for a background fetch."""
    if request.headers.get(BACKGROUND_FETCH_HEADER):
        return []
    return get_flashed_messages(with_categories=True)


def points(value: Decimal | None) -> str:
    """Points as people write them: 72, 18.5 (never 72.0000 or 7.2E+1)."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def yuan(value: Decimal | str | None) -> str:
    """An amount in yuan (a Decimal or its text) with thousands separators and fen: 1,300,000.00."""
    return "" if value is None else f"{Decimal(value):,.2f}"
