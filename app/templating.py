"""Template filters: times in Asia/Shanghai, masked ID numbers, points and amounts as people write them."""

from decimal import Decimal

from flask import Flask

from app.timeutil import format_local
from app.validation import mask_id_number


def register(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = format_local
    app.jinja_env.filters["mask_id"] = mask_id_number
    app.jinja_env.filters["points"] = points
    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.globals["site_name"] = "阳泉市村级集体经济“大比武”评分系统"


def points(value: Decimal | None) -> str:
    """Points as people write them: 72, 18.5 (never 72.0000 or 7.2E+1)."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def yuan(value: Decimal | str | None) -> str:
    """An amount in yuan (a Decimal or its text) with thousands separators and fen: 1,300,000.00."""
    return "" if value is None else f"{Decimal(value):,.2f}"
