"""The reminder ladder's date arithmetic and office hours (no database, no services)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from thads.services import reminders
from workflows.calendar import WorkingCalendar

CONFIG = {"REMINDER_LADDER": "upcoming=-2,due=0,overdue=1,escalated=2", "EMAIL_HOURS": "07:30-17:00"}


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


def test_the_default_ladder_is_two_working_days_before_on_the_day_the_next_working_day_and_two_after():
    steps = reminders.ladder(CONFIG)
    assert [(s.name, s.offset, s.audience) for s in steps] == [
        ("upcoming", -2, "officer"), ("due", 0, "officer"), ("overdue", 1, "officer"),
        ("escalated", 2, "supervisors")]


def test_reminder_points_skip_weekends_and_public_holidays(cal):
    steps = {s.name: s for s in reminders.ladder(CONFIG)}
    # Due Wednesday 29/04/2026: 27/04 is the Hùng Kings day off in lieu, 30/04 and 01/05 are holidays.
    due = date(2026, 4, 29)
    assert reminders.point_of(steps["upcoming"], due, cal) == date(2026, 4, 24)
    assert reminders.point_of(steps["overdue"], due, cal) == date(2026, 5, 4)
    assert reminders.point_of(steps["escalated"], due, cal) == date(2026, 5, 5)


def test_the_due_date_threshold_agrees_with_checking_every_due_date_one_by_one(cal):
    steps = reminders.ladder(CONFIG)
    start = date(2026, 1, 1)
    for k in range(0, 420, 3):
        today = start + timedelta(days=k)
        for step in steps:
            limit = reminders.threshold(step, today, cal)
            for delta in range(-12, 13):
                due = today + timedelta(days=delta)
                assert (reminders.point_of(step, due, cal) <= today) == (due <= limit), (step, today, due)


def test_email_waits_outside_office_hours_until_the_next_working_morning(cal):
    def at(s: str) -> datetime:
        return datetime.fromisoformat(s + "+07:00")

    assert reminders.next_email_time(at("2026-05-06T09:00"), cal, CONFIG) is None
    assert reminders.next_email_time(at("2026-05-06T06:59"), cal, CONFIG) == at("2026-05-06T07:30")
    assert reminders.next_email_time(at("2026-05-06T17:00"), cal, CONFIG) == at("2026-05-07T07:30")
    assert reminders.next_email_time(at("2026-05-09T10:00"), cal, CONFIG) == at("2026-05-11T07:30")  # Saturday
    assert reminders.next_email_time(at("2026-04-29T18:00"), cal, CONFIG) == at("2026-05-04T07:30")  # 30/4, 1/5


def test_a_time_without_offset_is_read_in_ho_chi_minh_city():
    assert reminders.parse_now("2026-05-12T08:00").utcoffset() == timedelta(hours=7)
    assert reminders.parse_now("2026-05-12T01:00+00:00").astimezone(reminders.clock.TZ).hour == 8
