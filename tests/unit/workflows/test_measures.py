"""Enforcement measures as data (issue 11): every statutory period of the measures, computed by
hand across Tết 2026, 30/4–1/5, the swapped Saturday 22/08/2026 and the change of law on
01/07/2026; the coercion-day rule; the sub-procedures on the shared machine; Art 47's order."""

from __future__ import annotations

from datetime import date, time

import pytest

from workflows.calendar import WorkingCalendar
from workflows.machine import CaseMachine, InvalidTransition, validate_inputs
from workflows.measures import (
    MEASURE_KINDS,
    MEASURES,
    MeasureContext,
    coercion_refusal,
    distribute,
    measure_for,
    tet_window,
)
from workflows.planning import plan_transition
from workflows.rules import (
    LAW_2008,
    LAW_2025,
    MEASURE_DEADLINE_KINDS,
    RULES_2008,
    RULES_2025,
    UNCONFIRMED,
    due_date,
    explain,
    rule_for,
)

# Worked out by hand on a calendar of 2026 (Tết holidays Mon 16 – Fri 20/02, weekends 14–15 and
# 21–22/02; Hùng Kings Sun 26/04 with Mon 27/04 in lieu; 30/04 Thu and 01/05 Fri; Saturday
# 22/08 worked, Mon 31/08 off in its place, 01–02/09 National Day). A day period starts the day
# after the event and, ending on a day off, moves to the next working day (Civil Code Art
# 147–148); a working-day period counts working days only.
# (kind, variant, event, due, law, article cited, how)
TABLE = [
    # -- security measures (Law 2008 Art 67–69 as amended 2014)
    ("freeze_followup", None, date(2026, 2, 6), date(2026, 2, 23), LAW_2008, "Điều 67",
     "Fri 06/02 + 10 d = Mon 16/02, Tết until 20/02, weekend → Mon 23/02"),
    ("freeze_followup", None, date(2026, 4, 21), date(2026, 5, 4), LAW_2008, "Điều 67",
     "21/04 + 10 d = Fri 01/05 (holiday), weekend → Mon 04/05"),
    ("hold_followup", None, date(2026, 2, 9), date(2026, 2, 23), LAW_2008, "Khoản 5 Điều 68",
     "09/02 + 10 d = Thu 19/02 (Tết) → Mon 23/02"),
    ("suspension_followup", None, date(2026, 2, 2), date(2026, 2, 23), LAW_2008, "Điều 69",
     "02/02 + 15 d = Tue 17/02 (Tết) → Mon 23/02"),
    ("freeze_followup", None, date(2026, 7, 1), date(2026, 7, 13), LAW_2025, "Luật 106/2025/QH15, Điều 66–72",
     "from the changeover: 01/07 + 10 d = Sat 11/07 → Mon 13/07, 2008 figure kept (UNCONFIRMED)"),
    # -- seizure → valuation → sale (Art 98–104)
    ("valuation", None, date(2026, 2, 13), date(2026, 2, 27), LAW_2008, "Khoản 2 Điều 98",
     "5 WD after Fri 13/02: Tết and weekends skipped, 23, 24, 25, 26, 27/02"),
    ("valuation", None, date(2026, 6, 30), date(2026, 7, 7), LAW_2008, "Khoản 2 Điều 98",
     "seized the day before the change: the 2008 rule, 01, 02, 03, 06, 07/07"),
    ("valuation", None, date(2026, 7, 1), date(2026, 7, 8), LAW_2025, "Luật 106/2025/QH15, Điều 82–83",
     "seized on the changeover: the 2025 rule, 02, 03, 06, 07, 08/07"),
    ("valuation", None, date(2026, 8, 21), date(2026, 8, 27), LAW_2025, "Luật 106/2025/QH15, Điều 82–83",
     "5 WD after Fri 21/08: Sat 22/08 is worked (1), 24, 25, 26, 27/08"),
    ("revaluation_request", None, date(2026, 4, 23), date(2026, 5, 5), LAW_2008, "Điều 99",
     "5 WD after Thu 23/04: 24/04, (27/04 in lieu), 28, 29/04, (30/04, 01/05), 04, 05/05"),
    ("auction_agreement", None, date(2026, 4, 28), date(2026, 5, 7), LAW_2008, "Khoản 1 Điều 101",
     "5 WD after Tue 28/04: 29/04, 04, 05, 06, 07/05"),
    ("auction_contract", None, date(2026, 4, 21), date(2026, 5, 4), LAW_2008, "Khoản 1 Điều 101",
     "21/04 + 10 d = Fri 01/05 (holiday) → Mon 04/05"),
    ("auction_contract", None, date(2026, 2, 10), date(2026, 2, 23), LAW_2008, "Khoản 1 Điều 101",
     "10/02 + 10 d = Fri 20/02 (Tết) → Mon 23/02"),
    ("auction", "movable", date(2026, 7, 23), date(2026, 8, 22), LAW_2025, "Luật 106/2025/QH15, Điều 82–83",
     "23/07 + 30 d = Sat 22/08, a worked Saturday: due that Saturday"),
    ("auction", "immovable", date(2026, 7, 17), date(2026, 9, 3), LAW_2025, "Luật 106/2025/QH15, Điều 82–83",
     "17/07 + 45 d = Mon 31/08 (off for 22/08), 01–02/09 National Day → Thu 03/09"),
    ("auction", "immovable", date(2026, 3, 20), date(2026, 5, 4), LAW_2008, "Khoản 2 Điều 101",
     "20/03 + 45 d = Mon 04/05 (after 30/04–01/05 and the weekend)"),
    ("auction", "movable", date(2026, 3, 31), date(2026, 5, 4), LAW_2008, "Khoản 2 Điều 101",
     "31/03 + 30 d = Thu 30/04 (holiday), 01/05, weekend → Mon 04/05"),
    ("price_reduction", None, date(2026, 6, 30), date(2026, 7, 10), LAW_2008, "Khoản 1 Điều 104",
     "failed auction 30/06: the 2008 rule, + 10 d = Fri 10/07"),
    ("price_reduction", None, date(2026, 7, 1), date(2026, 7, 13), LAW_2025, "Luật 106/2025/QH15, Điều 82–83",
     "failed auction 01/07: the 2025 rule, + 10 d = Sat 11/07 → Mon 13/07"),
    ("price_reduction", None, date(2026, 2, 5), date(2026, 2, 23), LAW_2008, "Khoản 1 Điều 104",
     "05/02 + 10 d = Sun 15/02, Tết → Mon 23/02"),
    ("reauction", "immovable", date(2026, 1, 8), date(2026, 2, 23), LAW_2008, "Khoản 2 Điều 101, Điều 104",
     "08/01 + 45 d = Sun 22/02 (end of the Tết break) → Mon 23/02"),
    ("reauction", "movable", date(2026, 3, 31), date(2026, 5, 4), LAW_2008, "Khoản 2 Điều 101, Điều 104",
     "31/03 + 30 d = Thu 30/04 → Mon 04/05"),
    # -- proceeds paid out (Art 47(5) / L106 Art 54(6)): the existing 10-day rule
    ("payout", None, date(2026, 2, 10), date(2026, 2, 23), LAW_2008, "Khoản 5 Điều 47",
     "10/02 + 10 d = Fri 20/02 (Tết) → Mon 23/02"),
    ("payout", None, date(2026, 8, 12), date(2026, 8, 22), LAW_2025, "Luật 106/2025/QH15, Điều 54 khoản 6",
     "12/08 + 10 d = Sat 22/08, worked → due Sat 22/08"),
    # -- a task of the steering committee: the date it set, unmoved
    ("committee_task", None, date(2027, 3, 14), date(2027, 3, 14), LAW_2025, "Ban chỉ đạo",
     "the committee's own date (a Sunday stays a Sunday)"),
]


