"""The case page and its forms (issue 10, part b), on SQLite and PostgreSQL: who sees which
button and which form, the registration's parties, payments and their ledger, the debtor's
period, the law of each form, dates in local time, readable values, and the corrections of
parties and obligations after intake."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.factories import api_token, case_input, login, make_case
from thads.extensions import db
from thads.models import Case, CaseEvent, Payment
from thads.services import audit_verify, clock, lifecycle, proposals
from thads.services.errors import InvalidInput


@pytest.fixture
def today(monkeypatch):
    """Fix the app's today (Asia/Ho_Chi_Minh) for the pages and services."""

    def set_day(d: date) -> date:
        monkeypatch.setattr(clock, "today", lambda: d)
        return d

    return set_day


def _decided(w, on: str = "2026-05-05", received: str = "2026-05-04"):
    case = make_case(w.officer_a, today=date.fromisoformat(on), received_on=received)
    lifecycle.apply_transition(w.head_a, case.id, "decide", on=on, today=date.fromisoformat(on),
                               inputs={"decision_number": "1/QĐ", "officer": "officer_a"})
    db.session.commit()
    return case


def _enforcing(w, case, notified: str = "2026-05-06", verified: str = "2026-05-20"):
    lifecycle.apply_transition(w.officer_a, case.id, "notify", on=notified, today=date.fromisoformat(notified))
    lifecycle.apply_transition(w.officer_a, case.id, "verify", on=verified, today=date.fromisoformat(verified),
                               inputs={"outcome": "enforceable"})
    db.session.commit()
    return case


def _page(client, path: str) -> str:
    resp = client.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    return resp.get_data(as_text=True)


