"""Enforcement measures on cases (issue 11): a house seized, valued, auctioned, reduced, sold and paid
out; each step's deadline with its rule; the ledger; who may do what; the API; the worklist and the
board; the audit trail. Every test runs on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import api_token, login
from tests.measures_factories import SALE_RUN, D, enforcing_case, seize_house, step


def _deadlines(case_id: int, measure_id: int | None = None) -> dict:
    from thads.extensions import db
    from thads.models import Deadline

    db.session.expire_all()
    stmt = select(Deadline).where(Deadline.case_id == case_id)
    if measure_id is not None:
        stmt = stmt.where(Deadline.measure_id == measure_id)
    return {(d.kind, d.status): d for d in db.session.scalars(stmt.order_by(Deadline.id))}


def test_a_house_is_seized_valued_auctioned_reduced_sold_and_its_proceeds_enter_the_ledger(world):
    from thads.extensions import db
    from thads.models import Case, CaseEvent
    from thads.services import lifecycle
    from thads.services.audit import verify_chain

    case = enforcing_case(world)
    m = seize_house(world, case)
    assert m.state == "seized" and m.subject.startswith("Nhà và đất")
    open_ = _deadlines(case.id, m.id)
    valuation = open_[("valuation", "open")]
    assert (valuation.due_on, valuation.law, valuation.legal_basis) == (
        D("2026-05-26"), "law_2008", "Khoản 2 Điều 98 Luật THADS 2008 (sửa đổi 2014)")

    expected_open = {
        "valuation_contract": {},
        "valuation_result": {"revaluation_request": "2026-06-15", "auction_agreement": "2026-06-15",
                             "auction_contract": "2026-06-18"},
        "auction_contract": {"auction": "2026-07-31"},
        "auction_failed": {"price_reduction": "2026-08-10"},
        "reduce_price": {"reauction": "2026-09-21"},
        "sold": {},
        "proceeds": {},
    }
    for trigger, on, inputs in SALE_RUN:
        m = step(world, case, m, trigger, on, inputs)
        rows = _deadlines(case.id, m.id)
        opened = {k: d.due_on.isoformat() for (k, status), d in rows.items() if status == "open"}
        assert opened == expected_open[trigger], trigger
    assert m.state == "proceeds_collected" and m.closed_on == D("2026-09-14")
    assert (m.current_price, m.sold_price, m.proceeds, m.failed_auctions) == (1_800_000_000, 1_850_000_000,
                                                                               150_000_000, 1)
    rows = _deadlines(case.id, m.id)
    assert {k: s for k, s in rows} == {"valuation": "met", "revaluation_request": "met", "auction_agreement": "met",
                                       "auction_contract": "met", "auction": "met", "price_reduction": "met",
                                       "reauction": "met"}
    # The price reduction was counted from 29/07/2026: Law 106/2025's rule, its figure unconfirmed.
    reduction = rows[("price_reduction", "met")]
    assert reduction.law == "law_2025" and "106/2025" in reduction.legal_basis

    # The proceeds are a collection in the ledger, shared by Art 47, and open the 10-day payout.
    case = db.session.get(Case, case.id)
    assert (case.collected, case.remaining) == (150_000_000, 0)
    payout = _deadlines(case.id)[("payout", "open")]
    assert payout.due_on == D("2026-09-24") and payout.measure_id is None
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "measure",
                                                       CaseEvent.trigger == "proceeds")).one()
    assert event.inputs["distribution"] == [{"obligation_id": case.obligations[0].id, "rank": 3,
                                             "amount": 150_000_000}]
    lifecycle.record_payment(world.accountant_a, case.id, amount=150_000_000, kind="payout", on="2026-09-18",
                             today=D("2026-09-18"))
    lifecycle.apply_transition(world.head_a, case.id, "complete", on="2026-09-21", today=D("2026-09-21"))
    db.session.commit()
    assert db.session.get(Case, case.id).state == "completed"
    assert _deadlines(case.id)[("payout", "met")]
    assert verify_chain() == []


def test_proceeds_are_shared_by_the_order_of_art_47(world):
    from thads.extensions import db
    from thads.models import CaseEvent

    case = enforcing_case(world, obligations=[
        {"description": "Trả nợ", "amount": 100_000_000, "rank": 3},
        {"description": "Cấp dưỡng nuôi con", "amount": 30_000_000, "rank": 1},
        {"description": "Án phí", "amount": 5_000_000, "rank": 2},
    ])
    m = measures_start(world, case, "account_deduction", {"bank": "Agribank chi nhánh Việt Trì",
                                                          "ordered_amount": "60.000.000"})
    step(world, case, m, "deducted", "2026-05-20", {"amount": "60.000.000"})
    ids = {o.description: o.id for o in case.obligations}
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                       CaseEvent.trigger == "deducted")).one()
    assert event.inputs["distribution"] == [
        {"obligation_id": ids["Cấp dưỡng nuôi con"], "rank": 1, "amount": 30_000_000},
        {"obligation_id": ids["Án phí"], "rank": 2, "amount": 5_000_000},
        {"obligation_id": ids["Trả nợ"], "rank": 3, "amount": 25_000_000},
    ]


def measures_start(w, case, kind, inputs, on="2026-05-19", actor=None):
    from thads.extensions import db
    from thads.measures import services as measures

    m = measures.start_measure(actor or w.officer_a, case.id, kind, on=on, inputs=inputs, today=D(on))
    db.session.commit()
    return m


def test_two_measures_at_once_keep_their_own_deadlines(world):
    case = enforcing_case(world)
    freeze = measures_start(world, case, "freeze", {"holder": "Vietcombank Phú Thọ", "frozen_amount": "50.000.000"})
    house = seize_house(world, case)
    assert _deadlines(case.id, freeze.id)[("freeze_followup", "open")].due_on == D("2026-05-29")
    step(world, case, freeze, "coerce", "2026-05-21", {"note": "Chuyển sang khấu trừ tài khoản"})
    assert ("freeze_followup", "met") in _deadlines(case.id, freeze.id)
    assert ("valuation", "open") in _deadlines(case.id, house.id)


@pytest.mark.parametrize(("kind", "inputs", "message"), [
    ("seize_sell", {"asset": "X", "asset_class": "movable", "price_basis": "agreed"}, "giá đã thỏa thuận"),
    ("seize_sell", {"asset": "X", "asset_class": "boat", "price_basis": "valuation"}, None),
])
def test_a_measure_with_bad_inputs_is_refused_with_its_message_and_saves_nothing(world, kind, inputs, message):
    from thads.extensions import db
    from thads.measures import services as measures
    from thads.models import Measure
    from thads.services.errors import InvalidInput, InvalidTransition

    case = enforcing_case(world)
    with pytest.raises((InvalidInput, InvalidTransition)) as exc:
        measures.start_measure(world.officer_a, case.id, kind, on="2026-05-19", inputs=inputs, today=D("2026-05-19"))
    db.session.rollback()
    if message:
        assert message in exc.value.message
    else:
        assert "asset_class" in exc.value.fields
    assert db.session.scalars(select(Measure)).all() == []


def test_measures_only_on_an_enforcing_case_and_head_only_steps_only_for_heads(world):
    from tests.factories import make_case
    from thads.extensions import db
    from thads.measures import services as measures
    from thads.services.errors import Forbidden, InvalidTransition

    fresh = make_case(world.officer_a, today=D("2026-05-04"))
    with pytest.raises(InvalidTransition, match="Có điều kiện thi hành"):
        measures.start_measure(world.officer_a, fresh.id, "freeze", on="2026-05-04", inputs={"holder": "A"},
                               today=D("2026-05-04"))
    db.session.rollback()
    case = enforcing_case(world)
    with pytest.raises(InvalidTransition, match="không được áp dụng"):  # the exit postponement is Law 106's
        measures.start_measure(world.head_a, case.id, "exit_ban", on="2026-05-19",
                               inputs={"person": "A", "authority": "B"}, today=D("2026-05-19"))
    db.session.rollback()
    inputs = {"person": "Nguyễn Văn Ánh", "authority": "Cục Quản lý xuất nhập cảnh"}
    with pytest.raises(Forbidden, match="Thủ trưởng"):
        measures.start_measure(world.officer_a, case.id, "exit_ban", on="2026-07-02", inputs=inputs,
                               today=D("2026-07-02"))
    db.session.rollback()
    m = measures.start_measure(world.head_a, case.id, "exit_ban", on="2026-07-02", inputs=inputs,
                               today=D("2026-07-02"))
    assert m.law == "law_2025" and m.state == "active"
    with pytest.raises(Forbidden):
        measures.start_measure(world.clerk_a, case.id, "freeze", on="2026-07-02", inputs={"holder": "A"},
                               today=D("2026-07-02"))


def test_a_price_cut_of_more_than_ten_percent_and_a_second_revaluation_are_refused(world):
    from thads.extensions import db
    from thads.services.errors import InvalidTransition

    case = enforcing_case(world)
    m = seize_house(world, case)
    for trigger, on, inputs in SALE_RUN[:2]:
        m = step(world, case, m, trigger, on, inputs)
    m = step(world, case, m, "revaluation", "2026-06-10", {"requested_by": "Người phải thi hành án",
                                                            "appraiser": "Công ty B"})
    assert m.state == "valuation_contracted"
    assert {k for k, s in _deadlines(case.id, m.id) if s == "open"} == set()  # re-valuation cancels the windows
    m = step(world, case, m, "valuation_result", "2026-06-22", {"price": "1.900.000.000"})
    with pytest.raises(InvalidTransition, match="một lần"):
        step(world, case, m, "revaluation", "2026-06-23", {"requested_by": "A", "appraiser": "C"})
    db.session.rollback()
    m = step(world, case, m, "auction_contract", "2026-06-24", {"auction_house": "Trung tâm"})
    m = step(world, case, m, "auction_failed", "2026-07-20", {})
    with pytest.raises(InvalidTransition, match="không quá 10%"):
        step(world, case, m, "reduce_price", "2026-07-22", {"new_price": "1.700.000.000"})


def test_the_api_starts_a_measure_records_steps_and_lists_them_with_deadlines_in_the_case(app, world):
    case = enforcing_case(world)
    client = app.test_client()
    headers = api_token(world.officer_a)
    body = {"kind": "seize_sell", "on": "2026-05-19", "inputs": dict(
        asset="Xe ô tô 19A-123.45", asset_class="movable", price_basis="valuation")}
    resp = client.post(f"/api/v1/cases/{case.id}/measures", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    m = resp.get_json()
    assert m["state"] == "seized" and m["label"] == "Kê biên, xử lý tài sản"
    assert [(d["kind"], d["due_on"], d["measure_id"]) for d in m["deadlines"]] == [("valuation", "2026-05-26", m["id"])]
    assert "valuation_contract" in {s["trigger"] for s in m["next_steps"]}
    resp = client.post(f"/api/v1/cases/{case.id}/measures/{m['id']}/steps", headers=headers, json={
        "trigger": "valuation_contract", "on": "2026-05-22", "version": m["version"],
        "inputs": {"appraiser": "Công ty A"}})
    assert resp.status_code == 200 and resp.get_json()["state"] == "valuation_contracted"
    stale = client.post(f"/api/v1/cases/{case.id}/measures/{m['id']}/steps", headers=headers, json={
        "trigger": "valuation_result", "on": "2026-05-25", "version": m["version"], "inputs": {"price": "1"}})
    assert stale.status_code == 409
    bad = client.post(f"/api/v1/cases/{case.id}/measures/{m['id']}/steps", headers=headers, json={
        "trigger": "sold", "on": "2026-05-25", "inputs": {"price": "1", "buyer": "B"}})
    assert bad.status_code == 422 and bad.get_json()["error"] == "invalid_transition"
    got = client.get(f"/api/v1/cases/{case.id}", headers=headers).get_json()
    assert [x["kind"] for x in got["measures"]] == ["seize_sell"]
    valuation = next(d for d in got["deadlines"] if d["kind"] == "valuation")
    assert valuation["status"] == "met" and valuation["measure_id"] == m["id"]
    assert "Khoản 2 Điều 98" in valuation["explanation"]
    assert [s["trigger"] for s in got["measures"][0]["steps"]] == ["start", "valuation_contract"]
    one = client.get(f"/api/v1/cases/{case.id}/measures/{m['id']}", headers=headers).get_json()
    assert one["state"] == "valuation_contracted" and one["deadlines"][0]["status"] == "met"
    # Another office's user sees nothing of it.
    other = api_token(world.officer_b)
    assert client.get(f"/api/v1/cases/{case.id}/measures/{m['id']}", headers=other).status_code == 404
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"/cases/{case_id}/measures", "/cases/{case_id}/measures/{measure_id}",
            "/cases/{case_id}/measures/{measure_id}/steps"} <= set(doc["paths"])


def test_measure_deadlines_are_on_the_officers_worklist_and_counted_on_the_board(world):
    from thads.services import supervision, worklist

    case = enforcing_case(world)
    seize_house(world, case)
    page = worklist.worklist(world.officer_a, kind="valuation", today=D("2026-05-20"))
    assert [(r.case.id, r.deadline.kind, r.deadline.due_on) for r in page.rows] == [(case.id, "valuation",
                                                                                     D("2026-05-26"))]
    assert worklist.worklist(world.officer_a, today=D("2026-05-20")).rows[0].deadline.kind == "valuation"
    board = supervision.board(world.head_a, today=D("2026-05-28"))
    officer = next(o for o in board.officers if o.officer and o.officer.username == "officer_a")
    assert officer.by_kind == {"valuation": 1} and board.totals["overdue_deadlines"] == 1


def test_the_case_page_shows_the_measures_panel_and_the_steps_are_taken_through_forms(app, world, monkeypatch):
    from tests.conftest import csrf_token_from
    from thads.extensions import db
    from thads.models import Measure
    from thads.services import clock

    monkeypatch.setattr(clock, "today", lambda: D("2026-05-25"))

    case = enforcing_case(world)
    seize_house(world, case)
    client = app.test_client()
    login(client, "officer_a")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="measures-panel"' in html and "Kê biên, xử lý tài sản" in html
    assert "Ký hợp đồng thẩm định giá" in html and "26/05/2026" in html
    m = db.session.scalars(select(Measure)).one()
    page = client.get(f"/cases/{case.id}/measures/{m.id}/steps/valuation_contract").get_data(as_text=True)
    assert "Tổ chức thẩm định giá" in page
    resp = client.post(f"/cases/{case.id}/measures/{m.id}/steps/valuation_contract", data={
        "csrf_token": csrf_token_from(page), "version": m.version, "on": "22/05/2026",
        "in_appraiser": "Công ty Thẩm định A", "in_contract_number": "7/HĐ"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Measure, m.id).state == "valuation_contracted"
    detail = client.get(f"/cases/{case.id}/measures/{m.id}").get_data(as_text=True)
    assert "Đã ký hợp đồng thẩm định giá" in detail and "đúng hạn" in detail
    assert date(2026, 5, 22).strftime("%d/%m/%Y") in detail