@pytest.mark.parametrize(("kind", "variant", "event", "due", "law", "article", "how"), TABLE,
                         ids=[f"{r[0]}-{r[2]:%d%m%Y}" for r in TABLE])
def test_each_measure_period_has_the_hand_computed_due_date_rule_and_article(
        cal: WorkingCalendar, kind, variant, event, due, law, article, how) -> None:
    rule = rule_for(kind, event, variant)
    assert rule.law == law
    assert due_date(rule, event, cal) == due, how
    assert article in rule.legal_basis
    # The explanation a person reads names the due date, the start and the article.
    text = explain(rule, event, due)
    assert text.startswith(f"đến hạn {due:%d/%m/%Y}") and article in text


def test_the_table_covers_every_measure_period_under_both_laws() -> None:
    covered = {(k, v) for k, v, *_ in TABLE}
    assert {k for k, _ in covered} >= set(MEASURE_DEADLINE_KINDS)
    for table in (RULES_2008, RULES_2025):
        measure_keys = {key for key in table if key[0] in MEASURE_DEADLINE_KINDS}
        assert measure_keys <= covered


def test_the_new_law_keeps_the_2008_figures_and_says_they_are_unconfirmed() -> None:
    for (kind, variant), old in RULES_2008.items():
        if kind not in MEASURE_DEADLINE_KINDS:
            continue
        new = RULES_2025[(kind, variant)]
        assert (new.amount, new.unit) == (old.amount, old.unit)
        if kind != "committee_task":
            assert new.unconfirmed and (LAW_2025, kind, variant) in UNCONFIRMED
            assert "chưa được xác nhận" in explain(new, date(2026, 7, 1), date(2026, 7, 13))
    # The 2008 figures read from stored copies are confirmed; the others say why not.
    assert rule_for("freeze_followup", date(2026, 5, 4)).unconfirmed is None
    assert rule_for("valuation", date(2026, 5, 4)).unconfirmed is None
    assert rule_for("suspension_followup", date(2026, 5, 4)).unconfirmed


