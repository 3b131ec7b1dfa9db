"""Transitions, guards, roles and input validation of both procedure definitions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from workflows import (
    GUARD_MESSAGES,
    GUARDS,
    WORKFLOWS,
    CaseMachine,
    InvalidTransition,
    Transition,
    Workflow,
    to_mermaid,
    validate_inputs,
    workflow_for,
)
from workflows.definition import DeadlineOpen, InputSpec, State

from .conftest import make_ctx

# Valid inputs for each trigger (cleaned values, as the service passes them).
VALID_INPUTS: dict[str, dict[str, Any]] = {
    "decide": {"decision_number": "15/QĐ-THADS", "officer": 7},
    "refuse": {"reason": "Hết thời hiệu yêu cầu"},
    "notify": {},
    "verify": {"outcome": "enforceable", "yearly": False},
    "complete": {},
    "postpone": {"ground": "Người phải thi hành án ốm nặng", "ground_ends_on": None},
    "suspend": {"ground": "Kháng nghị giám đốc thẩm", "ground_ends_on": None},
    "resume": {},
    "terminate": {"ground": "debtor_died", "note": None},
    "entrust": {"agency": "THADS tỉnh Phú Thọ"},
    "send_back": {},
}

ALL_CASES = [
    pytest.param(wf, t, source, id=f"{wf.id}-{t.trigger}-from-{source}")
    for wf in WORKFLOWS.values()
    for t in wf.transitions
    for source in t.sources
]

WRONG_CASES = [
    pytest.param(wf, t, state.name, id=f"{wf.id}-{t.trigger}-from-{state.name}")
    for wf in WORKFLOWS.values()
    for t in wf.transitions
    for state in wf.states
    if state.name not in t.sources
]


def _ctx_for(source: str, trigger: str):
    # Resume needs to know where the case came from.
    previous = "enforcing" if trigger == "resume" else None
    return make_ctx(state=source, previous_state=previous)


def test_every_trigger_has_valid_inputs_listed() -> None:
    for wf in WORKFLOWS.values():
        for t in wf.transitions:
            assert t.trigger in VALID_INPUTS


@pytest.mark.parametrize(("wf", "t", "source"), ALL_CASES)
def test_every_transition_fires_from_each_of_its_sources(
    wf: Workflow, t: Transition, source: str
) -> None:
    machine = CaseMachine.for_workflow(wf)
    ctx = _ctx_for(source, t.trigger)
    inputs = VALID_INPUTS[t.trigger]
    assert t in machine.available(ctx)
    machine.check(ctx, t.trigger, inputs)
    new_state = machine.fire(ctx, t.trigger, inputs)
    assert new_state == ctx.state == t.destination(inputs, "enforcing")


@pytest.mark.parametrize(("wf", "t", "state"), WRONG_CASES)
def test_every_transition_is_rejected_from_a_wrong_state(
    wf: Workflow, t: Transition, state: str
) -> None:
    machine = CaseMachine.for_workflow(wf)
    ctx = _ctx_for(state, t.trigger)
    with pytest.raises(InvalidTransition) as exc:
        machine.fire(ctx, t.trigger, VALID_INPUTS[t.trigger])
    assert exc.value.code == "wrong_state"
    assert exc.value.message_vi.startswith("Không thể")
    assert ctx.state == state
    assert t not in machine.available(ctx)


def test_send_back_is_unknown_under_the_2008_procedure() -> None:
    machine = CaseMachine.for_workflow(WORKFLOWS["thads-2008"])
    with pytest.raises(InvalidTransition) as exc:
        machine.check(make_ctx(state="not_enforceable"), "send_back")
    assert exc.value.code == "unknown_trigger"
    assert "sent_back" not in WORKFLOWS["thads-2008"].state_names()


def test_state_and_trigger_names_follow_the_contract(wf: Workflow) -> None:
    states = {
        "received", "refused", "decided", "notified", "enforcing", "not_enforceable",
        "postponed", "suspended", "entrusted", "terminated", "completed",
    }
    triggers = {
        "decide", "refuse", "notify", "verify", "complete", "postpone", "suspend",
        "resume", "terminate", "entrust",
    }
    if wf.id == "thads-2025":
        states.add("sent_back")
        triggers.add("send_back")
    assert set(wf.state_names()) == states
    assert {t.trigger for t in wf.transitions} == triggers
    assert wf.initial == "received"
    for t in wf.transitions:
        assert t.label_vi and t.label_en and t.legal_basis and t.legal_basis_en
    for s in wf.states:
        assert s.label_vi and s.label_en and s.stat_group


def test_workflow_for_picks_the_law_by_date() -> None:
    assert workflow_for(date(2026, 6, 30)).id == "thads-2008"
    assert workflow_for(date(2026, 7, 1)).id == "thads-2025"


def test_machine_is_shared_per_workflow(wf: Workflow) -> None:
    assert CaseMachine.for_workflow(wf) is CaseMachine.for_workflow(wf)


# -- guards --------------------------------------------------------------


def test_on_request_guard() -> None:
    assert GUARDS["on_request"](make_ctx(kind="on_request"), {})
    assert not GUARDS["on_request"](make_ctx(kind="ex_officio"), {})


def test_new_law_guard_starts_on_changeover_day() -> None:
    assert GUARDS["new_law"](make_ctx(on=date(2026, 7, 1)), {})
    assert not GUARDS["new_law"](make_ctx(on=date(2026, 6, 30)), {})


def test_two_years_not_enforceable_guard_needs_two_full_years() -> None:
    guard = GUARDS["two_years_not_enforceable"]
    since = date(2026, 7, 1)
    assert guard(make_ctx(not_enforceable_since=since, on=date(2028, 7, 1)), {})
    assert not guard(make_ctx(not_enforceable_since=since, on=date(2028, 6, 30)), {})
    assert not guard(make_ctx(not_enforceable_since=None), {})
    # 29/02 + 2 years = 28/02.
    assert guard(make_ctx(not_enforceable_since=date(2028, 2, 29), on=date(2030, 2, 28)), {})


def test_all_collected_guard() -> None:
    guard = GUARDS["all_collected"]
    assert guard(make_ctx(money_remaining=0, nonmoney_pending=0), {})
    assert not guard(make_ctx(money_remaining=1), {})
    assert not guard(make_ctx(nonmoney_pending=1), {})


def test_every_guard_has_messages_in_both_languages() -> None:
    assert set(GUARD_MESSAGES) == set(GUARDS)
    for msg in GUARD_MESSAGES.values():
        assert msg["label_vi"] and msg["label_en"]


def _expect_guard_failure(wf_id: str, ctx: Any, trigger: str, guard: str) -> None:
    machine = CaseMachine.for_workflow(WORKFLOWS[wf_id])
    before = ctx.state
    with pytest.raises(InvalidTransition) as exc:
        machine.fire(ctx, trigger, VALID_INPUTS[trigger])
    assert exc.value.code == "guard_failed"
    assert exc.value.guard == guard
    assert exc.value.message_vi == GUARD_MESSAGES[guard]["label_vi"]
    assert ctx.state == before
    assert trigger not in {t.trigger for t in machine.available(ctx)}


def test_refusal_is_only_for_cases_on_request(wf: Workflow) -> None:
    _expect_guard_failure(wf.id, make_ctx(kind="ex_officio"), "refuse", "on_request")


def test_completion_needs_everything_collected(wf: Workflow) -> None:
    ctx = make_ctx(state="enforcing", money_remaining=1_500_000)
    _expect_guard_failure(wf.id, ctx, "complete", "all_collected")
    ctx = make_ctx(state="enforcing", nonmoney_pending=1)
    _expect_guard_failure(wf.id, ctx, "complete", "all_collected")


def test_send_back_needs_a_case_on_request() -> None:
    ctx = make_ctx(state="not_enforceable", kind="ex_officio")
    _expect_guard_failure("thads-2025", ctx, "send_back", "on_request")


def test_send_back_needs_the_new_law() -> None:
    ctx = make_ctx(state="not_enforceable", on=date(2026, 6, 30),
                   not_enforceable_since=date(2024, 1, 1))
    _expect_guard_failure("thads-2025", ctx, "send_back", "new_law")


def test_send_back_needs_two_years_without_means() -> None:
    ctx = make_ctx(state="not_enforceable", on=date(2027, 7, 1),
                   not_enforceable_since=date(2026, 1, 5))
    _expect_guard_failure("thads-2025", ctx, "send_back", "two_years_not_enforceable")


def test_send_back_after_two_years_ends_the_case() -> None:
    machine = CaseMachine.for_workflow(WORKFLOWS["thads-2025"])
    ctx = make_ctx(state="not_enforceable", on=date(2028, 7, 1),
                   not_enforceable_since=date(2026, 7, 1))
    assert machine.fire(ctx, "send_back") == "sent_back"
    assert WORKFLOWS["thads-2025"].state("sent_back").final


def test_available_lists_refusal_only_for_cases_on_request(wf: Workflow) -> None:
    machine = CaseMachine.for_workflow(wf)
    assert [t.trigger for t in machine.available(make_ctx(kind="on_request"))] == ["decide", "refuse"]
    assert [t.trigger for t in machine.available(make_ctx(kind="ex_officio"))] == ["decide"]


# -- verify, resume, roles ------------------------------------------------


def test_verify_outcome_chooses_the_destination(wf: Workflow) -> None:
    machine = CaseMachine.for_workflow(wf)
    ctx = make_ctx(state="notified")
    assert machine.fire(ctx, "verify", {"outcome": "not_enforceable"}) == "not_enforceable"
    assert machine.fire(ctx, "verify", {"outcome": "enforceable"}) == "enforcing"


def test_verify_without_outcome_is_rejected(wf: Workflow) -> None:
    machine = CaseMachine.for_workflow(wf)
    ctx = make_ctx(state="notified")
    with pytest.raises(InvalidTransition):
        machine.fire(ctx, "verify", {})
    assert ctx.state == "notified"


def test_not_enforceable_finding_is_the_heads_decision(wf: Workflow) -> None:
    verify = wf.transition("verify")
    assert verify.required_role({"outcome": "not_enforceable"}) == "head"
    assert verify.required_role({"outcome": "enforceable"}) == "officer"
    assert wf.transition("notify").required_role({}) == "officer"
    for trigger in ("decide", "refuse", "complete", "postpone", "suspend", "resume",
                    "terminate", "entrust"):
        assert wf.transition(trigger).required_role({}) == "head"


@pytest.mark.parametrize("held", ["postponed", "suspended"])
@pytest.mark.parametrize("previous", ["decided", "notified", "enforcing", "not_enforceable"])
def test_resume_restores_the_previous_state(wf: Workflow, held: str, previous: str) -> None:
    machine = CaseMachine.for_workflow(wf)
    ctx = make_ctx(state=previous)
    machine.fire(ctx, "postpone" if held == "postponed" else "suspend", VALID_INPUTS["postpone"])
    assert ctx.state == held
    ctx.previous_state = previous  # the service records it when holding the case
    assert machine.destination(ctx, "resume") == previous
    assert machine.fire(ctx, "resume") == previous


def test_resume_without_a_known_previous_state_is_rejected(wf: Workflow) -> None:
    machine = CaseMachine.for_workflow(wf)
    ctx = make_ctx(state="postponed", previous_state=None)
    assert "resume" not in {t.trigger for t in machine.available(ctx)}
    with pytest.raises(InvalidTransition) as exc:
        machine.check(ctx, "resume")
    assert exc.value.code == "wrong_state"
    ctx.previous_state = "completed"  # not a state one can be postponed from
    with pytest.raises(InvalidTransition):
        machine.fire(ctx, "resume")
    assert ctx.state == "postponed"


def test_holding_and_ending_transitions_cancel_open_deadlines(wf: Workflow) -> None:
    for trigger in ("postpone", "suspend", "terminate", "entrust", "complete"):
        assert wf.transition(trigger).cancels_open
    assert not wf.transition("notify").cancels_open


def test_definition_rejects_unknown_states_and_guards() -> None:
    states = (State("received", "Đã nhận", "Received"),)
    bad_dest = Transition("go", ("received",), "nowhere", "head", "Đi", "Go", "—")
    with pytest.raises(ValueError):
        Workflow("x", 1, "law_2008", "x", "x", states, (bad_dest,))
    bad_guard = Transition("go", ("received",), "received", "head", "Đi", "Go", "—",
                           guards=("no_such_guard",))
    with pytest.raises(ValueError):
        Workflow("x", 1, "law_2008", "x", "x", states, (bad_guard,))
    with pytest.raises(ValueError):
        InputSpec("x", "float")
    with pytest.raises(ValueError):
        InputSpec("x", "choice")


def test_deadline_opens_refer_to_known_rule_kinds(wf: Workflow) -> None:
    from workflows.rules import ALL_KINDS

    opens: list[DeadlineOpen] = list(wf.initial_opens)
    for t in wf.transitions:
        opens.extend(t.opens)
        assert set(t.closes) <= set(ALL_KINDS)
    for s in wf.states:
        opens.extend(s.on_resume_opens)
    assert {o.kind for o in opens} <= set(ALL_KINDS)


# -- validate_inputs -------------------------------------------------------


def test_validate_inputs_converts_form_strings(wf: Workflow) -> None:
    clean, errors = validate_inputs(wf.transition("decide"), {"decision_number": " 15/QĐ ",
                                                               "officer": " chv1a ", "extra": "x"})
    assert errors == {}
    assert clean == {"decision_number": "15/QĐ", "officer": "chv1a"}
    clean, errors = validate_inputs(wf.transition("verify"), {"outcome": "not_enforceable",
                                                               "yearly": "on"})
    assert errors == {} and clean == {"outcome": "not_enforceable", "yearly": True}
    clean, errors = validate_inputs(wf.transition("postpone"),
                                    {"ground": "Ốm nặng", "ground_ends_on": "31/12/2026"})
    assert errors == {} and clean["ground_ends_on"] == date(2026, 12, 31)
    clean, _ = validate_inputs(wf.transition("postpone"),
                               {"ground": "Ốm nặng", "ground_ends_on": "2026-12-31"})
    assert clean["ground_ends_on"] == date(2026, 12, 31)


def test_validate_inputs_reports_missing_required_fields_in_vietnamese(wf: Workflow) -> None:
    clean, errors = validate_inputs(wf.transition("decide"), {"decision_number": "  "})
    assert errors == {"decision_number": "Trường này là bắt buộc.",
                      "officer": "Trường này là bắt buộc."}
    assert clean == {}


def test_validate_inputs_leaves_optional_fields_empty(wf: Workflow) -> None:
    clean, errors = validate_inputs(wf.transition("postpone"), {"ground": "Ốm"})
    assert errors == {} and clean == {"ground": "Ốm", "ground_ends_on": None, "by_agreement": False}
    clean, errors = validate_inputs(wf.transition("verify"), {"outcome": "enforceable"})
    assert errors == {} and clean["yearly"] is False


def test_validate_inputs_rejects_bad_values(wf: Workflow) -> None:
    _, errors = validate_inputs(wf.transition("verify"), {"outcome": "maybe", "yearly": "perhaps"})
    assert errors["outcome"].startswith("Giá trị không hợp lệ; chọn một trong")
    assert errors["yearly"] == "Giá trị có/không không hợp lệ."
    _, errors = validate_inputs(wf.transition("postpone"),
                                {"ground": "x", "ground_ends_on": "2026-13-01"})
    assert errors["ground_ends_on"].startswith("Ngày không hợp lệ")
    _, errors = validate_inputs(wf.transition("decide"), {"decision_number": "1", "officer": ["abc"]})
    assert errors["officer"] == "Chấp hành viên không hợp lệ."
    _, errors = validate_inputs(wf.transition("terminate"), {"ground": "bored"})
    assert "ground" in errors


def test_validate_inputs_handles_money_and_integers_without_floats() -> None:
    t = Transition("collect", ("enforcing",), "enforcing", "officer", "Thu tiền", "Collect", "—",
                   inputs=(InputSpec("amount", "money"), InputSpec("count", "int", required=False)))
    clean, errors = validate_inputs(t, {"amount": "1.500.000 ₫", "count": "3"})
    assert errors == {} and clean == {"amount": 1_500_000, "count": 3}
    assert validate_inputs(t, {"amount": 2_000})[0]["amount"] == 2_000
    _, errors = validate_inputs(t, {"amount": 1.5, "count": "x"})
    assert errors == {"amount": "Số tiền không hợp lệ (số nguyên, đơn vị đồng).",
                      "count": "Phải là số nguyên."}
    _, errors = validate_inputs(t, {"amount": "-5"})
    assert errors == {"amount": "Số tiền không được âm."}
    _, errors = validate_inputs(t, {"amount": "1", "count": True})
    assert errors == {"count": "Phải là số nguyên."}


# -- diagram --------------------------------------------------------------


def test_mermaid_diagram_contains_every_state_and_trigger_label(wf: Workflow) -> None:
    text = to_mermaid(wf)
    assert text.startswith("stateDiagram-v2\n")
    assert "[*] --> received" in text
    for s in wf.states:
        assert f" as {s.name}" in text
    for t in wf.transitions:
        assert t.label_vi in text
    assert "postponed --> enforcing : Tiếp tục thi hành án" in text
    assert ("sent_back" in text) == (wf.id == "thads-2025")
    assert "Resume enforcement" in to_mermaid(wf, language="en")
