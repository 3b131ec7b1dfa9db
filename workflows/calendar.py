"""Vietnamese working-day calendar and statutory period arithmetic.

Statutory periods in enforcement law are counted either in working days
("ngày làm việc") or in calendar days/months (Civil Code 2015, Art 147–148).
This module answers the three questions the deadline engine needs:

* is a given day a working day for a public body (Mon–Fri, not a public
  holiday, plus the Saturdays the government swaps into working days);
* what is the n-th working day after an event;
* when does a period of N days / N months / N working days end.

Public holidays come from the ``holidays`` package (``holidays.VN``), which
knows the lunar dates, the days in lieu and the swaps it has been taught.
Swaps are announced by the government every year and may reach this system
before they reach a ``holidays`` release, so a small table of known swaps
(``KNOWN_SWAPS``) is merged in, and each agency may add local extra days off
or extra working days as data.

Only stdlib and ``holidays`` are imported here.
"""

from __future__ import annotations

import calendar as _stdcal
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache

import holidays

__all__ = [
    "EXTRA_DAY_OFF_NAME",
    "KNOWN_SWAPS",
    "KnownSwap",
    "PeriodUnit",
    "WorkingCalendar",
    "add_months",
    "period_end",
]

#: Name shown for a locally declared day off that ``holidays`` does not know.
EXTRA_DAY_OFF_NAME = "Ngày nghỉ theo thông báo bổ sung"


@dataclass(frozen=True)
class KnownSwap:
    """A government-announced swap: a weekday off, paid back by a worked Saturday.

    ``source`` names the announcement so an inspector can check it.
    """

    day_off: date
    working_day: date
    source: str

    @property
    def name(self) -> str:
        """Holiday name in the same wording ``holidays`` uses for swaps."""
        return f"Ngày nghỉ (thay cho ngày {self.working_day:%d/%m/%Y})"


# Swaps relevant to the cases this system holds. ``holidays`` 0.109 already
# knows both of these; the table is a safety net so that a pinned or older
# ``holidays`` release, or an announcement newer than the installed release,
# cannot silently shift a statutory deadline. Add a row when the government
# announces a new swap (and keep the ``holidays`` package current).
KNOWN_SWAPS: tuple[KnownSwap, ...] = (
    KnownSwap(
        day_off=date(2025, 5, 2),
        working_day=date(2025, 4, 26),
        source=(
            "Thông báo 6150/TB-LĐTBXH ngày 12/11/2024 của Bộ Lao động - Thương binh và "
            "Xã hội về lịch nghỉ Tết Âm lịch, Quốc khánh và hoán đổi ngày làm việc năm "
            "2025 (theo ý kiến của Thủ tướng Chính phủ)"
        ),
    ),
    KnownSwap(
        day_off=date(2026, 8, 31),
        working_day=date(2026, 8, 22),
        source=(
            "Thông báo của Bộ Nội vụ về lịch nghỉ lễ, Tết năm 2026 đối với cán bộ, công "
            "chức, viên chức (nghỉ Quốc khánh 29/8–02/9/2026, làm bù thứ Bảy 22/8/2026); "
            "cũng có trong dữ liệu của gói holidays 0.109"
        ),
    ),
)


class PeriodUnit(str, Enum):
    """Unit of a statutory period."""

    WORKING_DAYS = "wd"
    DAYS = "d"
    MONTHS = "m"


