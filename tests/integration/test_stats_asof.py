"""A report "as of" a past date is computed from the events dated up to it: adding later events
(new cases, transitions, payments dated afterwards) leaves it unchanged."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import case_input
from tests.integration.test_stats_invariants import TODAY, _office, build_random_histories, walk_case
from thads.extensions import db
from thads.models import Case, Unit
from thads.services import stats
from thads.services.cases import register_case

AS_OF = date(2026, 3, 31)


def test_a_report_as_of_a_past_date_does_not_change_when_later_events_are_added(world):
    build_random_histories(world, 40, 11, first=date(2023, 1, 1), last=AS_OF, until=AS_OF)
    period = stats.Period(2026, 6)  # 01/10/2025 – 31/03/2026
    before = stats.build_report(world.province, period).to_json()
    year_as_of_march = stats.build_report(world.province, stats.Period(2026, 12, as_of=AS_OF)).to_json()
    lists = {f: [r.case_id for r in stats.drill_down(world.province, period, f)] for f in stats.FIGURE_KEYS}
    assert before["rows"][0]["cases"]["total"] > 20

    # Later events: every open case moves on (payments, completions, suspensions …) after March,
    # and new cases are registered in April–October.
    rng = random.Random(5)
    for case in db.session.scalars(select(Case).order_by(Case.id)).all():
        head = {"P-A": world.head_a, "P-B": world.head_b}.get(db.session.get(Unit, case.unit_id).code, world.head_p)
        officer = "officer_b" if head is world.head_b else "officer_a"
        walk_case(rng, case, head, officer, AS_OF + timedelta(days=1), TODAY)
    later = []
    for i in range(10):
        unit, head, _officer = _office(world, rng)
        later.append(register_case(head, case_input(unit=unit.code, received_on=(AS_OF + timedelta(days=1 + 17 * i)).isoformat()),
                      today=TODAY).id)
    db.session.commit()

    after = stats.build_report(world.province, period).to_json()
    assert after == before
    assert stats.build_report(world.province, stats.Period(2026, 12, as_of=AS_OF)).to_json()["rows"] == \
        year_as_of_march["rows"]
    assert {f: [r.case_id for r in stats.drill_down(world.province, period, f)] for f in stats.FIGURE_KEYS} == lists
    # …while the full year, which includes those events, did change.
    full_year = stats.build_report(world.province, stats.Period(2026, 12)).to_json()
    assert full_year["rows"][0]["cases"] != before["rows"][0]["cases"]
    assert set(later) <= {r.case_id for r in stats.drill_down(world.province, stats.Period(2026, 12), "new")}


def test_a_postponement_ticked_as_agreed_counts_as_postponed_whatever_its_wording(world):
    from thads.services import lifecycle

    judgment = {"court": "TAND tỉnh", "number": "9/2025/DS-ST", "date": "2025-09-01", "effective_on": "2025-10-01"}

    case = register_case(world.head_a, case_input(unit="P-A", received_on="2025-11-03", judgment=judgment), today=TODAY)
    for trigger, on, inputs in (
        ("decide", "2025-11-04", {"decision_number": "1/QĐ", "officer": "officer_a"}),
        ("notify", "2025-11-05", {}),
        ("verify", "2025-11-20", {"outcome": "enforceable"}),
        ("postpone", "2025-12-01", {"ground": "Theo đề nghị của các bên", "by_agreement": True}),
    ):
        lifecycle.apply_transition(world.head_a, case.id, trigger, on=on, inputs=inputs, today=TODAY)
    other = register_case(world.head_a, case_input(unit="P-A", received_on="2025-11-03", judgment=judgment), today=TODAY)
    for trigger, on, inputs in (
        ("decide", "2025-11-04", {"decision_number": "2/QĐ", "officer": "officer_a"}),
        ("postpone", "2025-12-01", {"ground": "Người phải thi hành án ốm nặng"}),
    ):
        lifecycle.apply_transition(world.head_a, other.id, trigger, on=on, inputs=inputs, today=TODAY)
    db.session.commit()
    period = stats.Period(2026, 6)
    postponed = [r.case_id for r in stats.drill_down(world.province, period, "postponed")]
    in_progress = [r.case_id for r in stats.drill_down(world.province, period, "in_progress")]
    assert postponed == [case.id]
    assert other.id in in_progress  # another ground follows THADS_STATS_SUSPENDED_AS (default)
