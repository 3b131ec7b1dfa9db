"""Coercion plans and days, hard cases and the steering committee, and the review's figures
(issue 11): refusals that name the rule, approval by the head, sending with dates, the police
protection plan, the unit's calendar, tasks reminded and escalated like any deadline, the
committee's report as of a date, and a hand-computed scenario of figures with their drill-downs."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from tests.factories import login, notification_rows
from tests.measures_factories import SALE_RUN, D, enforcing_case, seize_house, step

PLAN = {"measures_text": "Kê biên nhà đất", "start_time": "08:00", "end_time": "11:30",
        "place": "Thửa 123, phường Tiên Cát", "procedure": "Đọc quyết định, lập biên bản kê biên",
        "forces": "Chấp hành viên, thư ký, đại diện UBND phường", "protection": "Đề nghị 10 cán bộ Công an bảo vệ",
        "cost_estimate": "12.000.000"}


def plan_for(w, case, planned_on: str, today: str, **extra):
    from thads.extensions import db
    from thads.measures import coercion

    p = coercion.draft_plan(w.officer_a if case.unit_id == w.office_a.id else w.officer_b, case.id,
                            {**PLAN, "planned_on": planned_on, **extra}, today=D(today))
    db.session.commit()
    return p


def approve_and_send(w, p, today: str, police: bool = True):
    from thads.extensions import db
    from thads.measures import coercion

    head = w.head_a if p.unit_id == w.office_a.id else w.head_b
    officer = w.officer_a if p.unit_id == w.office_a.id else w.officer_b
    coercion.approve_plan(head, p.id, today=D(today))
    for key, name in (("procuracy", "VKSND khu vực 1"), ("police", "Công an phường Tiên Cát"),
                      ("commune", "UBND phường Tiên Cát")):
        coercion.record_dispatch(officer, p.id, key, name=name, sent_on=today, today=D(today))
    if police:
        coercion.update_police(officer, p.id, "forces_confirmed", on=today, forces=10, today=D(today))
    db.session.commit()
    return p


@pytest.mark.parametrize(("planned_on", "start", "rule", "words"), [
    ("2026-05-24", "08:00", "rest_day", "ngày nghỉ hằng tuần: Chủ nhật 24/05/2026"),
    ("2026-09-02", "08:00", "holiday", "Quốc khánh"),
    ("2026-05-26", "22:30", "night", "từ 22 giờ đến 6 giờ"),
    ("2027-02-25", "08:00", "tet", "15 ngày trước và sau Tết Nguyên đán"),
])
def test_a_plan_on_a_day_without_coercion_is_refused_naming_the_rule(world, planned_on, start, rule, words):
    from thads.extensions import db
    from thads.measures import coercion
    from thads.models import CoercionPlan
    from thads.services.errors import InvalidInput

    case = enforcing_case(world)
    with pytest.raises(InvalidInput) as exc:
        coercion.draft_plan(world.officer_a, case.id, {**PLAN, "planned_on": planned_on, "start_time": start,
                                                       "end_time": ""}, today=D("2026-05-19"))
    db.session.rollback()
    assert words in exc.value.message and exc.value.extra["rule"] == rule
    assert ("Khoản 2 Điều 46" in exc.value.message) or ("106/2025" in exc.value.message)
    assert db.session.scalars(select(CoercionPlan)).all() == []


def test_the_head_approves_the_plan_it_is_sent_the_police_confirm_and_the_calendar_shows_it(world, app):
    from thads.extensions import db
    from thads.measures import coercion
    from thads.services.errors import Forbidden, InvalidInput, InvalidTransition

    case = enforcing_case(world)
    p = plan_for(world, case, "2026-05-26", today="2026-05-19")
    assert (p.status, p.police_status, p.cost_estimate) == ("draft", "not_requested", 12_000_000)
    with pytest.raises(Forbidden):
        coercion.approve_plan(world.officer_a, p.id, today=D("2026-05-19"))
    db.session.rollback()
    with pytest.raises(InvalidTransition):  # not sent before it is approved
        coercion.record_dispatch(world.officer_a, p.id, "police", name="CA", sent_on="2026-05-19",
                                 today=D("2026-05-19"))
    db.session.rollback()
    coercion.approve_plan(world.head_a, p.id, today=D("2026-05-20"))
    coercion.record_dispatch(world.officer_a, p.id, "procuracy", name="VKSND khu vực 1", sent_on="2026-05-20",
                             today=D("2026-05-20"))
    coercion.record_dispatch(world.officer_a, p.id, "police", name="Công an phường Tiên Cát", sent_on="2026-05-20",
                             today=D("2026-05-20"))
    db.session.commit()
    assert (p.police_status, p.police_requested_on) == ("requested", D("2026-05-20"))
    with pytest.raises(InvalidInput):  # the same recipient twice
        coercion.record_dispatch(world.officer_a, p.id, "police", name="x", sent_on="2026-05-20", today=D("2026-05-20"))
    db.session.rollback()
    coercion.record_dispatch(world.officer_a, p.id, "commune", name="UBND phường Tiên Cát", sent_on="2026-05-21",
                             today=D("2026-05-21"))
    coercion.update_police(world.officer_a, p.id, "plan_received", on="2026-05-22", today=D("2026-05-22"))
    coercion.update_police(world.officer_a, p.id, "forces_confirmed", on="2026-05-25", forces=12,
                           today=D("2026-05-25"))
    db.session.commit()
    assert [(d.recipient, d.sent_on) for d in p.dispatches] == [
        ("procuracy", D("2026-05-20")), ("police", D("2026-05-20")), ("commune", D("2026-05-21"))]
    assert (p.police_status, p.police_forces, p.police_plan_received_on) == ("forces_confirmed", 12, D("2026-05-22"))
    cal = coercion.coercion_calendar(world.head_p, None, D("2026-05-27"))
    tuesday = cal.days[1]
    assert tuesday.on == D("2026-05-26") and [pl.id for pl, _c in tuesday.plans] == [p.id]
    assert cal.days[6].refusal.rule == "rest_day"
    # The province sees its week; another office does not see this office's plan.
    assert coercion.coercion_calendar(world.head_b, None, D("2026-05-27")).days[1].plans == []
    coercion.record_outcome(world.officer_a, p.id, outcome="partial", police_intervened=True, actual_cost="9.500.000",
                            today=D("2026-05-26"))
    db.session.commit()
    assert (p.status, p.carried_out_on, p.actual_cost, p.cost_borne_by) == ("carried_out", D("2026-05-26"),
                                                                             9_500_000, "debtor")
    client = app.test_client()
    login(client, "head_p")
    html = client.get("/coercion/calendar?week=2026-05-25").get_data(as_text=True)
    assert f'data-plan-id="{p.id}"' in html and "Công an đã xác nhận lực lượng" in html


def test_a_day_the_head_excludes_blocks_approval_and_postponement_moves_or_suspends_the_plan(world):
    from thads.extensions import db
    from thads.measures import coercion
    from thads.services.errors import Forbidden, InvalidInput

    case = enforcing_case(world)
    p = plan_for(world, case, "2026-05-27", today="2026-05-19")
    with pytest.raises(Forbidden):
        coercion.mark_excluded_day(world.officer_a, "2026-05-27", "Lễ hội", today=D("2026-05-19"))
    db.session.rollback()
    coercion.mark_excluded_day(world.head_p, "2026-05-27", "Lễ hội truyền thống của tỉnh", today=D("2026-05-19"))
    db.session.commit()
    with pytest.raises(InvalidInput, match="Lễ hội truyền thống của tỉnh"):
        coercion.approve_plan(world.head_a, p.id, today=D("2026-05-20"))
    db.session.rollback()
    with pytest.raises(InvalidInput, match="Lễ hội truyền thống"):
        plan_for(world, case, "2026-05-27", today="2026-05-20")
    db.session.rollback()
    q = plan_for(world, case, "2026-05-28", today="2026-05-20")
    coercion.approve_plan(world.head_a, q.id, today=D("2026-05-20"))
    db.session.commit()
    with pytest.raises(InvalidInput, match="Chủ nhật"):
        coercion.postpone_plan(world.officer_a, q.id, reason="Đương sự xin hoãn", new_date="2026-05-31",
                               today=D("2026-05-21"))
    db.session.rollback()
    coercion.postpone_plan(world.officer_a, q.id, reason="Công an chưa bố trí được lực lượng", new_date="2026-06-02",
                           today=D("2026-05-21"))
    db.session.commit()
    assert (q.status, q.planned_on, q.postponements) == ("approved", D("2026-06-02"), 1)
    coercion.postpone_plan(world.officer_a, q.id, reason="Mưa bão", today=D("2026-05-29"))
    coercion.cancel_plan(world.officer_a, p.id, reason="Người phải thi hành án đã tự nguyện nộp tiền",
                         today=D("2026-05-29"))
    db.session.commit()
    assert (q.status, q.last_reason, p.status) == ("postponed", "Mưa bão", "cancelled")


def test_a_hard_case_gets_tasks_that_are_reminded_to_its_officer_and_escalated_then_answered(world):
    from thads.extensions import db
    from thads.measures import committee
    from thads.models import Deadline, Unit
    from thads.services import reminders
    from thads.services.errors import Forbidden, InvalidInput

    case = enforcing_case(world)
    with pytest.raises(Forbidden):
        committee.mark_hard_case(world.officer_a, case.id, reason="land_dispute", today=D("2026-05-19"))
    db.session.rollback()
    hard = committee.mark_hard_case(world.head_a, case.id, reason="land_dispute", note="Tranh chấp ranh giới",
                                    today=D("2026-05-19"))
    db.session.commit()
    with pytest.raises(InvalidInput):
        committee.mark_hard_case(world.head_a, case.id, reason="other", today=D("2026-05-19"))
    db.session.rollback()
    province = db.session.get(Unit, world.province.id)
    assert committee.ensure_default_agencies(province) == 9
    police = next(a for a in committee.agencies(province) if a.kind == "police")
    task = committee.give_task(world.head_p, hard.id, agency_id=police.id, description="Bố trí lực lượng bảo vệ",
                               due_on="2026-06-05", today=D("2026-05-20"))
    db.session.commit()
    row = db.session.get(Deadline, task.deadline_id)
    assert (row.kind, row.due_on, row.status, row.legal_basis) == (
        "committee_task", D("2026-06-05"), "open", "Kết luận của Ban chỉ đạo thi hành án dân sự")
    # The sweep reminds the case's officer before and on the day, then escalates to the office's heads.
    for day in ("2026-06-03", "2026-06-05", "2026-06-08", "2026-06-09"):
        reminders.sweep(datetime.fromisoformat(f"{day}T08:00+07:00"), enqueue=False)
    sent = {(n.step, n.user.username) for n in notification_rows(deadline_id=row.id, channel="inapp")}
    assert sent == {("upcoming", "officer_a"), ("due", "officer_a"), ("overdue", "officer_a"),
                    ("escalated", "head_a")}
    committee.answer_task(world.officer_a, task.id, answer="Đã bố trí 15 cán bộ", on="2026-06-09",
                          today=D("2026-06-09"))
    db.session.commit()
    db.session.expire_all()
    assert (db.session.get(Deadline, row.id).status, task.status) == ("missed", "answered")


def test_the_committee_report_lists_status_money_what_each_agency_owes_and_results_as_of_a_date(world, app):
    from thads.extensions import db
    from thads.measures import committee
    from thads.models import Unit
    from thads.services import lifecycle

    province = db.session.get(Unit, world.province.id)
    committee.ensure_default_agencies(province)
    agencies = {a.kind: a for a in committee.agencies(province)}
    a = enforcing_case(world)
    b = enforcing_case(world, n=2)
    ha = committee.mark_hard_case(world.head_a, a.id, reason="large_amount", today=D("2026-05-19"))
    hb = committee.mark_hard_case(world.head_a, b.id, reason="enterprise", today=D("2026-05-19"))
    meeting = committee.add_meeting(world.head_p, held_on="2026-06-10", title="Họp Ban chỉ đạo quý III",
                                    chaired_by="Phó Chủ tịch UBND tỉnh", today=D("2026-06-10"))
    t1 = committee.give_task(world.head_p, ha.id, agency_id=agencies["police"].id, description="Bảo vệ cưỡng chế",
                             due_on="2026-06-30", meeting_id=meeting.id, today=D("2026-06-10"))
    committee.give_task(world.head_p, ha.id, agency_id=agencies["agri_env"].id, description="Đo đạc lại thửa đất",
                        due_on="2026-07-15", meeting_id=meeting.id, today=D("2026-06-10"))
    committee.add_review(world.head_p, ha.id, conclusion="Tổ chức cưỡng chế trong tháng 7", next_review_on="2026-07-20",
                         meeting_id=meeting.id, today=D("2026-06-10"))
    lifecycle.record_payment(world.accountant_a, a.id, amount=50_000_000, on="2026-06-20", today=D("2026-06-20"))
    committee.answer_task(world.officer_a, t1.id, answer="Đã bố trí lực lượng", on="2026-06-25",
                          today=D("2026-06-25"))
    committee.settle_hard_case(world.head_a, hb.id, note="Doanh nghiệp đã nộp đủ", today=D("2026-07-02"))
    db.session.commit()

    # Quarter 3 of statistical year 2026 (April–June), as of 30/06/2026.
    q3 = committee.committee_report(world.head_p, 2026, 3, today=D("2026-07-10"))
    assert (q3.start, q3.end, q3.cutoff) == (D("2026-04-01"), D("2026-06-30"), D("2026-06-30"))
    assert [(rc.case.id, rc.status, rc.at_stake) for rc in q3.cases] == [(a.id, "open", 100_000_000),
                                                                        (b.id, "open", 150_000_000)]
    owed = {ag.kind: (n, late) for ag, n, late in q3.owed}
    assert owed["agri_env"] == (1, 0) and owed["police"] == (0, 0)
    results = [(d, vi) for d, vi, _en in q3.cases[0].results]
    assert results == [(D("2026-06-20"), "Thu 50.000.000 ₫"), (D("2026-06-25"), "Công an tỉnh đã trả lời nhiệm vụ")]
    assert q3.cases[0].last_conclusion.conclusion == "Tổ chức cưỡng chế trong tháng 7"
    # The whole year as of 20/07/2026: b settled, the survey is overdue.
    year = committee.committee_report(world.head_p, 2026, as_of=D("2026-07-20"), today=D("2026-07-20"))
    assert [(rc.case.id, rc.status) for rc in year.cases] == [(a.id, "open"), (b.id, "settled")]
    assert {ag.kind: (n, late) for ag, n, late in year.owed}["agri_env"] == (1, 1)
    assert year.totals == {"cases": 2, "open": 1, "settled": 1, "opened_in_period": 2, "at_stake": 100_000_000,
                           "tasks_owed": 1, "tasks_overdue": 1}

    client = app.test_client()
    login(client, "head_p")
    html = client.get("/committee/report?year=2026&quarter=3&as_of=2026-06-30").get_data(as_text=True)
    assert "Sở Nông nghiệp và Môi trường (15/07/2026)" in html and "Thu 50.000.000 ₫" in html
    resp = client.get("/committee/report.xlsx?year=2026&quarter=3&as_of=2026-06-30")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(resp.data)).active
    assert ws["B6"].value == a.display_number and ws["G6"].value == 100_000_000
    assert "BAN CHỈ ĐẠO" in ws["A1"].value


def _scenario(w):
    """Four cases and their coercions, sales, hard cases and tasks (see the figures test)."""
    from thads.extensions import db
    from thads.measures import coercion, committee
    from thads.models import Unit

    c1, c2, c3 = (enforcing_case(w, n=i) for i in (1, 2, 3))
    c4 = enforcing_case(w, n=4, officer="officer_b")
    # C1: coerced 19/05 with police forces; the house is seized, fails at auction, is sold 10/09.
    p1 = approve_and_send(w, plan_for(w, c1, "2026-05-19", today="2026-05-18"), today="2026-05-18")
    coercion.record_outcome(w.officer_a, p1.id, outcome="done", today=D("2026-05-19"))
    m1 = seize_house(w, c1)
    for trigger, on, inputs in SALE_RUN[:-1]:
        m1 = step(w, c1, m1, trigger, on, inputs)
    # C2: coerced 20/05 without the police; a car at an agreed price, sold 15/06.
    p2 = approve_and_send(w, plan_for(w, c2, "2026-05-20", today="2026-05-18", protection=""), today="2026-05-18",
                          police=False)
    coercion.record_outcome(w.officer_a, p2.id, outcome="done", today=D("2026-05-20"))
    from tests.integration.test_measures import measures_start

    m2 = measures_start(w, c2, "seize_sell", {"asset": "Xe ô tô 19A-123.45", "asset_class": "movable",
                                              "price_basis": "agreed", "agreed_price": "300.000.000"}, on="2026-05-20")
    step(w, c2, m2, "auction_contract", "2026-05-25", {"auction_house": "Trung tâm"})
    step(w, c2, m2, "sold", "2026-06-15", {"price": "310.000.000", "buyer": "Bà C"})
    # C3: coerced 21/05, obstructed, the police intervened (no forces confirmed beforehand); a second
    # plan called off; land seized, not sold; a hard case with two tasks.
    p3 = approve_and_send(w, plan_for(w, c3, "2026-05-21", today="2026-05-18"), today="2026-05-18", police=False)
    coercion.record_outcome(w.officer_a, p3.id, outcome="obstructed", police_intervened=True, today=D("2026-05-21"))
    measures_start(w, c3, "seize_sell", {"asset": "Thửa đất 45", "asset_class": "immovable",
                                         "price_basis": "valuation"}, on="2026-05-21")
    p3b = plan_for(w, c3, "2026-06-02", today="2026-05-22")
    coercion.cancel_plan(w.officer_a, p3b.id, reason="Chờ kết quả đo đạc", today=D("2026-05-25"))
    province = db.session.get(Unit, w.province.id)
    committee.ensure_default_agencies(province)
    ag = {a.kind: a for a in committee.agencies(province)}
    h3 = committee.mark_hard_case(w.head_a, c3.id, reason="organised_obstruction", today=D("2026-05-22"))
    t_police = committee.give_task(w.head_p, h3.id, agency_id=ag["police"].id, description="Điều tra hành vi chống đối",
                                   due_on="2026-06-15", today=D("2026-05-25"))
    committee.give_task(w.head_p, h3.id, agency_id=ag["commune"].id, description="Vận động người phải thi hành án",
                        due_on="2026-06-30", today=D("2026-05-25"))
    committee.answer_task(w.officer_a, t_police.id, answer="Đã khởi tố vụ án", on="2026-06-10", today=D("2026-06-10"))
    # C4 (office B): a hard case settled 20/08, its task to the court answered 01/07.
    h4 = committee.mark_hard_case(w.head_b, c4.id, reason="enterprise", today=D("2026-05-25"))
    t_court = committee.give_task(w.head_p, h4.id, agency_id=ag["court"].id, description="Giải thích bản án",
                                  due_on="2026-07-10", today=D("2026-05-26"))
    committee.answer_task(w.officer_b, t_court.id, answer="Đã giải thích", on="2026-07-01", today=D("2026-07-01"))
    committee.settle_hard_case(w.head_b, h4.id, note="Đã thi hành xong phần lớn", today=D("2026-08-20"))
    db.session.commit()
    return c1, c2, c3, c4, ag


def test_the_reviews_figures_reproduce_a_hand_computed_scenario_and_drill_down_to_exactly_their_cases(world, app):
    from thads.extensions import db
    from thads.measures import figures
    from thads.models import Unit
    from thads.services.audit_verify import verify
    from thads.services.stats import Period

    c1, c2, c3, c4, ag = _scenario(world)
    # The whole audit trail still verifies (chains, money replay, nearest deadlines).
    assert verify().findings == []
    province = db.session.get(Unit, world.province.id)
    office_a = db.session.get(Unit, world.office_a.id)
    year = Period(2026, 12, D("2026-09-30"))
    got = figures.measure_figures(province, year)
    assert got.values == {"cases_coerced": 3, "coercions": 3, "coercions_police": 2, "assets_seized": 3,
                          "assets_auctioned": 2, "assets_sold": 2, "sales_money": 2_160_000_000,
                          "hard_opened": 2, "hard_settled": 1, "tasks_outstanding": 1}
    assert [(a.kind, n) for a, n in got.by_agency] == [("commune", 1)]

    def cases(figure, period=year, unit=province, agency=None):
        return [(r.case_id, r.count, r.amount) for r in figures.drill(unit, period, figure, agency)]

    assert cases("cases_coerced") == [(c1.id, 1, 0), (c2.id, 1, 0), (c3.id, 1, 0)]
    assert cases("coercions_police") == [(c1.id, 1, 0), (c3.id, 1, 0)]
    assert cases("assets_auctioned") == [(c1.id, 1, 0), (c2.id, 1, 0)]
    assert cases("sales_money") == [(c1.id, 1, 1_850_000_000), (c2.id, 1, 310_000_000)]
    assert cases("hard_opened") == [(c3.id, 1, 0), (c4.id, 1, 0)]
    assert cases("hard_settled") == [(c4.id, 1, 0)]
    assert cases("tasks_outstanding", agency=ag["commune"].id) == [(c3.id, 1, 0)]
    # The office's own figures leave out office B's case.
    assert figures.measure_figures(office_a, year).values["hard_opened"] == 1
    # As of 31/07/2026: C1's house has failed at auction but is not sold yet; nothing settled.
    july = figures.measure_figures(province, Period(2026, 12, D("2026-07-31"))).values
    assert (july["assets_auctioned"], july["assets_sold"], july["sales_money"], july["hard_settled"]) == (
        2, 1, 310_000_000, 0)
    # As of 05/06/2026 three tasks were still owed: police, commune and court, one each.
    june = figures.measure_figures(province, Period(2026, 12, D("2026-06-05")))
    assert june.values["tasks_outstanding"] == 3
    assert sorted((a.kind, n) for a, n in june.by_agency) == [("commune", 1), ("court", 1), ("police", 1)]

    client = app.test_client()
    login(client, "head_p")
    html = client.get("/measures/figures?year=2026&months=12&as_of=2026-09-30").get_data(as_text=True)
    assert 'data-fig="sales_money"' in html and "2.160.000.000 ₫" in html
    drill = client.get("/measures/figures/drill?figure=coercions_police&year=2026&months=12&as_of=2026-09-30")
    page = drill.get_data(as_text=True)
    assert f'data-case-id="{c1.id}"' in page and f'data-case-id="{c3.id}"' in page
    assert f'data-case-id="{c2.id}"' not in page