def test_parties_windows_are_not_the_agencys_deadlines() -> None:
    for kind in ("revaluation_request", "auction_agreement"):
        assert rule_for(kind, date(2026, 5, 4)).actor == "parties"
    assert rule_for("valuation", date(2026, 5, 4)).actor == "officer"


# -- coercion days (Art 46(2) as amended 2014) -----------------------------------------------------

AM8 = time(8, 0)


def test_coercion_on_a_sunday_is_refused_naming_the_weekly_rest_day(cal) -> None:
    refusal = coercion_refusal(cal, date(2026, 5, 3), AM8)
    assert refusal.rule == "rest_day"
    assert refusal.message_vi == ("Không được cưỡng chế vào ngày nghỉ hằng tuần: Chủ nhật 03/05/2026 — "
                                  "Khoản 2 Điều 46 Luật THADS 2008 (sửa đổi 2014).")
    assert "weekly rest day" in refusal.message_en


def test_coercion_on_labour_day_is_refused_naming_the_holiday(cal) -> None:
    refusal = coercion_refusal(cal, date(2026, 5, 1), AM8)
    assert refusal.rule == "holiday"
    assert "Thứ Sáu 01/05/2026 (Ngày Quốc tế Lao động)" in refusal.message_vi
    assert "Khoản 2 Điều 46" in refusal.message_vi


def test_coercion_at_half_past_ten_at_night_is_refused_naming_the_night_hours(cal) -> None:
    refusal = coercion_refusal(cal, date(2026, 5, 12), time(22, 30))
    assert refusal.rule == "night"
    assert refusal.message_vi == ("Không được cưỡng chế từ 22 giờ đến 6 giờ sáng ngày hôm sau (22:30 ngày "
                                  "12/05/2026) — Khoản 2 Điều 46 Luật THADS 2008 (sửa đổi 2014).")
    # Starting early in the morning, or running past 22:00, is refused too.
    assert coercion_refusal(cal, date(2026, 5, 12), time(5, 30)).rule == "night"
    assert coercion_refusal(cal, date(2026, 5, 12), time(20, 0), time(22, 30)).rule == "night"


def test_coercion_within_fifteen_days_after_tet_2026_is_refused_and_the_window_is_counted_as_documented(cal):
    assert tet_window(cal, 2026) == (date(2026, 2, 1), date(2026, 2, 16), date(2026, 2, 20), date(2026, 3, 7))
    refusal = coercion_refusal(cal, date(2026, 3, 5), AM8)
    assert refusal.rule == "tet"
    assert refusal.message_vi == (
        "Không được cưỡng chế trong 15 ngày trước và sau Tết Nguyên đán: Thứ Năm 05/03/2026 nằm trong khoảng "
        "01/02/2026–07/03/2026 (Tết 16/02–20/02/2026) — Khoản 2 Điều 46 Luật THADS 2008 (sửa đổi 2014).")
    assert coercion_refusal(cal, date(2026, 2, 2), AM8).rule == "tet"  # 15 days before
    assert coercion_refusal(cal, date(2026, 1, 30), AM8) is None  # the working day before the window
    assert coercion_refusal(cal, date(2026, 3, 9), AM8) is None  # the first working day after it


