"""The daily screens in Chromium: the officer's worklist and case page, the supervisor's board,
reassignment with a preview, the head's approval of a proposal, scope, language, the diagram."""
from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data(live_app):
    from tests.factories import build_world, make_case
    from thads.extensions import db
    from thads.services import clock, lifecycle
    from thads.services.deadlines import calendar

    w = build_world()
    today = clock.today()
    recent = calendar().add_working_days(today, -2)

    def debtor(name, id_number):
        return [{"role": "creditor", "kind": "person", "name": "Trần Thị Bích", "id_number": "001190000001"},
                {"role": "debtor", "kind": "person", "name": name, "id_number": id_number}]

    fresh = make_case(w.officer_a, today=today, officer="officer_a", received_on=recent.isoformat(),
                      parties=debtor("Đặng Thị Hường", "001190012345"))
    lifecycle.apply_transition(w.head_a, fresh.id, "decide", on=today.isoformat(),
                               inputs={"decision_number": "15/QĐ-THADS", "officer": w.officer_a.id})
    late = make_case(w.officer_a, today=today, officer="officer_a",
                     received_on=(today - timedelta(days=120)).isoformat(),
                     parties=debtor("Lê Văn Quý", "001085000999"))
    other = make_case(w.officer_b, today=today, officer="officer_b",
                      received_on=(today - timedelta(days=90)).isoformat(),
                      parties=debtor("Trịnh Công Sơn", "001085000555"))
    db.session.commit()
    return SimpleNamespace(world=w, fresh=fresh, late=late, other=other, fresh_id=fresh.id, late_id=late.id,
                           other_id=other.id)


def _case(case_id):
    from thads.extensions import db
    from thads.models import Case

    db.session.expire_all()
    return db.session.get(Case, case_id)


def test_officer_supervisor_and_head_do_their_day_in_the_browser(data, session_for):
    from thads.extensions import db
    from thads.models import CaseEvent
    from thads.services.worklist import state_labels

    labels = state_labels("vi")
    # The officer signs in and lands on the worklist.
    officer = session_for("officer_a")
    page = officer.page
    assert page.url.endswith("/worklist")
    page.wait_for_selector(f"[data-testid=worklist] tr[data-case-id='{data.late_id}'] [data-testid=overdue]")
    assert page.inner_text("[data-testid=count-overdue]") == "1"
    assert page.inner_text("[data-testid=count-total]") == "2"
    body = page.inner_text("main")
    assert "150.000.000 ₫" in body and re.search(r"\d{2}/\d{2}/\d{4}", body)
    assert re.search(r"quá hạn \d+ ngày làm việc", body)
    officer.shot("01-worklist")

    # Finds the case by the debtor's name typed without diacritics.
    page.fill("[data-testid=search-input]", "dang thi huong")
    page.click("[data-testid=search-button]")
    row = page.wait_for_selector(f"[data-testid=search-results] tr[data-case-id='{data.fresh_id}']")
    assert len(page.query_selector_all("[data-testid=search-results] tbody tr[data-case-id]")) == 1
    officer.shot("02-search")
    row.query_selector("a").click()
    page.wait_for_selector("[data-testid=deadlines] tr[data-kind=notification][data-status=open]")
    assert page.query_selector("[data-testid=deadlines] tr[data-kind=verification]") is None
    officer.shot("03-case-decided")

    # Records the notification: its deadline is met, the voluntary period and verification open.
    page.click("[data-testid=actions] >> text=Thông báo thi hành án")
    page.wait_for_selector("[data-testid=transition-form]")
    page.click("[data-testid=transition-form] button[type=submit]")
    page.wait_for_selector("[data-testid=deadlines] tr[data-kind=notification][data-status=met]")
    page.wait_for_selector("[data-testid=deadlines] tr[data-kind=voluntary][data-status=open]")
    page.wait_for_selector("[data-testid=deadlines] tr[data-kind=verification][data-status=open]")

    # Records the verification: enforceable; the verification deadline is met.
    page.click("[data-testid=actions] >> text=Xác minh điều kiện thi hành án")
    page.wait_for_selector("[data-testid=transition-form]")
    page.select_option("select[name=in_outcome]", "enforceable")
    page.click("[data-testid=transition-form] button[type=submit]")
    page.wait_for_selector("[data-testid=deadlines] tr[data-kind=verification][data-status=met]")
    assert page.inner_text("[data-testid=case-state]") == labels["enforcing"]
    officer.shot("04-case-enforcing")

    # Postponement is the head's: the officer proposes it.
    page.click("[data-testid=propose-postpone]")
    page.fill("textarea[name=in_ground]", "Người phải thi hành án đang điều trị bệnh nặng")
    page.fill("textarea[name=note]", "Có giấy xác nhận của bệnh viện")
    officer.shot("05-propose")
    page.click("[data-testid=submit-proposal]")
    page.wait_for_selector("[data-testid=proposal-status]")
    assert page.inner_text("[data-testid=proposal-status]") == "chờ duyệt"

    # The supervisor sees the officer's overdue case on the board and reassigns it, preview first.
    boss = session_for("head_a")
    bp = boss.page
    boss.goto("/supervision/")
    row = bp.wait_for_selector(f"[data-testid=overdue-list] tr[data-case-id='{data.late_id}']")
    assert "Officer A" in row.inner_text()
    assert bp.query_selector("svg[data-testid=overdue-chart] g.bar[data-label='Officer A']") is not None
    boss.shot("06-board")
    row.query_selector("[data-testid=reassign-one]").click()
    bp.wait_for_selector("[data-testid=reassign-form]")
    bp.select_option("[data-testid=to-officer]", "officer_a2")
    bp.click("[data-testid=preview]")
    bp.wait_for_selector(f"[data-testid=preview-table] tr[data-case-id='{data.late_id}']")
    assert "Ra quyết định thi hành án" in bp.inner_text("[data-testid=preview-table]")
    assert _case(data.late_id).officer.username == "officer_a"  # the preview wrote nothing
    boss.shot("07-reassign-preview")
    bp.dblclick("[data-testid=apply]")  # a double click still moves the case once
    bp.wait_for_selector(".alert-success")
    assert _case(data.late_id).officer.username == "officer_a2"
    moved = db.session.scalar(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == data.late_id, CaseEvent.kind == "reassigned"))
    assert moved == 1
    row = bp.wait_for_selector(f"[data-testid=overdue-list] tr[data-case-id='{data.late_id}']")
    assert "Officer A2" in row.inner_text()

    # The head approves the proposed postponement from the board.
    bp.click("[data-testid=proposals] [data-testid=open-proposal]")
    bp.wait_for_selector("[data-testid=approve-form]")
    boss.shot("08-proposal")
    bp.click("[data-testid=approve]")
    bp.wait_for_selector("[data-testid=case-state]")
    assert bp.inner_text("[data-testid=case-state]") == labels["postponed"]
    assert _case(data.fresh_id).state == "postponed"
    boss.shot("09-case-postponed")


