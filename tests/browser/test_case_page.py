"""The case page and its forms in Chromium (issue 10, part b), at 1366 px and on a 390 px phone:
registration rows added and removed, buttons by role, payments and their ledger, the debtor's
period, corrections of parties, the print sheet, grouped notifications, reassignment."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def data(live_app):
    from tests.factories import build_world, make_case
    from thads.extensions import db
    from thads.services import clock, lifecycle, reminders

    w = build_world()
    today = clock.today()

    def on(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    # A case notified 40 days ago and verified: the voluntary period ended long ago.
    case = make_case(w.officer_a, today=today, officer="officer_a", received_on=on(45),
                     judgment={"court": "Tòa án nhân dân huyện Lâm Thao", "number": "7/2026/DS-ST",
                               "date": on(90)})
    lifecycle.apply_transition(w.head_a, case.id, "decide", on=on(44),
                               inputs={"decision_number": "21/QĐ-THADS", "officer": "officer_a"})
    lifecycle.apply_transition(w.officer_a, case.id, "notify", on=on(40))
    # A second case, decided only: its reminders are overdue (the notifications page).
    late = make_case(w.officer_a, today=today, officer="officer_a", received_on=on(30),
                     parties=[{"role": "creditor", "name": "Ngân hàng Thương mại Ba"},
                              {"role": "debtor", "name": "Phạm Văn Chậm"}])
    lifecycle.apply_transition(w.head_a, late.id, "decide", on=on(29),
                               inputs={"decision_number": "22/QĐ-THADS", "officer": "officer_a"})
    db.session.commit()
    reminders.sweep(enqueue=False)
    # The in-app rows are delivered by the worker in production; here, by hand.
    from thads.models import Notification

    for n in db.session.scalars(db.select(Notification).where(Notification.status == "pending",
                                                              Notification.channel == "inapp")):
        reminders.deliver(n.id)
    db.session.commit()
    return SimpleNamespace(world=w, case_id=case.id, late_id=late.id)


def test_registration_rows_are_added_and_removed_and_a_request_without_creditor_is_refused(data, session_for):
    s = session_for("clerk_a")
    page = s.page
    s.goto("/cases/new")
    page.wait_for_selector("[data-testid=case-form]")
    roles = [page.eval_on_selector(f"select[name=parties-{i}-role]", "e => e.value") for i in range(3)]
    assert roles == ["debtor", "creditor", ""]
    # The court picker offers the courts already used in the unit.
    assert "Tòa án nhân dân huyện Lâm Thao" in page.inner_html("[data-testid=courts]")
    page.click("[data-testid=add-party]")
    assert page.locator("[data-testid=party-rows] [data-row]").count() == 4
    assert page.locator("select[name=parties-3-role]").input_value() == ""
    page.locator("[data-testid=party-rows] [data-row]").nth(2).locator("[data-remove-row]").click()
    assert page.locator("[data-testid=party-rows] [data-row]").count() == 3
    page.click("[data-testid=add-obligation]")
    assert page.locator("[data-testid=obligation-rows] [data-row]").count() == 4

    page.fill("input[name=received_on]", "01/12/2026")
    page.fill("input[name=court]", "Tòa án nhân dân huyện Lâm Thao")
    page.fill("input[name=judgment_number]", "9/2026/DS-ST")
    page.fill("input[name=judgment_date]", "01/10/2026")
    page.fill("input[name=parties-0-name]", "Nguyễn Văn Một")
    page.select_option("select[name=parties-1-role]", "debtor")
    page.fill("input[name=parties-1-name]", "Nguyễn Văn Hai")
    page.fill("input[name=obligations-0-description]", "Trả nợ")
    page.fill("input[name=obligations-0-amount]", "12.000.000")
    page.fill("input[name=obligations-3-description]", "Án phí")
    page.fill("input[name=obligations-3-amount]", "600.000")
    s.shot("b01-new-case-filled")
    page.click("[data-testid=case-form] button[type=submit]")
    page.wait_for_selector("[data-testid=problems]")
    assert "cần có người được thi hành án (người yêu cầu)" in page.inner_text("[data-testid=problems]")
    s.shot("b02-new-case-no-creditor")
    # What was typed is still there; the person adds the requester and registers.
    page.click("[data-testid=add-party]")
    last = page.locator("[data-testid=party-rows] [data-row]").last
    last.locator("select[name$=-role]").select_option("creditor")
    last.locator("input[name$=-name]").fill("Trần Thị Yêu Cầu")
    page.click("[data-testid=case-form] button[type=submit]")
    page.wait_for_selector("[data-testid=case-state]")
    parties = page.inner_text("[data-testid=parties]")
    assert "Trần Thị Yêu Cầu" in parties and "Nguyễn Văn Hai" in parties
    assert "12.600.000 ₫" in page.inner_text("[data-testid=money]")


def test_the_new_case_form_fits_a_phone(data, session_for):
    s = session_for("clerk_a")
    s.page.set_viewport_size(PHONE)
    s.goto("/cases/new")
    s.page.wait_for_selector("[data-testid=add-party]")
    assert s.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    s.shot("b03-new-case-phone")


def test_the_inspector_sees_the_case_without_buttons_and_the_officer_with_the_ones_allowed(data, session_for):
    inspector = session_for("inspector_p")
    inspector.goto(f"/cases/{data.case_id}")
    page = inspector.page
    page.wait_for_selector("[data-testid=no-actions]")
    assert page.locator("[data-testid=pay]").count() == 0
    assert page.locator("[data-testid=actions] a").count() == 0
    inspector.shot("b04-case-inspector")
    officer = session_for("officer_a")
    officer.goto(f"/cases/{data.case_id}")
    page = officer.page
    page.wait_for_selector("[data-testid=pay]")
    assert page.locator("[data-testid=no-actions]").count() == 0
    row = page.inner_text("[data-testid=deadlines] tr[data-kind=voluntary]")
    assert "Thời hạn của người phải thi hành án" in row and "đã kết thúc" in row and "quá hạn" not in row
    officer.shot("b05-case-officer")


def test_a_payment_of_zero_is_explained_once_and_a_receipt_lands_in_the_ledger(data, session_for):
    s = session_for("accountant_a")
    page = s.page
    s.goto(f"/cases/{data.case_id}")
    page.click("[data-testid=pay]")
    page.wait_for_selector("[data-testid=payment-form]")
    assert page.locator("select[name=payee]").is_hidden()  # a collection has no payee
    page.fill("input[name=amount]", "0")
    page.fill("input[name=on]", "01/12/2026")
    page.click("[data-testid=payment-form] button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    text = page.inner_text("main")
    assert "Hãy nhập số tiền" not in text and ("lớn hơn 0" in text)
    page.fill("input[name=amount]", "900.000.000")
    page.click("[data-testid=payment-form] button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    assert page.inner_text("main").count("vượt quá số còn phải thi hành") == 1
    s.shot("b06-payment-over-balance")
    page.fill("input[name=amount]", "25.000.000")
    page.select_option("select[name=method]", "transfer")
    page.fill("input[name=receipt_number]", "BL-2026-118")
    page.click("[data-testid=payment-form] button[type=submit]")
    page.wait_for_selector("[data-testid=ledger]")
    assert "BL-2026-118" in page.inner_text(".alert-success")
    ledger = page.inner_text("[data-testid=ledger]")
    assert "BL-2026-118" in ledger and "Chuyển khoản" in ledger and "25.000.000 ₫" in ledger
    assert "Accountant A" in ledger
    # A payout names its creditor.
    page.click("[data-testid=pay]")
    page.select_option("select[name=kind]", "payout")
    assert page.locator("select[name=payee]").is_visible()
    page.fill("input[name=amount]", "5.000.000")
    page.fill("input[name=on]", "01/12/2026")
    page.select_option("select[name=payee]", label="Trần Thị Bích")
    page.fill("input[name=receipt_number]", "PC-2026-7")
    s.shot("b07-payment-payout")
    page.click("[data-testid=payment-form] button[type=submit]")
    page.wait_for_selector("[data-testid=ledger] tr[data-kind=payout]")
    assert "Trần Thị Bích" in page.inner_text("[data-testid=ledger] tr[data-kind=payout]")
    s.shot("b08-case-ledger")
    page.click("[data-testid=pay]")
    page.click("[data-testid=cancel]")
    page.wait_for_selector("[data-testid=ledger]")
    s.page.set_viewport_size(PHONE)
    s.goto(f"/cases/{data.case_id}")
    page.wait_for_selector("[data-testid=ledger]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    s.shot("b09-case-phone")


def test_an_officer_corrects_a_party_and_the_history_shows_it(data, session_for):
    s = session_for("officer_a")
    page = s.page
    s.goto(f"/cases/{data.case_id}")
    page.click("[data-testid=edit-parties]")
    page.wait_for_selector("[data-testid=add-party-form]")
    form = page.locator("[data-testid=add-party-form]")
    form.locator("select[name=new-role]").select_option("related")
    form.locator("input[name=new-name]").fill("Lê Thị Liên Quan")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    s.shot("b10-edit-parties")
    page.click("[data-testid=back]")
    assert "Lê Thị Liên Quan" in page.inner_text("[data-testid=parties]")
    assert "Thêm đương sự" in page.inner_text("[data-testid=timeline]")


def test_the_print_view_is_a_summary_sheet(data, session_for):
    s = session_for("officer_a")
    page = s.page
    s.goto(f"/cases/{data.case_id}")
    page.click("[data-testid=print-link]")
    page.wait_for_selector("[data-testid=summary-sheet]")
    assert page.locator("nav.navbar").count() == 0
    text = page.inner_text("[data-testid=summary-sheet]")
    assert "TÓM TẮT HỒ SƠ VIỆC THI HÀNH ÁN" in text and "NGƯỜI LẬP" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text
    s.shot("b11-print-screen")
    page.emulate_media(media="print")
    assert page.locator(".toolbar").is_hidden()
    s.shot("b12-print-media")
    page.emulate_media(media="screen")
    s.page.set_viewport_size(PHONE)
    s.shot("b13-print-phone")


def test_notifications_are_grouped_by_case_with_links(data, session_for):
    s = session_for("officer_a")
    page = s.page
    s.goto("/notifications/")
    page.wait_for_selector("[data-testid=notification-group]")
    groups = page.locator("[data-testid=notification-group]")
    assert groups.count() == 2
    text = page.inner_text("[data-testid=notification-list]")
    assert "http" not in text and "Kính gửi" not in text
    s.shot("b14-notifications")
    s.page.set_viewport_size(PHONE)
    s.shot("b15-notifications-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("[data-testid=group-case-link]").first.click()
    page.wait_for_selector("[data-testid=case-state]")


def test_reassign_needs_an_officer_and_a_new_preview_after_a_change(data, session_for):
    s = session_for("head_a")
    page = s.page
    s.goto(f"/supervision/reassign?case={data.late_id}")
    page.wait_for_selector("[data-testid=reassign-form]")
    page.click("[data-testid=preview]")
    page.wait_for_selector("[data-testid=to-officer-error]")
    assert "Hãy chọn chấp hành viên nhận." in page.inner_text("[data-testid=to-officer-error]")
    page.select_option("[data-testid=to-officer]", "officer_a2")
    page.click("[data-testid=preview]")
    page.wait_for_selector("[data-testid=apply]")
    page.select_option("[data-testid=to-officer]", "officer_a")
    assert page.locator("[data-testid=apply]").is_hidden()
    assert page.locator("[data-testid=preview-outdated]").is_visible()
    s.shot("b16-reassign-changed")
    page.select_option("[data-testid=to-officer]", "officer_a2")
    assert page.locator("[data-testid=apply]").is_visible()