def _text(html: str) -> str:
    """What a person reads: the page without its tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- 2, 14: buttons and forms only for those who may act --------------------------------------


def test_inspector_and_clerk_see_no_payment_button_and_the_payment_form_refuses_them_before_typing(
        app, world, today):
    today(date(2026, 5, 20))
    case = _decided(world)
    for who in ("inspector_p", "clerk_a"):
        c = app.test_client()
        login(c, who)
        page = _page(c, f"/cases/{case.id}")
        assert "Thu / chi tiền" not in page and f"/cases/{case.id}/payments" not in page, who
        assert c.get(f"/cases/{case.id}/payments").status_code == 403, who
    officer = app.test_client()
    login(officer, "officer_a")
    assert f"/cases/{case.id}/payments" in _page(officer, f"/cases/{case.id}")
    assert officer.get(f"/cases/{case.id}/payments").status_code == 200


def test_the_inspector_is_refused_the_new_case_form_on_opening_it(app, world):
    inspector = app.test_client()
    login(inspector, "inspector_p")
    assert inspector.get("/cases/new").status_code == 403
    clerk = app.test_client()
    login(clerk, "clerk_a")
    assert clerk.get("/cases/new").status_code == 200


def test_an_officer_gets_no_button_and_a_403_for_a_heads_decision_and_the_inspector_no_buttons(
        app, world, today):
    today(date(2026, 5, 5))
    case = make_case(world.officer_a, today=date(2026, 5, 5), received_on="2026-05-04", officer="officer_a")
    officer = app.test_client()
    login(officer, "officer_a")
    page = _page(officer, f"/cases/{case.id}")
    assert f"/cases/{case.id}/transitions/decide" not in page
    assert officer.get(f"/cases/{case.id}/transitions/decide").status_code == 403
    assert 'data-testid="propose-decide"' in page  # the officer proposes it instead
    inspector = app.test_client()
    login(inspector, "inspector_p")
    page = _page(inspector, f"/cases/{case.id}")
    assert "/transitions/" not in page and "/payments" not in page and "/propose/" not in page
    assert inspector.get(f"/supervision/cases/{case.id}/propose/decide").status_code == 403
    assert 'data-testid="no-actions"' in page


def test_no_actions_message_never_stands_next_to_a_button(app, world, today):
    today(date(2026, 5, 20))
    received = make_case(world.officer_a, today=date(2026, 5, 5), received_on="2026-05-04")
    decided = _decided(world)
    clerk = app.test_client()
    login(clerk, "clerk_a")
    page = _page(clerk, f"/cases/{received.id}")
    assert 'data-testid="no-actions"' in page and "Thu / chi tiền" not in page
    officer = app.test_client()
    login(officer, "officer_a")
    page = _page(officer, f"/cases/{decided.id}")
    assert "Thu / chi tiền" in page and 'data-testid="no-actions"' not in page
    assert "Không có thao tác nào" not in page


# -- 3: parties at registration -----------------------------------------------------------------


def test_a_case_on_request_without_a_creditor_is_refused_by_the_service_and_the_api(app, world, client):
    two_debtors = [{"role": "debtor", "name": "Nguyễn Văn Một"}, {"role": "debtor", "name": "Nguyễn Văn Hai"}]
    with pytest.raises(InvalidInput) as exc:
        from thads.services.cases import register_case

        register_case(world.clerk_a, case_input(parties=two_debtors), today=date(2026, 5, 5))
    assert "người được thi hành án" in exc.value.fields["parties"]
    db.session.rollback()
    resp = client.post("/api/v1/cases", json=case_input(parties=two_debtors), headers=api_token(world.clerk_a))
    assert resp.status_code == 422
    assert "người được thi hành án (người yêu cầu)" in resp.get_json()["fields"]["parties"]
    # Ex officio (a court fee owed to the State) needs no creditor.
    resp = client.post("/api/v1/cases", json=case_input(kind="ex_officio", parties=two_debtors),
                       headers=api_token(world.clerk_a))
    assert resp.status_code == 201


def _form(token: str, **over) -> dict:
    data = {
        "csrf_token": token, "kind": "on_request", "received_on": "04/05/2026", "court": "TAND tỉnh",
        "judgment_number": "1/2026/DS-ST", "judgment_date": "02/03/2026",
        "parties-0-role": "debtor", "parties-0-kind": "person", "parties-0-name": "Nguyễn Văn Nợ",
        "parties-1-role": "creditor", "parties-1-kind": "person", "parties-1-name": "Trần Thị Có",
        "obligations-0-description": "Trả nợ", "obligations-0-amount": "1.500.000", "obligations-0-rank": "3",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_the_new_case_form_defaults_to_debtor_then_creditor_and_lists_the_courts_used(app, world, client):
    make_case(world.clerk_a, judgment={"court": "Tòa án nhân dân huyện Lâm Thao", "number": "3/2026/DS-ST",
                                       "date": "2026-03-02"})
    login(client, "clerk_a")
    html = _page(client, "/cases/new")
    selected = re.findall(r'name="parties-(\d)-role">.*?<option selected value="([^"]*)"', html, re.S)
    assert selected == [("0", "debtor"), ("1", "creditor"), ("2", "")]
    assert '<datalist id="courts"' in html and "Tòa án nhân dân huyện Lâm Thao" in html
    assert 'list="courts"' in html


def test_the_new_case_form_refuses_two_debtors_without_a_creditor_and_accepts_added_rows(app, world, client):
    login(client, "clerk_a")
    token = csrf_token_from(_page(client, "/cases/new"))
    refused = client.post("/cases/new", data=_form(token, **{"parties-1-role": "debtor"}))
    assert refused.status_code == 200
    assert "Việc thi hành án theo đơn yêu cầu cần có người được thi hành án (người yêu cầu)." in _text(
        refused.get_data(as_text=True))
    assert db.session.scalar(select(db.func.count()).select_from(Case)) == 0
    # Rows added in the browser arrive with their own numbers (gaps where one was removed).
    token = csrf_token_from(_page(client, "/cases/new"))
    ok = client.post("/cases/new", data=_form(token, **{
        "parties-4-role": "debtor", "parties-4-kind": "organisation", "parties-4-name": "Công ty TNHH Hai",
        "obligations-5-description": "Giao trả xe máy", "obligations-5-rank": "3",
        "obligations-7-description": "Án phí", "obligations-7-amount": "300.000", "obligations-7-rank": "2"}))
    assert ok.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert sorted(p.role for p in case.parties) == ["creditor", "debtor", "debtor"]
    assert [o.amount for o in case.obligations] == [1_500_000, None, 300_000]
    assert case.nonmoney_pending == 1 and case.amount_total == 1_800_000


def test_a_registration_corrected_after_a_refusal_is_registered(app, world, client):
    login(client, "clerk_a")
    page = _page(client, "/cases/new")

    def key(html):
        return re.search(r'name="submission_key" type="hidden" value="([^"]+)"', html).group(1)

    refused = client.post("/cases/new", data=_form(csrf_token_from(page), submission_key=key(page),
                                                   **{"parties-1-role": "debtor"})).get_data(as_text=True)
    assert key(refused) != key(page)
    ok = client.post("/cases/new", data=_form(csrf_token_from(refused), submission_key=key(refused)))
    assert ok.status_code == 302 and "/cases/" in ok.headers["Location"]


def test_a_named_party_without_a_role_is_asked_for_one(app, world, client):
    login(client, "clerk_a")
    token = csrf_token_from(_page(client, "/cases/new"))
    resp = client.post("/cases/new", data=_form(token, **{"parties-2-name": "Lê Thị Ba"}))
    assert resp.status_code == 200 and "Hãy chọn vai trò của đương sự." in resp.get_data(as_text=True)


# -- 4: dates in local time ---------------------------------------------------------------------


def test_a_proposal_made_at_00_30_in_hanoi_shows_that_day_not_the_utc_day(app, world, client, today, monkeypatch):
    today(date(2026, 12, 2))
    case = _enforcing(world, _decided(world))
    # 17:30 UTC on 01/12 is 00:30 on 02/12 in Hà Nội: the history and the proposal say 02/12.
    monkeypatch.setattr(proposals, "utcnow", lambda: datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
    p = proposals.propose(world.officer_a, case.id, "postpone", inputs={"ground": "Ốm nặng"},
                          today=date(2026, 12, 2))
    db.session.commit()
    login(client, "head_a")
    html = _page(client, f"/supervision/proposals/{p.id}")
    proposed = re.search(r'data-testid="proposed-on">(.*?)</dd>', html, re.S).group(1)
    assert "02/12/2026" in proposed and "01/12/2026" not in proposed
    assert "00:30" in proposed
    case_page = _page(client, f"/cases/{case.id}")
    panel = re.search(r'data-testid="case-proposals">(.*?)</ul>', case_page, re.S).group(1)
    assert "02/12/2026" in panel and "01/12/2026" not in panel


def test_the_date_filter_converts_utc_timestamps_to_hanoi(app):
    from thads.i18n import format_date, format_datetime

    late = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    assert format_date(late) == "02/12/2026" and format_datetime(late) == "00:30 02/12/2026"
    assert format_date(date(2026, 12, 1)) == "01/12/2026"


# -- 5: no program values -----------------------------------------------------------------------


def test_the_proposal_and_case_pages_show_words_not_program_values(app, world, client, today):
    today(date(2026, 12, 2))
    case = _enforcing(world, _decided(world))
    p = proposals.propose(world.officer_a, case.id, "postpone",
                          inputs={"ground": "Ốm nặng", "ground_ends_on": "2027-01-15", "by_agreement": False},
                          today=date(2026, 12, 2))
    db.session.commit()
    login(client, "head_a")
    text = _text(_page(client, f"/supervision/proposals/{p.id}"))
    assert "15/01/2027" in text and "2027-01-15" not in text
    assert "False" not in text and "Không" in text
    assert f"#{p.id}" not in text
    case_text = _text(_page(client, f"/cases/{case.id}"))
    assert "Hoãn thi hành án · chờ duyệt" in case_text
    assert "postpone" not in case_text and f"Đề xuất #{p.id}" not in case_text


# -- 10: the debtor's period --------------------------------------------------------------------


def test_the_voluntary_period_is_the_debtors_running_or_ended_never_overdue(app, world, client, today):
    today(date(2026, 5, 8))
    case = _decided(world)
    lifecycle.apply_transition(world.officer_a, case.id, "notify", on="2026-05-06", today=date(2026, 5, 6))
    db.session.commit()
    login(client, "officer_a")

    def voluntary_row():
        html = _page(client, f"/cases/{case.id}")
        return _text(re.search(r'<tr data-kind="voluntary".*?</tr>', html, re.S).group(0))

    row = voluntary_row()
    assert "Thời hạn của người phải thi hành án" in row and "đang chạy, còn 10 ngày" in row
    today(date(2027, 3, 1))  # long after its end, still open (verification not recorded yet)
    row = voluntary_row()
    assert "đã kết thúc ngày 18/05/2026" in row
    assert "quá hạn" not in row and "trễ hạn" not in row
    lifecycle.apply_transition(world.officer_a, case.id, "verify", inputs={"outcome": "enforceable"},
                               today=date(2027, 3, 1))
    db.session.commit()
    row = voluntary_row()
    assert "đã kết thúc ngày 18/05/2026" in row and "đúng hạn" not in row


# -- 11: one law per form -----------------------------------------------------------------------


def test_the_verify_form_cites_the_law_of_its_date_and_the_open_deadline_its_own(app, world, client, today):
    # Notified 18/06/2026: the voluntary period ends 28/06 (old law), verification is due 08/07
    # (Art 44 of the 2008 Law, counted from before the changeover).
    today(date(2026, 7, 2))
    case = _decided(world, on="2026-06-15", received="2026-06-12")
    lifecycle.apply_transition(world.officer_a, case.id, "notify", on="2026-06-18", today=date(2026, 6, 18))
    db.session.commit()
    login(client, "officer_a")
    html = _page(client, f"/cases/{case.id}/transitions/verify")
    basis = re.search(r'data-testid="legal-basis">(.*?)<', html).group(1)
    assert basis == "Luật 106/2025/QH15, Điều 37, 38"
    law = _text(re.search(r'data-testid="law">(.*?)</div>', html, re.S).group(1))
    assert "Luật THADS 2025 (Luật 106/2025/QH15)" in law and "02/07/2026" in law
    closes = _text(re.search(r'data-testid="closes">(.*?)</ul>', html, re.S).group(1))
    assert "Điều 44 Luật THADS 2008" in closes and "Luật THADS 2008" in closes
    # The same form for a step dated 30/06/2026 is the old law's, all through.
    old = _page(client, f"/cases/{case.id}/transitions/verify?on=30/06/2026")
    assert re.search(r'data-testid="legal-basis">(.*?)<', old).group(1) == "Điều 44, 44a Luật THADS 2008"


def test_the_postpone_form_header_and_checkbox_cite_the_same_law(app, world, client, today):
    today(date(2026, 7, 2))
    case = _enforcing(world, _decided(world))
    login(client, "head_a")
    new = _text(_page(client, f"/cases/{case.id}/transitions/postpone"))
    assert "Luật 106/2025/QH15, Điều 46" in new and "Hoãn theo thỏa thuận của đương sự (Điều 46 Luật 106/2025/QH15)" in new
    assert "Điều 48" not in new
    old = _text(_page(client, f"/cases/{case.id}/transitions/postpone?on=30/06/2026"))
    assert "Điều 48 Luật THADS 2008" in old and "điểm c khoản 1 Điều 48 Luật THADS 2008" in old
    assert "Điều 46" not in old


def test_a_step_dated_under_the_other_law_is_shown_again_with_that_laws_labels_before_it_is_recorded(
        app, world, client, today):
    today(date(2026, 7, 2))
    case = _enforcing(world, _decided(world))
    login(client, "head_a")
    page = _page(client, f"/cases/{case.id}/transitions/postpone")
    token = csrf_token_from(page)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    resp = client.post(f"/cases/{case.id}/transitions/postpone", data={
        "csrf_token": token, "version": version, "law": "law_2025", "on": "30/06/2026", "in_ground": "Ốm"})
    assert resp.status_code == 200
    text = _text(resp.get_data(as_text=True))
    assert "thuộc Luật THADS 2008" in text and "điểm c khoản 1 Điều 48 Luật THADS 2008" in text
    assert db.session.get(Case, case.id).state == "enforcing"  # nothing recorded yet
    resp = client.post(f"/cases/{case.id}/transitions/postpone", data={
        "csrf_token": token, "version": version, "law": "law_2008", "on": "30/06/2026", "in_ground": "Ốm"})
    assert resp.status_code == 302
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                               .order_by(CaseEvent.seq.desc())).first()
    assert event.trigger == "postpone" and event.legal_basis == "Điều 48 Luật THADS 2008"


# -- 13: payments and the ledger ----------------------------------------------------------------


def _payment_page(client, case):
    page = _page(client, f"/cases/{case.id}/payments")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return csrf_token_from(page), version, page


def test_zero_dong_is_answered_by_the_amount_rule_and_an_over_balance_error_shows_once(app, world, client, today):
    today(date(2026, 5, 20))
    case = _decided(world)
    login(client, "officer_a")
    token, version, page = _payment_page(client, case)
    assert f'href="/cases/{case.id}"' in page and 'data-testid="cancel"' in page
    zero = client.post(f"/cases/{case.id}/payments", data={"csrf_token": token, "version": version,
                                                          "kind": "collection", "amount": "0", "on": "20/05/2026",
                                                          "method": "cash"})
    text = _text(zero.get_data(as_text=True))
    assert "Số tiền phải lớn hơn 0" in text or "Phải lớn hơn 0" in text
    assert "Hãy nhập số tiền" not in text
    over = client.post(f"/cases/{case.id}/payments", data={"csrf_token": token, "version": version,
                                                          "kind": "collection", "amount": "999.000.000",
                                                          "on": "20/05/2026", "method": "cash"})
    text = _text(over.get_data(as_text=True))
    assert text.count("vượt quá số còn phải thi hành") == 1


def test_a_collection_and_a_payout_to_a_creditor_appear_in_the_ledger_with_receipt_and_method(
        app, world, client, today):
    today(date(2026, 5, 20))
    case = _decided(world)
    creditor = case.creditors[0]
    login(client, "accountant_a")
    token, version, _p = _payment_page(client, case)
    done = client.post(f"/cases/{case.id}/payments", data={
        "csrf_token": token, "version": version, "kind": "collection", "amount": "40.000.000",
        "on": "19/05/2026", "method": "transfer", "receipt_number": "BL-0042"})
    assert done.status_code == 302
    flashed = _page(client, f"/cases/{case.id}")
    assert "biên lai / chứng từ số BL-0042" in flashed
    token, version, page = _payment_page(client, case)
    assert creditor.name in page  # the payee is chosen among the case's creditors
    missing = client.post(f"/cases/{case.id}/payments", data={
        "csrf_token": token, "version": version, "kind": "payout", "amount": "10.000.000", "on": "20/05/2026",
        "method": "cash"})
    assert "Hãy chọn người nhận khoản chi trả." in missing.get_data(as_text=True)
    paid = client.post(f"/cases/{case.id}/payments", data={
        "csrf_token": token, "version": version, "kind": "payout", "amount": "10.000.000", "on": "20/05/2026",
        "method": "cash", "payee": str(creditor.id), "receipt_number": "PC-7"})
    assert paid.status_code == 302
    html = _page(client, f"/cases/{case.id}")
    ledger = _text(re.search(r'data-testid="ledger">(.*?)</table>', html, re.S).group(1))
    assert "BL-0042" in ledger and "Chuyển khoản" in ledger and "40.000.000 ₫" in ledger
    assert "PC-7" in ledger and creditor.name in ledger and "Tiền mặt" in ledger
    assert "Accountant A" in ledger
    row = db.session.scalars(select(Payment).where(Payment.kind == "payout")).one()
    assert row.payee_party_id == creditor.id and row.method == "cash"


def test_the_api_records_method_and_payee_and_refuses_a_payee_who_is_not_a_creditor(app, world, client):
    case = _decided(world)
    headers = api_token(world.accountant_a)
    ok = client.post(f"/api/v1/cases/{case.id}/payments", headers=headers,
                     json={"amount": 5_000_000, "on": "2026-05-19", "method": "cash", "receipt_number": "BL-1"})
    assert ok.status_code == 201
    debtor = case.debtors[0]
    bad = client.post(f"/api/v1/cases/{case.id}/payments", headers=headers,
                      json={"amount": 1_000_000, "on": "2026-05-20", "kind": "payout", "method": "cash",
                            "payee": debtor.id})
    assert bad.status_code == 422 and "payee" in bad.get_json()["fields"]
    good = client.post(f"/api/v1/cases/{case.id}/payments", headers=headers,
                       json={"amount": 1_000_000, "on": "2026-05-20", "kind": "payout", "method": "transfer",
                             "payee": case.creditors[0].id})
    assert good.status_code == 201
    body = good.get_json()
    assert [(p["kind"], p["method"], p["payee"]) for p in body["payments"]] == [
        ("collection", "cash", None), ("payout", "transfer", case.creditors[0].id)]


# -- expected features: corrections after intake, print view --------------------------------------


def test_parties_and_obligations_are_corrected_after_intake_as_events_and_the_audit_still_verifies(app, world):
    from thads.services import case_edits

    case = _decided(world)
    lifecycle.record_payment(world.accountant_a, case.id, amount=20_000_000, on="2026-05-19",
                             method="cash", today=date(2026, 5, 19))
    db.session.commit()
    extra = case_edits.add_party(world.officer_a, case.id, {"role": "creditor", "kind": "organisation",
                                                            "name": "Ngân hàng Hai"}, today=date(2026, 5, 20))
    debtor = case.debtors[0]
    case_edits.edit_party(world.clerk_a, case.id, debtor.id, {"role": "debtor", "kind": "person",
                                                              "name": "Nguyễn Văn Ánh", "address": "xã Mới"},
                          today=date(2026, 5, 20))
    fee = case_edits.add_obligation(world.officer_a, case.id, {"description": "Án phí", "amount": 7_500_000,
                                                               "rank": 2}, today=date(2026, 5, 20))
    first = case.obligations[0]
    case_edits.edit_obligation(world.officer_a, case.id, first.id, {"description": first.description,
                                                                    "amount": 100_000_000, "rank": 3},
                               today=date(2026, 5, 20))
    house = case_edits.add_obligation(world.officer_a, case.id, {"description": "Giao trả nhà", "amount": None,
                                                                 "rank": 3}, today=date(2026, 5, 20))
    case_edits.remove_party(world.officer_a, case.id, extra.id, today=date(2026, 5, 20))
    db.session.commit()
    db.session.refresh(case)
    assert case.amount_total == 107_500_000 and case.remaining == 87_500_000 and case.nonmoney_pending == 1
    assert "xa moi" in case.search_text or "xã mới" not in case.search_text
    edits = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "edited")
                               .order_by(CaseEvent.seq)).all()
    assert [e.trigger for e in edits] == ["party_added", "party_edited", "obligation_added", "obligation_edited",
                                          "obligation_added", "party_removed"]
    assert [e.amount_delta for e in edits] == [0, 0, 7_500_000, -50_000_000, 0, 0]
    assert edits[1].inputs["before"]["address"] == "phường Tiên Cát" and edits[1].inputs["after"]["address"] == "xã Mới"
    assert fee.id and house.amount is None
    result = audit_verify.verify()
    assert result.ok, [f.line() for f in result.findings]
    # The statistics read the corrected amount to enforce, as the case row does.
    from thads.services import stats

    figures = stats.build_report(world.office_a, stats.Period(2026)).rows[0].figures
    assert figures.money["total"] == 107_500_000 and figures.money["completed"] == 20_000_000
    # Less to enforce than already collected is refused; so is a case on request left without creditor.
    with pytest.raises(InvalidInput):
        case_edits.edit_obligation(world.officer_a, case.id, first.id, {"description": "x", "amount": 1, "rank": 3})
    db.session.rollback()
    with pytest.raises(InvalidInput):
        case_edits.remove_party(world.officer_a, case.id, case.creditors[0].id)
    db.session.rollback()


def test_the_edit_page_adds_and_corrects_through_forms_and_the_timeline_shows_each_change(app, world, client):
    case = _decided(world)
    login(client, "officer_a")
    assert f"/cases/{case.id}/edit" in _page(client, f"/cases/{case.id}")
    page = _page(client, f"/cases/{case.id}/edit")
    token = csrf_token_from(page)
    resp = client.post(f"/cases/{case.id}/parties", data={
        "new-csrf_token": token, "new-version": str(case.version), "new-role": "related", "new-kind": "person",
        "new-name": "Phạm Văn Liên Quan"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    ob = case.obligations[0]
    bad = client.post(f"/cases/{case.id}/obligations/{ob.id}", data={
        f"o{ob.id}-csrf_token": token, f"o{ob.id}-version": str(case.version),
        f"o{ob.id}-description": ob.description, f"o{ob.id}-amount": "1.000.000.000.000.000.000",
        f"o{ob.id}-rank": "3"})
    assert bad.status_code == 422 and "Số tiền quá lớn" in bad.get_data(as_text=True)
    ok = client.post(f"/cases/{case.id}/obligations/{ob.id}", data={
        f"o{ob.id}-csrf_token": token, f"o{ob.id}-version": str(case.version),
        f"o{ob.id}-description": ob.description, f"o{ob.id}-amount": "160.000.000", f"o{ob.id}-rank": "3"})
    assert ok.status_code == 302
    timeline = _text(re.search(r'data-testid="timeline">(.*?)</ol>', _page(client, f"/cases/{case.id}"),
                               re.S).group(1))
    assert "Thêm đương sự · Phạm Văn Liên Quan" in timeline and "Sửa nghĩa vụ" in timeline
    assert "+10.000.000 ₫" in timeline
    inspector = app.test_client()
    login(inspector, "inspector_p")
    assert inspector.get(f"/cases/{case.id}/edit").status_code == 403


def test_a_non_money_obligation_is_recorded_as_carried_out_from_the_case_page(app, world, client, today):
    today(date(2026, 5, 20))
    case = make_case(world.officer_a, today=date(2026, 5, 5), received_on="2026-05-04",
                     obligations=[{"description": "Giao trả nhà số 5", "amount": None}])
    lifecycle.apply_transition(world.head_a, case.id, "decide", on="2026-05-05", today=date(2026, 5, 5),
                               inputs={"decision_number": "1/QĐ", "officer": "officer_a"})
    db.session.commit()
    login(client, "officer_a")
    page = _page(client, f"/cases/{case.id}")
    ob = case.obligations[0]
    assert "nghĩa vụ không phải tiền, chưa thi hành" in page
    resp = client.post(f"/cases/{case.id}/obligations/{ob.id}/done",
                       data={"csrf_token": csrf_token_from(page), "version": str(db.session.get(Case, case.id).version)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).nonmoney_pending == 0


def test_the_print_view_is_a_case_summary_sheet_with_a_signature_block(app, world, client, today):
    today(date(2026, 5, 20))
    case = _decided(world)
    lifecycle.record_payment(world.accountant_a, case.id, amount=5_000_000, on="2026-05-19", method="cash",
                             receipt_number="BL-9", today=date(2026, 5, 19))
    db.session.commit()
    login(client, "officer_a")
    html = _page(client, f"/cases/{case.id}/print")
    text = _text(html)
    assert "<nav class=\"navbar" not in html and "print.css" in html
    for expected in ("THADS TỈNH THỬ NGHIỆM", "PHÒNG THADS KHU VỰC A", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "TÓM TẮT HỒ SƠ VIỆC THI HÀNH ÁN", case.display_number, "Đã ra quyết định thi hành án",
                     "Nguyễn Văn Ánh", "Trần Thị Bích", "150.000.000 ₫", "145.000.000 ₫", "BL-9",
                     "NGƯỜI LẬP", "THỦ TRƯỞNG ĐƠN VỊ", "Ngày 20 tháng 05 năm 2026", "Thông báo thi hành án"):
        assert expected in text, expected