def test_another_office_sees_none_of_these_cases_counts_or_names(data, session_for):
    other = session_for("head_b")
    page = other.page
    other.goto("/supervision/")
    page.wait_for_selector("[data-testid=workload]")
    text = page.content()
    for secret in ("Officer A", "Đặng Thị Hường", "Lê Văn Quý", f"case_id={data.late_id}"):
        assert secret not in text
    bars = [g.get_attribute("data-label") for g in page.query_selector_all("svg[data-testid=overdue-chart] g.bar")]
    assert bars == ["Officer B"]
    other.shot("10-board-other-office")
    other.goto("/search?q=dang+thi+huong")
    page.wait_for_selector("[data-testid=search-results]")
    assert page.query_selector("[data-testid=search-results] tr[data-case-id]") is None
    resp = other.goto(f"/cases/{data.fresh_id}")
    assert resp.status == 404
    resp = other.goto(f"/supervision/?unit={data.world.office_a.id}")
    assert resp.status == 404

    province = session_for("head_p")
    province.goto("/supervision/")
    province.page.wait_for_selector("[data-testid=offices] tr[data-unit='P-A']")
    labels = [g.get_attribute("data-label") for g in
              province.page.query_selector_all("svg[data-testid=overdue-chart] g.bar")]
    assert labels == ["Phòng THADS khu vực A", "Phòng THADS khu vực B"]
    province.shot("11-board-province")


def test_english_by_switch_and_the_diagram_without_a_cdn(data, session_for):
    s = session_for("officer_b")
    page = s.page
    page.wait_for_selector("[data-testid=worklist]")
    assert page.get_attribute("html", "lang") == "vi"
    page.click("a[href$='/lang/en']")
    page.wait_for_selector("html[lang=en]")
    s.shot("12-worklist-en")
    s.goto("/workflow")
    vendored = (Path(__file__).resolve().parents[2] / "thads/static/vendor/mermaid.min.js").exists()
    if vendored or os.environ.get("CI", "").lower() == "true":
        page.wait_for_selector("[data-testid=diagram] svg")  # drawn by the locally served Mermaid
    else:  # no npm here (make vendor): the page still shows the diagram's text
        assert "stateDiagram-v2" in page.inner_text("[data-testid=diagram]")
    s.shot("13-workflow")
