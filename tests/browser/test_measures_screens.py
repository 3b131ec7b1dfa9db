"""Coercion and the steering committee in Chromium (issue 11): the officer drafts a coercion plan (a
Sunday is refused naming the rule), the head approves it, the plan's sending to the procuracy, the
police and the commune is recorded with dates, the police confirm their forces, the unit's
coercion calendar shows it with the police status; the head marks the case as a hard case, the
committee gives a task, the hard-case list shows it and the committee's report is exported to
Excel and printed. Screenshots: test-artifacts/screenshots/m*.png."""
from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data(live_app):
    """An enforcing case of office A, dated from the app's clock, and the province's committee."""
    from tests.factories import build_world, make_case
    from thads.extensions import db
    from thads.measures import committee
    from thads.models import Unit
    from thads.services import clock, lifecycle
    from thads.services.deadlines import calendar
    from workflows.measures import coercion_refusal

    w = build_world()
    today = clock.today()
    cal = calendar()
    start = cal.add_working_days(today, -8)
    days = [cal.add_working_days(start, i) for i in range(5)]
    case = make_case(w.officer_a, today=days[0], received_on=days[0].isoformat(), parties=[
        {"role": "creditor", "kind": "person", "name": "Trần Thị Bích"},
        {"role": "debtor", "kind": "person", "name": "Hoàng Văn Cường", "address": "phường Tiên Cát"}])
    lifecycle.apply_transition(w.head_a, case.id, "decide", on=days[1].isoformat(), today=days[1],
                               inputs={"decision_number": "21/QĐ-CCTHADS", "officer": "officer_a"})
    for act in ("case_file", "procuracy"):
        lifecycle.record_act(w.officer_a, case.id, act, on=days[2].isoformat(), today=days[2])
    lifecycle.apply_transition(w.officer_a, case.id, "notify", on=days[2].isoformat(), today=days[2])
    lifecycle.apply_transition(w.officer_a, case.id, "verify", on=days[4].isoformat(), today=days[4],
                               inputs={"outcome": "enforceable"})
    committee.ensure_default_agencies(db.session.get(Unit, w.province.id))
    db.session.commit()
    # The coercion day: the first day from three days ahead on which coercion is allowed at 08:00.
    from datetime import time

    day = today + timedelta(days=3)
    while coercion_refusal(cal, day, time(8)) is not None:
        day += timedelta(days=1)
    sunday = today + timedelta(days=(6 - today.weekday()) or 7)
    return SimpleNamespace(world=w, case_id=case.id, number=case.display_number, day=day, sunday=sunday, today=today)


