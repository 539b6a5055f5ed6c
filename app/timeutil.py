"""Time rules: stored in UTC (naive), shown in Asia/Shanghai."""

from datetime import UTC, datetime
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


def format_local(value: datetime | None) -> str:
    """A stored UTC time as shown on pages: 2022-03-01 09:30."""
    shown = local(value)
    return "" if shown is None else shown.strftime("%Y-%m-%d %H:%M")