@lru_cache(maxsize=256)
def _package_year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Holidays and swapped working Saturdays of one year, as ``holidays`` knows them.

    Cached per year for the whole process: the package data is immutable and
    building ``holidays.VN`` costs ~1–2 ms, far too much per lookup. The next
    year is loaded too because a swap may cross the year boundary (e.g. the
    day off 02/01/2015 was paid back on Saturday 27/12/2014, which the
    package files under 2015).
    """
    vn = holidays.VN(language="vi", years=(year, year + 1))
    names = {d: name for d, name in vn.items() if d.year == year}
    workdays = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return names, workdays


@dataclass(frozen=True)
class _Year:
    """Everything the calendar needs for one year, precomputed."""

    names: dict[date, str]
    working: frozenset[date]
    # Sorted ordinals of the working days: counting working days between two
    # dates becomes two bisections instead of a day-by-day loop.
    ordinals: tuple[int, ...]


class WorkingCalendar:
    """Working days of Vietnamese public bodies.

    ``extra_days_off`` / ``extra_working_days`` are local overrides (a swap
    announced after the installed ``holidays`` release, a provincial day off);
    they win over everything else. ``known_swaps`` defaults to
    :data:`KNOWN_SWAPS`.

    Instances are cheap to query: each year is computed once, then every
    question is a set lookup or a bisection.
    """

    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        *,
        known_swaps: Iterable[KnownSwap] = KNOWN_SWAPS,
    ) -> None:
        self._extra_off = frozenset(extra_days_off)
        self._extra_work = frozenset(extra_working_days)
        clash = self._extra_off & self._extra_work
        if clash:
            raise ValueError(f"days both off and working: {sorted(clash)}")
        self._swaps = tuple(known_swaps)
        self._years: dict[int, _Year] = {}

    # -- per-year data -----------------------------------------------------

    def _year(self, year: int) -> _Year:
        data = self._years.get(year)
        if data is None:
            data = self._build_year(year)
            self._years[year] = data
        return data

    def _build_year(self, year: int) -> _Year:
        pkg_names, pkg_workdays = _package_year(year)
        names = dict(pkg_names)
        workdays = set(pkg_workdays)
        for swap in self._swaps:
            if swap.day_off.year == year:
                names.setdefault(swap.day_off, swap.name)
            if swap.working_day.year == year:
                workdays.add(swap.working_day)
        for d in self._extra_off:
            if d.year == year:
                names.setdefault(d, EXTRA_DAY_OFF_NAME)
        working: set[date] = set()
        day = date(year, 1, 1)
        one = timedelta(days=1)
        while day.year == year:
            if day in self._extra_off:
                pass
            elif day in self._extra_work or day in workdays or day.weekday() < 5 and day not in names:
                working.add(day)
            day += one
        return _Year(
            names=names,
            working=frozenset(working),
            ordinals=tuple(sorted(d.toordinal() for d in working)),
        )

    # -- queries -------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Mon–Fri that is not a holiday, or a swapped / locally declared working day."""
        return d in self._year(d.year).working

    def holiday_name(self, d: date) -> str | None:
        """Vietnamese name of the holiday or day off on ``d``, else ``None``.

        A day declared a local working day has no holiday name, since nobody
        is off that day.
        """
        if d in self._extra_work:
            return None
        return self._year(d.year).names.get(d)

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, otherwise the next working day."""
        one = timedelta(days=1)
        while not self.is_working_day(d):
            d += one
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``n == 0`` → ``start``).

        The period counts from the day after the event, so ``start`` itself
        never counts. A negative ``n`` walks backwards the same way.
        """
        if n == 0:
            return start
        step = timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        d = start
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def _count_upto(self, d: date, first_year: int) -> int:
        """Working days from 01/01 of ``first_year`` up to and including ``d``."""
        total = 0
        for year in range(first_year, d.year):
            total += len(self._year(year).ordinals)
        return total + bisect_right(self._year(d.year).ordinals, d.toordinal())

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative count of (end, start] if end < start.

        Used for "còn 2 ngày làm việc" (end = due date, start = today) and
        "quá hạn 3 ngày làm việc" (a negative result).
        """
        if start == end:
            return 0
        if end < start:
            return -self.working_days_between(end, start)
        base = start.year
        return self._count_upto(end, base) - self._count_upto(start, base)


def add_months(d: date, months: int) -> date:
    """Same-numbered day ``months`` later, or that month's last day if there is none.

    Civil Code Art 148(1)(c): a period in months ends on the corresponding day
    of the last month; 31/08 + 6 months → 28/02 (29/02 in a leap year).
    """
    index = d.month - 1 + months
    year, month0 = divmod(index, 12)
    year += d.year
    last = _stdcal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def period_end(cal: WorkingCalendar, event_on: date, amount: int, unit: PeriodUnit) -> date:
    """Last day of a statutory period that starts with the event on ``event_on``.

    Civil Code Art 147: counting starts the day after the event.
    Art 148(5): a period whose last day is a weekly rest day or a public
    holiday ends on the next working day. Working-day periods skip non-working
    days by construction. ``amount == 0`` means "immediately": the event day.
    """
    if amount < 0:
        raise ValueError("a statutory period cannot be negative")
    unit = PeriodUnit(unit)
    if amount == 0:
        return event_on
    if unit is PeriodUnit.WORKING_DAYS:
        return cal.add_working_days(event_on, amount)
    if unit is PeriodUnit.DAYS:
        return cal.next_working_day(event_on + timedelta(days=amount))
    return cal.next_working_day(add_months(event_on, amount))