def test_a_coercion_plan_is_drafted_approved_sent_and_on_the_units_calendar_then_the_committee_reports(
        data, session_for):
    from thads.extensions import db
    from thads.models import CoercionPlan

    officer = session_for("officer_a")
    page = officer.page
    officer.goto(f"/cases/{data.case_id}")
    page.wait_for_selector("[data-testid=measures-panel]")
    page.click("[data-testid=new-plan]")
    page.wait_for_selector("[data-testid=plan-form]")
    page.fill("[data-testid=measures_text]", "Kê biên nhà và đất của người phải thi hành án")
    page.fill("[data-testid=planned_on]", data.sunday.strftime("%d/%m/%Y"))
    page.fill("[data-testid=start_time]", "08:00")
    page.fill("[data-testid=end_time]", "11:30")
    page.fill("[data-testid=place]", "Thửa đất số 123, phường Tiên Cát")
    page.fill("[data-testid=procedure]", "Đọc quyết định cưỡng chế, lập biên bản kê biên, niêm phong")
    page.fill("[data-testid=forces]", "02 Chấp hành viên, 01 thư ký, đại diện UBND phường")
    page.fill("[data-testid=protection]", "Đề nghị Công an phường bố trí 10 cán bộ bảo vệ")
    page.fill("[data-testid=cost_estimate]", "12.000.000")
    page.click("[data-testid=submit-plan]")
    alert = page.wait_for_selector(".alert-danger")
    assert "ngày nghỉ hằng tuần: Chủ nhật" in alert.inner_text() and "Điều 46" in alert.inner_text()
    officer.shot("m01-plan-refused-sunday")
    page.fill("[data-testid=planned_on]", data.day.strftime("%d/%m/%Y"))
    page.click("[data-testid=submit-plan]")
    page.wait_for_selector("[data-testid=plan-status]")
    assert page.inner_text("[data-testid=plan-status]") == "Dự thảo, chờ duyệt"
    assert page.query_selector("[data-testid=approve]") is None  # the officer cannot approve
    officer.shot("m02-plan-draft")
    plan_id = db.session.scalars(db.select(CoercionPlan.id)).one()

    head = session_for("head_a")
    hp = head.page
    head.goto(f"/coercion/plans/{plan_id}")
    hp.click("[data-testid=approve]")
    hp.wait_for_selector(".alert-success")
    assert hp.inner_text("[data-testid=plan-status]") == "Đã duyệt"
    sent = data.today.strftime("%d/%m/%Y")
    for key, name in (("procuracy", "Viện KSND khu vực 1"), ("police", "Công an phường Tiên Cát"),
                      ("commune", "UBND phường Tiên Cát")):
        hp.fill(f"[data-testid=dispatch-{key}_name]", name)
        hp.fill(f"[data-testid=dispatch-{key}_on]", sent)
    hp.click("[data-testid=dispatch]")
    hp.wait_for_selector("[data-testid=sent-commune]")
    for key in ("procuracy", "police", "commune"):
        assert hp.inner_text(f"[data-testid=sent-{key}]") == sent
    assert hp.inner_text("[data-testid=police-status]") == "Đã đề nghị Công an bảo vệ"
    hp.select_option("[data-testid=police-police_status]", "forces_confirmed")
    hp.fill("[data-testid=police-police_on]", sent)
    hp.fill("[data-testid=police-police_forces]", "10")
    hp.click("[data-testid=police]")
    hp.wait_for_selector(".alert-success")
    assert "Công an đã xác nhận lực lượng" in hp.inner_text("[data-testid=police-status]")
    head.shot("m03-plan-approved-sent")

    province = session_for("head_p")
    pp = province.page
    province.goto(f"/coercion/calendar?week={data.day.isoformat()}")
    cell = pp.wait_for_selector(f"[data-testid=coercion-calendar] td[data-day='{data.day.isoformat()}'] "
                                f"[data-plan-id='{plan_id}']")
    assert data.number in cell.inner_text() and "Công an đã xác nhận lực lượng" in cell.inner_text()
    province.shot("m04-coercion-calendar")

    # The head marks the case as difficult; the committee gives the police a task.
    head.goto(f"/cases/{data.case_id}")
    hp.click("[data-testid=mark-hard-case]")
    hp.select_option("select[name=reason]", "organised_obstruction")
    hp.fill("textarea[name=note]", "Gia đình tập trung đông người chống đối")
    hp.click("[data-testid=submit-hard-case]")
    hp.wait_for_selector("[data-testid=tasks]")
    province.goto("/" + hp.url.split("/", 3)[3])
    pp.select_option("[data-testid=task-agency_id]", label="Công an tỉnh")
    pp.fill("[data-testid=task-description]", "Bố trí lực lượng bảo vệ buổi cưỡng chế")
    pp.fill("[data-testid=task-due_on]", (data.day + timedelta(days=7)).strftime("%d/%m/%Y"))
    pp.click("[data-testid=give-task]")
    pp.wait_for_selector("[data-testid=tasks] tr[data-status=open]")
    province.shot("m05-hard-case")
    province.goto("/hard-cases")
    row = pp.wait_for_selector(f"[data-testid=hard-cases] tr[data-case-id='{data.case_id}']")
    assert "Chống đối có tổ chức" in row.inner_text() and "1" in row.inner_text()
    province.shot("m06-hard-case-list")

    pp.click("[data-testid=committee-report-link]")
    pp.wait_for_selector(f"[data-testid=report-cases] tr[data-case-id='{data.case_id}']")
    assert "Công an tỉnh" in pp.inner_text("[data-testid=report-owed]")
    province.shot("m07-committee-report")
    with pp.expect_download() as download:
        pp.click("[data-testid=report-xlsx]")
    from openpyxl import load_workbook

    with open(download.value.path(), "rb") as fh:
        ws = load_workbook(BytesIO(fh.read())).active
    assert ws["B6"].value == data.number and "BAN CHỈ ĐẠO" in ws["A1"].value
    pp.emulate_media(media="print")
    assert not pp.is_visible("[data-testid=report-xlsx]")  # the printable page hides the controls
    province.shot("m08-committee-report-print")


def test_the_officer_seizes_a_house_from_the_case_page_and_the_panel_shows_the_next_step_and_due_date(
        data, session_for):
    from thads.extensions import db
    from thads.models import Deadline, Measure
    from thads.services.deadlines import calendar

    officer = session_for("officer_a")
    page = officer.page
    officer.goto(f"/cases/{data.case_id}")
    page.click("[data-testid=new-measure]")
    page.click("[data-testid=kind-seize_sell]")
    page.wait_for_selector("[data-testid=measure-form]")
    page.fill("[data-testid=in_asset]", "Nhà và đất tại thửa 123, phường Tiên Cát")
    page.select_option("[data-testid=in_asset_class]", "immovable")
    page.select_option("[data-testid=in_price_basis]", "valuation")
    officer.shot("m09-seize-form")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=measure-deadlines] tr[data-kind=valuation][data-status=open]")
    assert "Khoản 2 Điều 98" in page.inner_text("[data-testid=measure-deadlines]") or \
        "Điều 82–83" in page.inner_text("[data-testid=measure-deadlines]")
    measure = db.session.scalars(db.select(Measure)).one()
    due = db.session.scalars(db.select(Deadline.due_on).where(Deadline.measure_id == measure.id)).one()
    assert due == calendar().add_working_days(data.today, 5)
    officer.goto(f"/cases/{data.case_id}")
    row = page.wait_for_selector(f"[data-testid=measures] tr[data-measure-id='{measure.id}']")
    assert "Ký hợp đồng thẩm định giá" in row.inner_text() and due.strftime("%d/%m/%Y") in row.inner_text()
    page.wait_for_selector("[data-testid=deadlines] tr[data-kind=valuation][data-status=open]")
    officer.shot("m10-case-page-measures-panel")
