"""The supervisor's board, reassignment and proposals, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import login, make_case
from thads.extensions import db
from thads.models import CaseEvent, Notification, Proposal
from thads.services import assignment, clock, lifecycle, proposals
from thads.services import supervision as svc
from thads.services.errors import Conflict, Forbidden, InvalidInput, NotFound


def _overdue_case(w, officer="officer_a", received_on="2026-05-04", **kw):
    return make_case(w.officer_a if officer.startswith("officer_a") else w.officer_b, today=clock.today(),
                     officer=officer, received_on=received_on, **kw)


def _enforcing(w, case):
    lifecycle.apply_transition(w.head_a, case.id, "decide",
                               inputs={"decision_number": "7/QĐ", "officer": case.officer_id})
    lifecycle.apply_transition(w.officer_a, case.id, "notify")
    lifecycle.apply_transition(w.officer_a, case.id, "verify", inputs={"outcome": "enforceable"})
    db.session.commit()


def test_the_board_counts_overdue_deadlines_by_officer_kind_and_age(world):
    _overdue_case(world)
    _overdue_case(world, officer="officer_a2")
    fresh = make_case(world.officer_a, today=clock.today(), officer="officer_a",
                      received_on=clock.today().isoformat())
    board = svc.board(world.head_a)
    loads = {o.officer.username: o for o in board.officers}
    assert loads["officer_a"].open_cases == 2 and loads["officer_a"].overdue_deadlines == 1
    assert loads["officer_a"].by_kind == {"decision": 1} and loads["officer_a"].ageing[">10"] == 1
    assert loads["officer_a"].remaining == 300_000_000
    assert loads["officer_a2"].overdue_cases == 1
    assert board.totals["overdue_deadlines"] == 2 and board.offices == []
    at_risk = svc.deadline_list(world.head_a, which="at_risk")
    assert fresh.id not in [r.case.id for r in svc.deadline_list(world.head_a).rows]
    assert all(r.deadline.due_on >= clock.today() for r in at_risk.rows)


def test_a_provincial_user_sees_offices_then_drills_down(client, world):
    _overdue_case(world)
    _overdue_case(world, officer="officer_b")
    board = svc.board(world.head_p)
    by_code = {o.unit.code: o for o in board.offices}
    assert by_code["P-A"].overdue_deadlines == 1 and by_code["P-B"].overdue_deadlines == 1
    login(client, "head_p")
    html = client.get("/supervision/").get_data(as_text=True)
    assert "Phòng THADS khu vực A" in html and "<svg" in html and 'data-testid="offices"' in html
    drill = client.get(f"/supervision/?unit={world.office_a.id}").get_data(as_text=True)
    assert "Officer A" in drill and "Officer B" not in drill


def test_another_office_sees_none_of_its_cases_counts_or_names(client, world):
    case = _overdue_case(world)
    p = None
    _enforcing(world, case)
    p = proposals.propose(world.officer_a, case.id, "postpone", inputs={"ground": "Ốm"})
    db.session.commit()
    login(client, "head_b")
    board = client.get("/supervision/").get_data(as_text=True)
    for secret in ("Officer A", f">{case.display_number}<", "Nguyễn Văn Ánh", f"case_id={case.id}"):
        assert secret not in board
    assert 'data-testid="total-overdue_deadlines">0<' in board
    assert client.get(f"/supervision/?unit={world.office_a.id}").status_code == 404
    assert client.get(f"/supervision/proposals/{p.id}").status_code == 404
    assert client.get(f"/supervision/reassign?case={case.id}").status_code == 404
    assert client.get(f"/cases/{case.id}").status_code == 404
    with pytest.raises(NotFound):
        assignment.reassign(world.head_b, to_officer="officer_b", case_ids=[case.id])


def test_officers_may_not_see_the_board_or_reassign(client, world):
    login(client, "officer_a")
    assert client.get("/supervision/").status_code == 403
    assert client.get("/supervision/reassign?from_officer=officer_a").status_code == 403
    with pytest.raises(Forbidden):
        assignment.reassign(world.officer_a, to_officer="officer_a2", from_officer="officer_a")


def test_a_dry_run_changes_nothing_and_the_apply_moves_exactly_the_preview(world):
    case = _overdue_case(world)
    other = _overdue_case(world)
    reminder = Notification(user_id=world.officer_a.id, case_id=case.id, step="due", channel="inapp",
                            status="pending", dedup_key="t:1",
                            deadline_id=db.session.scalar(select(func.min(CaseEvent.id))) and None)
    db.session.add(reminder)
    db.session.commit()
    events_before = db.session.scalar(select(func.count()).select_from(CaseEvent))
    plan = assignment.reassign(world.head_a, to_officer="officer_a2", from_officer="officer_a")
    assert {i.case.id for i in plan.items} == {case.id, other.id}
    assert plan.items[0].deadlines and plan.items[0].deadlines[0].kind == "decision"
    assert [n.id for n in plan.items[0].reminders] == [reminder.id]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == events_before
    assert db.session.get(type(case), case.id).officer_id == world.officer_a.id

    applied = assignment.reassign(world.head_a, to_officer="officer_a2", case_ids=[case.id],
                                  versions=plan.versions, dry_run=False, reason="nghỉ phép")
    db.session.commit()
    assert applied.notification.user_id == world.officer_a2.id and applied.notification.step == "assigned"
    assert db.session.get(type(case), case.id).officer_id == world.officer_a2.id
    assert db.session.get(type(other), other.id).officer_id == world.officer_a.id
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                               .order_by(CaseEvent.seq.desc())).first()
    assert event.kind == "reassigned" and event.inputs["to"] == "officer_a2" and event.officer_id == world.officer_a2.id
    assert db.session.get(Notification, reminder.id).user_id == world.officer_a2.id


def test_a_preview_gone_stale_is_refused_with_what_changed(world):
    case = _overdue_case(world)
    plan = assignment.reassign(world.head_a, to_officer="officer_a2", case_ids=[case.id])
    versions = plan.versions
    lifecycle.apply_transition(world.head_a, case.id, "decide",
                               inputs={"decision_number": "9/QĐ", "officer": world.officer_a.id})
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        assignment.reassign(world.head_a, to_officer="officer_a2", case_ids=[case.id], versions=versions,
                            dry_run=False)
    assert case.display_number in exc.value.message


def test_cases_go_only_to_an_officer_of_their_own_office(world):
    case = _overdue_case(world)
    with pytest.raises(InvalidInput):
        assignment.reassign(world.head_a, to_officer="officer_b", case_ids=[case.id])
    plan = assignment.reassign(world.head_p, to_officer="officer_b", case_ids=[case.id])
    assert plan.items == [] and "không thuộc đơn vị" in plan.skipped[0][1]


def test_reassign_through_the_pages_previews_then_applies(client, world):
    case = _overdue_case(world)
    login(client, "head_a")
    page = client.get(f"/supervision/reassign?case={case.id}")
    token = csrf_token_from(page.get_data(as_text=True))
    preview = client.post("/supervision/reassign", data={"csrf_token": token, "case": case.id,
                                                          "to_officer": "officer_a2", "action": "preview"})
    html = preview.get_data(as_text=True)
    assert 'data-testid="preview-table"' in html and "Xác nhận chuyển" in html
    assert db.session.get(type(case), case.id).officer_id == world.officer_a.id
    done = client.post("/supervision/reassign", data={
        "csrf_token": token, "case": case.id, "to_officer": "officer_a2", "action": "apply",
        "version": f"{case.id}:{case.version}", "previewed_to": "officer_a2"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(case), case.id).officer_id == world.officer_a2.id


def test_a_head_only_step_is_proposed_by_the_officer_and_approved_by_the_head(world):
    case = _overdue_case(world)
    _enforcing(world, case)
    with pytest.raises(Forbidden):
        lifecycle.apply_transition(world.officer_a, case.id, "postpone", inputs={"ground": "Ốm"})
    db.session.rollback()
    p = proposals.propose(world.officer_a, case.id, "postpone", inputs={"ground": "Đương sự ốm nặng"})
    db.session.commit()
    assert [x.id for x in svc.board(world.head_a).proposals] == [p.id]
    heads_told = db.session.scalars(select(Notification).where(Notification.step == "proposal")).all()
    assert {n.user_id for n in heads_told} == {world.head_a.id}
    with pytest.raises(Conflict):
        proposals.propose(world.officer_a, case.id, "postpone", inputs={"ground": "lần nữa"})
    db.session.rollback()
    with pytest.raises(Forbidden):
        proposals.approve(world.officer_a, p.id)
    proposals.approve(world.head_a, p.id)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(case), case.id).state == "postponed"
    assert db.session.get(Proposal, p.id).status == "approved"
    assert svc.board(world.head_a).proposals == []


def test_a_returned_proposal_needs_a_comment_and_changes_nothing(world):
    case = _overdue_case(world)
    _enforcing(world, case)
    p = proposals.propose(world.officer_a, case.id, "suspend", inputs={"ground": "Tòa kháng nghị"})
    db.session.commit()
    with pytest.raises(InvalidInput):
        proposals.return_proposal(world.head_a, p.id, comment="  ")
    db.session.rollback()
    proposals.return_proposal(world.head_a, p.id, comment="Thiếu văn bản của tòa án")
    db.session.commit()
    assert db.session.get(type(case), case.id).state == "enforcing"
    assert db.session.get(Proposal, p.id).comment == "Thiếu văn bản của tòa án"
    told = db.session.scalars(select(Notification).where(Notification.user_id == world.officer_a.id,
                                                         Notification.step == "proposal")).all()
    assert len(told) == 1


def test_an_officer_step_cannot_be_proposed(world):
    case = _overdue_case(world)
    lifecycle.apply_transition(world.head_a, case.id, "decide",
                               inputs={"decision_number": "7/QĐ", "officer": case.officer_id})
    lifecycle.apply_transition(world.officer_a, case.id, "notify")
    db.session.commit()
    with pytest.raises(InvalidInput):
        proposals.propose(world.officer_a, case.id, "verify", inputs={"outcome": "enforceable"})
    db.session.rollback()
    p = proposals.propose(world.officer_a, case.id, "verify", inputs={"outcome": "not_enforceable"})
    assert p.status == "pending"


def test_cases_ticked_on_the_board_open_the_reassign_page_with_that_selection(client, world):
    first, second = _overdue_case(world), _overdue_case(world)
    login(client, "head_a")
    board = client.get("/supervision/").get_data(as_text=True)
    assert f'name="case" value="{first.id}"' in board
    token = csrf_token_from(board)
    page = client.post("/supervision/reassign", data={"csrf_token": token, "case": [first.id, second.id],
                                                       "action": "select"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="selection"' in html
    assert html.count('name="case" value=') == 2 and "Hãy chọn chấp hành viên nhận" not in html
    missing = client.post("/supervision/reassign", data={"csrf_token": token, "case": first.id, "action": "preview"})
    assert "Hãy chọn chấp hành viên nhận" in missing.get_data(as_text=True)
