"""Time rules: stored in UTC (naive), shown in Asia/Shanghai."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Now in UTC, naive and to the second, as every database stores it alike."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def local(value: datetime | None) -> datetime | None:
    """A stored UTC time in Asia/Shanghai."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(SHANGHAI)


def today() -> date:
    """The Asia/Shanghai date: it decides whether a notice is open or a round has started."""
    return datetime.now(SHANGHAI).date()


def format_local(value: datetime | None) -> str:
    """A stored UTC time as shown on pages: 2022-03-01 09:30."""
    shown = local(value)
    return "" if shown is None else shown.strftime("%Y-%m-%d %H:%M")


def chinese_date(value: date) -> str:
    """2022年3月15日, as printed in official notices."""
    return f"{value.year}年{value.month}月{value.day}日"
