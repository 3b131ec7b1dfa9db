"""Statistical periods, rounding of rates and gaps (no database)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from thads.services.errors import InvalidInput
from thads.services.stats import Period, add_months, percent, points, years_before


def test_a_statistical_year_runs_from_1_october_and_is_named_by_its_end_year():
    p = Period(2026, 12)
    assert (p.start, p.end, p.cutoff) == (date(2025, 10, 1), date(2026, 9, 30), date(2026, 9, 30))


@pytest.mark.parametrize("months, end", [(3, date(2025, 12, 31)), (6, date(2026, 3, 31)),
                                         (10, date(2026, 7, 31)), (5, date(2026, 2, 28))])
def test_the_standard_reports_end_after_3_6_10_and_12_months(months, end):
    assert Period(2026, months).end == end


def test_as_of_inside_the_period_cuts_it_and_as_of_after_it_changes_nothing():
    assert Period(2026, 6, as_of=date(2026, 1, 15)).cutoff == date(2026, 1, 15)
    assert Period(2026, 6, as_of=date(2026, 11, 1)).cutoff == date(2026, 3, 31)


def test_a_period_outside_its_bounds_is_refused():
    with pytest.raises(InvalidInput):
        Period(2026, 13)
    with pytest.raises(InvalidInput):
        Period(2026, 6, as_of=date(2025, 9, 30))


def test_rates_round_half_up_to_one_decimal_and_gaps_are_points_to_the_target():
    assert percent(Fraction(859, 1000)) == Decimal("85.9")
    assert percent(Fraction(67, 78)) == Decimal("85.9")  # 85.897…
    assert percent(Fraction(577_876, 685_898)) == Decimal("84.3")  # domain.md: 84.25 % national 2025
    assert percent(Fraction(1, 2000)) == Decimal("0.1")  # 0.05 rounds up
    assert percent(None) is None
    assert points(Fraction(67, 78), 8400) == Decimal("1.9")
    assert points(Fraction(499, 1000), 4630) == Decimal("3.6")
    assert points(Fraction(1, 2), 5190) == Decimal("-1.9")
    assert points(Fraction(1, 2), None) is None


def test_month_and_year_arithmetic_handles_month_ends_and_29_february():
    assert add_months(date(2025, 10, 31), 4) == date(2026, 2, 28)
    assert years_before(date(2028, 2, 29), 2) == date(2026, 2, 28)
