"""Working-day calendar and Civil Code period arithmetic (Art 147–148)."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from workflows import calendar as calmod
from workflows.calendar import (
    EXTRA_DAY_OFF_NAME,
    KNOWN_SWAPS,
    PeriodUnit,
    WorkingCalendar,
    add_months,
    period_end,
)


def test_tet_2026_is_five_days_off_from_16_to_20_february(cal: WorkingCalendar) -> None:
    for day in range(16, 21):
        assert not cal.is_working_day(date(2026, 2, day))
        assert cal.holiday_name(date(2026, 2, day))
    assert cal.is_working_day(date(2026, 2, 13))
    assert cal.is_working_day(date(2026, 2, 23))


def test_working_day_count_skips_tet(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert cal.next_working_day(date(2026, 2, 14)) == date(2026, 2, 23)


def test_hung_kings_day_in_lieu_27_april_2026_is_off(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 4, 27))
    assert "Giỗ Tổ Hùng Vương" in (cal.holiday_name(date(2026, 4, 27)) or "")


def test_2025_swap_gives_2_may_off_and_saturday_26_april_worked(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2025, 5, 2))
    assert cal.is_working_day(date(2025, 4, 26))
    assert cal.holiday_name(date(2025, 4, 26)) is None


def test_2026_swap_gives_31_august_off_and_saturday_22_august_worked(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.is_working_day(date(2026, 8, 22))
    # Friday 21/08 → next working day is the swapped Saturday.
    assert cal.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)


def test_vietnam_culture_day_24_november_is_a_holiday_from_2026(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.holiday_name(date(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    assert cal.is_working_day(date(2025, 11, 24))  # a Monday, no holiday yet


def test_ordinary_weekend_is_not_working(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 6, 13))
    assert not cal.is_working_day(date(2026, 6, 14))
    assert cal.is_working_day(date(2026, 6, 15))


def test_known_swaps_table_is_used_when_holidays_package_lacks_a_swap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Simulate a holidays release that knows no swaps at all.
    monkeypatch.setattr(calmod, "_package_year", lambda year: ({}, frozenset()))
    with_table = WorkingCalendar()
    assert not with_table.is_working_day(date(2025, 5, 2))
    assert with_table.is_working_day(date(2025, 4, 26))
    assert not with_table.is_working_day(date(2026, 8, 31))
    assert with_table.is_working_day(date(2026, 8, 22))
    assert with_table.holiday_name(date(2025, 5, 2)) == "Ngày nghỉ (thay cho ngày 26/04/2025)"
    without_table = WorkingCalendar(known_swaps=())
    assert without_table.is_working_day(date(2025, 5, 2))
    assert not without_table.is_working_day(date(2025, 4, 26))


def test_known_swaps_table_cites_a_source_for_every_swap() -> None:
    for swap in KNOWN_SWAPS:
        assert swap.source
        assert swap.working_day.weekday() == 5  # a Saturday is worked
        assert swap.day_off.weekday() < 5


def test_installed_holidays_package_knows_the_facts_we_rely_on() -> None:
    # A canary: if a holidays upgrade drops one of these, the built-in table
    # still covers it, but we want to know.
    vn = holidays.VN(language="vi", years=(2025, 2026))
    assert date(2025, 5, 2) in vn
    assert date(2026, 8, 31) in vn
    assert date(2026, 11, 24) in vn
    assert {date(2025, 4, 26), date(2026, 8, 22)} <= set(vn.weekend_workdays)


def test_local_extra_day_off_is_respected() -> None:
    cal = WorkingCalendar(extra_days_off=[date(2026, 6, 15)])
    assert not cal.is_working_day(date(2026, 6, 15))
    assert cal.holiday_name(date(2026, 6, 15)) == EXTRA_DAY_OFF_NAME
    assert cal.add_working_days(date(2026, 6, 12), 1) == date(2026, 6, 16)


def test_local_extra_working_saturday_is_respected() -> None:
    cal = WorkingCalendar(extra_working_days=[date(2026, 6, 13)])
    assert cal.is_working_day(date(2026, 6, 13))
    assert cal.add_working_days(date(2026, 6, 12), 1) == date(2026, 6, 13)


def test_a_day_cannot_be_both_extra_off_and_extra_working() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(extra_days_off=[date(2026, 6, 13)], extra_working_days=[date(2026, 6, 13)])


def test_add_working_days_zero_is_the_start_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2026, 6, 13), 0) == date(2026, 6, 13)


def test_add_working_days_counts_from_the_day_after(cal: WorkingCalendar) -> None:
    # Monday 04/05/2026 + 5 WD = Monday 11/05/2026.
    assert cal.add_working_days(date(2026, 5, 4), 5) == date(2026, 5, 11)
    assert cal.add_working_days(date(2026, 5, 11), -5) == date(2026, 5, 4)


def test_working_days_between_is_signed(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1
    assert cal.working_days_between(date(2026, 2, 23), date(2026, 2, 13)) == -1
    assert cal.working_days_between(date(2026, 5, 4), date(2026, 5, 4)) == 0
    # Across a year boundary: 01/01/2026 is a holiday, 02/01/2026 a Friday.
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 1, 2)) == 1


def test_working_days_between_matches_day_by_day_count(cal: WorkingCalendar) -> None:
    start = date(2024, 12, 20)
    for offset in (0, 1, 7, 40, 400, 800):
        end = start + timedelta(days=offset)
        brute = sum(
            cal.is_working_day(start + timedelta(days=i)) for i in range(1, offset + 1)
        )
        assert cal.working_days_between(start, end) == brute
        assert cal.working_days_between(end, start) == -brute


def test_day_period_ending_on_a_holiday_rolls_to_next_working_day(cal: WorkingCalendar) -> None:
    # 20/04/2026 + 10 d = 30/04 (holiday); 01/05 holiday; 02–03/05 weekend.
    assert period_end(cal, date(2026, 4, 20), 10, PeriodUnit.DAYS) == date(2026, 5, 4)
    # 06/02/2026 + 10 d = 16/02, first day of Tết → Monday 23/02.
    assert period_end(cal, date(2026, 2, 6), 10, PeriodUnit.DAYS) == date(2026, 2, 23)


def test_day_period_ending_on_a_working_day_is_not_moved(cal: WorkingCalendar) -> None:
    assert period_end(cal, date(2026, 5, 4), 10, PeriodUnit.DAYS) == date(2026, 5, 14)


def test_zero_period_means_the_same_day(cal: WorkingCalendar) -> None:
    sunday = date(2026, 6, 14)
    assert period_end(cal, sunday, 0, PeriodUnit.DAYS) == sunday
    assert period_end(cal, sunday, 0, PeriodUnit.WORKING_DAYS) == sunday


def test_month_period_from_the_31st_ends_on_the_last_day_of_a_short_month() -> None:
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)  # leap year
    assert add_months(date(2026, 3, 31), 1) == date(2026, 4, 30)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 15), 12) == date(2027, 5, 15)


def test_month_period_ending_on_a_weekend_or_holiday_rolls_forward(cal: WorkingCalendar) -> None:
    # 31/08/2025 + 6 months = Saturday 28/02/2026 → Monday 02/03/2026.
    assert period_end(cal, date(2025, 8, 31), 6, PeriodUnit.MONTHS) == date(2026, 3, 2)
    # 31/08/2027 + 6 months = Tuesday 29/02/2028, a working day.
    assert period_end(cal, date(2027, 8, 31), 6, PeriodUnit.MONTHS) == date(2028, 2, 29)
    # 31/03/2026 + 1 month = 30/04 (holiday), 01/05 holiday, weekend → 04/05.
    assert period_end(cal, date(2026, 3, 31), 1, PeriodUnit.MONTHS) == date(2026, 5, 4)


def test_negative_period_is_rejected(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        period_end(cal, date(2026, 5, 4), -1, PeriodUnit.DAYS)


def test_period_unit_accepts_its_string_code(cal: WorkingCalendar) -> None:
    assert period_end(cal, date(2026, 5, 4), 5, "wd") == date(2026, 5, 11)  # type: ignore[arg-type]
    assert PeriodUnit("m") is PeriodUnit.MONTHS