def test_a_day_the_head_excluded_locally_is_refused_with_the_heads_reason(cal) -> None:
    refusal = coercion_refusal(cal, date(2026, 5, 14), AM8, excluded={date(2026, 5, 14): "Lễ hội Đền Hùng"})
    assert refusal.rule == "local"
    assert "Thủ trưởng đã xác định là ngày không cưỡng chế tại địa phương (Lễ hội Đền Hùng)" in refusal.message_vi


def test_an_ordinary_working_day_at_eight_is_accepted_and_so_is_a_worked_saturday(cal) -> None:
    assert coercion_refusal(cal, date(2026, 5, 12), AM8, time(11, 30)) is None
    assert coercion_refusal(cal, date(2026, 8, 22), AM8) is None


def test_under_the_new_law_the_refusal_cites_it_and_says_the_rule_is_unconfirmed(cal) -> None:
    refusal = coercion_refusal(cal, date(2026, 7, 12), AM8)
    assert refusal.rule == "rest_day" and "Luật 106/2025/QH15" in refusal.message_vi
    assert "chưa xác nhận" in refusal.message_vi


# -- the sub-procedures on the shared machine -----------------------------------------------------

def _fire(wf, ctx, trigger, inputs, cal):
    clean, errors = validate_inputs(wf.transition(trigger), inputs, on=ctx.on)
    assert errors == {}
    machine = CaseMachine.for_workflow(wf)
    state = machine.fire(ctx, trigger, clean)
    return state, plan_transition(wf, trigger, ctx, clean, ctx.on, cal)


def test_a_seizure_and_sale_runs_through_valuation_auction_reduction_and_sale(cal) -> None:
    wf = measure_for("seize_sell", date(2026, 4, 1))
    ctx = MeasureContext(on=date(2026, 4, 1))
    state, planned = _fire(wf, ctx, "start", {"asset": "Nhà đất số 5", "asset_class": "immovable",
                                              "price_basis": "valuation"}, cal)
    assert state == "seized" and [(p.kind, p.due_on) for p in planned] == [("valuation", date(2026, 4, 8))]
    ctx.on = date(2026, 4, 6)
    assert _fire(wf, ctx, "valuation_contract", {"appraiser": "Công ty Thẩm định A"}, cal)[0] == "valuation_contracted"
    ctx.on = date(2026, 4, 20)
    state, planned = _fire(wf, ctx, "valuation_result", {"price": "1.000.000.000"}, cal)
    assert state == "valued"
    # 5 WD after Mon 20/04 skip Mon 27/04 (in lieu of Hùng Kings); 20/04 + 10 d = 30/04 → 04/05.
    assert {p.kind: p.due_on for p in planned} == {"revaluation_request": date(2026, 4, 28),
                                                   "auction_agreement": date(2026, 4, 28),
                                                   "auction_contract": date(2026, 5, 4)}
    ctx.asset_class, ctx.current_price, ctx.on = "immovable", 1_000_000_000, date(2026, 4, 28)
    state, planned = _fire(wf, ctx, "auction_contract", {"auction_house": "Trung tâm DVĐGTS"}, cal)
    assert [(p.kind, p.rule.variant, p.due_on) for p in planned] == [("auction", "immovable", date(2026, 6, 12))]
    ctx.on = date(2026, 6, 10)
    state, planned = _fire(wf, ctx, "auction_failed", {}, cal)
    assert state == "auction_failed" and [(p.kind, p.due_on) for p in planned] == [("price_reduction", date(2026, 6, 22))]
    machine = CaseMachine.for_workflow(wf)
    # An 11 % reduction is refused with Art 104's message; 10 % is accepted.
    ctx.on = date(2026, 6, 15)
    with pytest.raises(InvalidTransition) as exc:
        machine.fire(ctx, "reduce_price", {"new_price": 889_999_999})
    assert "không quá 10%" in exc.value.message_vi and "Điều 104" in exc.value.message_vi
    state, planned = _fire(wf, ctx, "reduce_price", {"new_price": "900.000.000"}, cal)
    assert state == "price_reduced" and planned[0].kind == "reauction"
    assert _fire(wf, ctx, "sold", {"price": "950000000", "buyer": "Ông B"}, cal)[0] == "sold"
    assert _fire(wf, ctx, "proceeds", {"amount": "950000000"}, cal)[0] == "proceeds_collected"
    assert wf.state("proceeds_collected").final


