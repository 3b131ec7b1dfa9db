"""Today in Asia/Ho_Chi_Minh: dates are local, timestamps UTC."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    return datetime.now(TZ).date()


def local_now() -> datetime:
    return datetime.now(TZ)


def utcnow() -> datetime:
    """Now, timezone-aware UTC (sign-in sessions and tokens read it here, so tests can set it)."""
    return datetime.now(UTC)
