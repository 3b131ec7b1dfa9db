"""Today in Asia/Ho_Chi_Minh: dates are local, timestamps UTC."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    return datetime.now(TZ).date()


def local_now() -> datetime:
    return datetime.now(TZ)