def test_a_price_agreed_at_seizure_skips_the_valuation_contract(cal) -> None:
    wf = measure_for("seize_sell", date(2026, 5, 4))
    ctx = MeasureContext(on=date(2026, 5, 4))
    state, planned = _fire(wf, ctx, "start", {"asset": "Xe ô tô", "asset_class": "movable",
                                              "price_basis": "agreed", "agreed_price": "300000000"}, cal)
    assert state == "valued"
    assert {p.kind for p in planned} == {"auction_agreement", "auction_contract"}
    with pytest.raises(InvalidTransition):
        CaseMachine.for_workflow(wf).fire(MeasureContext(on=date(2026, 5, 4)), "start",
                                          {"price_basis": "agreed", "asset_class": "movable"})


def test_revaluation_may_be_asked_once_only(cal) -> None:
    wf = measure_for("seize_sell", date(2026, 5, 4))
    machine = CaseMachine.for_workflow(wf)
    ctx = MeasureContext(state="valued", on=date(2026, 5, 4), revaluations=1)
    with pytest.raises(InvalidTransition) as exc:
        machine.fire(ctx, "revaluation", {"requested_by": "A", "appraiser": "B"})
    assert "một lần" in exc.value.message_vi
    assert "revaluation" not in {t.trigger for t in machine.available(ctx)}


def test_a_hold_counts_from_the_day_ownership_was_established_when_it_is_given(cal) -> None:
    wf = measure_for("hold", date(2026, 5, 4))
    _, planned = _fire(wf, MeasureContext(on=date(2026, 5, 4)), "start",
                       {"items": "Giấy chứng nhận QSDĐ", "owner_established_on": "2026-05-11"}, cal)
    assert [(p.kind, p.basis_on, p.due_on) for p in planned] == [("hold_followup", date(2026, 5, 11), date(2026, 5, 21))]
    _, planned = _fire(wf, MeasureContext(on=date(2026, 5, 4)), "start", {"items": "Xe máy"}, cal)
    assert [(p.basis_on, p.due_on) for p in planned] == [(date(2026, 5, 4), date(2026, 5, 14))]


def test_the_exit_postponement_exists_from_the_new_law_only_and_is_the_heads() -> None:
    assert "exit_ban" not in MEASURES[LAW_2008] and "exit_ban" in MEASURES[LAW_2025]
    start = MEASURES[LAW_2025]["exit_ban"].transition("start")
    assert start.role == "head" and "Điều 66" in start.legal_basis


def test_every_measure_step_cites_its_article_and_names_its_inputs_in_both_languages() -> None:
    for law, kinds in MEASURES.items():
        for wf in kinds.values():
            assert wf.transition("start").sources == ("new",)
            for t in wf.transitions:
                assert t.legal_basis and t.legal_basis_en and t.label_vi and t.label_en
                assert t.legal_basis.startswith("Luật 106/2025") == (law == LAW_2025)
                for spec in t.inputs:
                    assert spec.label_vi and spec.label_en
    assert set(MEASURE_KINDS) == {"freeze", "hold", "suspend_transfer", "exit_ban", "account_deduction",
                                  "income_deduction", "seize_sell", "exploit", "handover", "force_act"}


# -- Art 47: the order in which proceeds pay the obligations ----------------------------------

def test_proceeds_pay_rank_one_first_then_court_fees_then_the_rest_pro_rata_within_a_rank() -> None:
    obligations = [(1, 3, 600), (2, 1, 100), (3, 2, 50), (4, 3, 300)]
    shares = distribute(400, obligations)
    assert [(s.obligation_id, s.amount) for s in shares] == [(2, 100), (3, 50), (1, 167), (4, 83)]
    # What was collected earlier is taken as already shared the same way.
    later = distribute(200, obligations, already=400)
    assert [(s.obligation_id, s.amount) for s in later] == [(1, 133), (4, 67)]
    assert sum(s.amount for s in distribute(10**6, obligations)) == 1050  # no more than is owed
