"""Deadlines opened by registration and transitions, including the 2026 changeover."""

from __future__ import annotations

from datetime import date

from workflows import (
    WORKFLOWS,
    CaseMachine,
    Workflow,
    WorkingCalendar,
    plan_initial,
    plan_transition,
)

from .conftest import make_ctx


def _by_kind(planned):
    return {(p.kind, p.rule.variant): p for p in planned}


def test_registration_opens_the_decision_deadline(wf: Workflow, cal: WorkingCalendar) -> None:
    # Received Monday 15/06/2026 → 5 WD → Monday 22/06/2026.
    [decision] = plan_initial(wf, make_ctx(), date(2026, 6, 15), cal)
    assert (decision.kind, decision.due_on) == ("decision", date(2026, 6, 22))


def test_interim_measure_must_be_decided_immediately(wf: Workflow, cal: WorkingCalendar) -> None:
    [decision] = plan_initial(wf, make_ctx(interim=True), date(2026, 6, 15), cal)
    assert decision.rule.variant == "interim"
    assert decision.due_on == date(2026, 6, 15)


def test_decision_opens_case_file_procuracy_and_notification(wf: Workflow, cal: WorkingCalendar) -> None:
    planned = plan_transition(wf, "decide", make_ctx(), {}, date(2026, 6, 15), cal)
    assert [(p.kind, p.due_on) for p in planned] == [
        ("case_file", date(2026, 6, 17)),
        ("procuracy", date(2026, 6, 18)),
        ("notification", date(2026, 6, 18)),
    ]


def test_transitional_case_gets_the_new_nine_day_verification(cal: WorkingCalendar) -> None:
    # Case opened 15/06/2026 under the old law, notified Monday 22/06/2026.
    wf = WORKFLOWS["thads-2008"]
    machine = CaseMachine.for_workflow(wf)
    ctx = make_ctx(state="decided", on=date(2026, 6, 22))
    machine.fire(ctx, "notify")
    planned = _by_kind(plan_transition(wf, "notify", ctx, {}, date(2026, 6, 22), cal))
    voluntary = planned[("voluntary", None)]
    # 22/06 + 10 days = Thursday 02/07/2026, a working day: the old-law rule
    # applies because notification happened before 01/07.
    assert voluntary.rule.law == "law_2008"
    assert voluntary.due_on == date(2026, 7, 2)
    verification = planned[("verification", None)]
    # It starts from 02/07/2026, after the changeover: Law 106/2025 Art 37(1),
    # 9 days → Saturday 11/07/2026 → Monday 13/07/2026.
    assert verification.rule.law == "law_2025"
    assert verification.rule.amount == 9
    assert verification.basis_on == date(2026, 7, 2)
    assert verification.due_on == date(2026, 7, 13)
    assert "Luật 106/2025/QH15" in verification.explanation_vi


def test_verification_before_changeover_keeps_ten_days(cal: WorkingCalendar) -> None:
    # Notified Friday 19/06/2026 → voluntary ends Monday 29/06 → 10 d → Thursday 09/07.
    wf = WORKFLOWS["thads-2008"]
    planned = _by_kind(plan_transition(wf, "notify", make_ctx(), {}, date(2026, 6, 19), cal))
    assert planned[("voluntary", None)].due_on == date(2026, 6, 29)
    assert planned[("verification", None)].rule.amount == 10
    assert planned[("verification", None)].due_on == date(2026, 7, 9)


def test_interim_measure_has_no_voluntary_period(wf: Workflow, cal: WorkingCalendar) -> None:
    planned = plan_transition(wf, "notify", make_ctx(interim=True), {}, date(2026, 7, 6), cal)
    assert [(p.kind, p.rule.variant, p.due_on) for p in planned] == [
        ("verification", "interim", date(2026, 7, 6)),
    ]


def test_not_enforceable_finding_opens_six_month_reverification(wf: Workflow, cal: WorkingCalendar) -> None:
    planned = plan_transition(wf, "verify", make_ctx(), {"outcome": "not_enforceable"},
                              date(2026, 7, 6), cal)
    assert [(p.kind, p.due_on) for p in planned] == [("reverification", date(2027, 1, 6))]


def test_yearly_reverification_for_an_imprisoned_debtor(wf: Workflow, cal: WorkingCalendar) -> None:
    planned = plan_transition(wf, "verify", make_ctx(),
                              {"outcome": "not_enforceable", "yearly": True}, date(2026, 7, 6), cal)
    [reverification] = planned
    assert reverification.rule.variant == "yearly"
    assert reverification.due_on == date(2027, 7, 6)


def test_enforceable_outcome_opens_nothing(wf: Workflow, cal: WorkingCalendar) -> None:
    assert plan_transition(wf, "verify", make_ctx(), {"outcome": "enforceable"},
                           date(2026, 7, 6), cal) == []


def test_postponement_with_known_end_opens_the_resume_deadline(wf: Workflow, cal: WorkingCalendar) -> None:
    planned = plan_transition(wf, "postpone", make_ctx(),
                              {"ground": "x", "ground_ends_on": date(2026, 8, 25)},
                              date(2026, 8, 3), cal)
    # 25/08/2026 (Tue) + 5 WD: 26, 27, 28, 01/09? no — 31/08, 01/09, 02/09 are off:
    # 26, 27, 28 (Wed–Fri), 03/09 (Thu), 04/09 (Fri).
    assert [(p.kind, p.basis_on, p.due_on) for p in planned] == [
        ("resume", date(2026, 8, 25), date(2026, 9, 4)),
    ]
    assert plan_transition(wf, "postpone", make_ctx(), {"ground": "x", "ground_ends_on": None},
                           date(2026, 8, 3), cal) == []


def test_resume_reopens_the_restored_states_deadlines(wf: Workflow, cal: WorkingCalendar) -> None:
    on = date(2026, 7, 6)
    cases = {
        "not_enforceable": [("reverification", date(2027, 1, 6))],
        "notified": [("verification", date(2026, 7, 15))],
        "decided": [("notification", date(2026, 7, 9))],
        "enforcing": [],
    }
    for previous, expected in cases.items():
        ctx = make_ctx(state="postponed", previous_state=previous)
        planned = plan_transition(wf, "resume", ctx, {}, on, cal)
        assert [(p.kind, p.due_on) for p in planned] == expected, previous
        assert plan_transition(wf, "resume", ctx, {}, on, cal, new_state=previous) == planned
