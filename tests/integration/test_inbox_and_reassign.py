"""Notifications that follow their cause, grouped by case with links (issue 10 §12), and a
reassignment that applies exactly what was previewed (§9), on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.factories import api_token, decided_cases, login, make_case
from tests.factories import notification_rows as rows
from thads.extensions import db
from thads.models import Case, Deadline
from thads.services import assignment, clock, lifecycle, proposals, reminders
from thads.services.errors import Conflict


def at(day: str, hour: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hour}+07:00")


@pytest.fixture
def worker(app):
    import dramatiq

    from thads import tasks

    broker = tasks.broker_for(app)
    w = dramatiq.Worker(broker, worker_timeout=100, worker_threads=2)
    w.start()
    yield w
    w.stop()
    broker.flush_all()


def deliver(app, worker):
    from thads import tasks

    tasks.broker_for(app).join(tasks.QUEUE)
    worker.join()


def _deadline(case, kind):
    return db.session.scalars(select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == kind)).one()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_reminder_is_resolved_when_its_deadline_is_met_and_leaves_the_unread_count(app, world, worker, client):
    from thads.services import inbox

    case = decided_cases(world)[0]
    reminders.sweep(at("2026-05-06"))
    deliver(app, worker)
    notif = _deadline(case, "notification")
    mine = rows(deadline_id=notif.id, user_id=world.officer_a.id, channel="inapp")
    assert [n.status for n in mine] == ["sent"] and mine[0].resolved_at is None
    assert inbox.unread_count(world.officer_a, today=date(2026, 5, 6)) == 3
    lifecycle.apply_transition(world.officer_a, case.id, "notify", on="2026-05-07", today=date(2026, 5, 7))
    db.session.commit()
    done = rows(deadline_id=notif.id, user_id=world.officer_a.id, channel="inapp")[0]
    assert done.resolved_at is not None and done.resolution == "deadline_met" and done.read_at is None
    assert inbox.unread_count(world.officer_a, today=date(2026, 5, 7)) == 2
    login(client, "officer_a")
    page = client.get("/notifications/").get_data(as_text=True)
    item = re.search(rf'data-id="{done.id}"[^>]*data-resolved="yes".*?</li>', page, re.S).group(0)
    assert "Đã xử lý" in item and 'data-testid="badge-new"' not in item
    assert "thời hạn đã được thực hiện" in _text(item)


def test_a_waiting_proposal_notification_is_resolved_when_the_head_decides(app, world, client):
    case = decided_cases(world)[0]
    lifecycle.apply_transition(world.officer_a, case.id, "notify", on="2026-05-06", today=date(2026, 5, 6))
    lifecycle.apply_transition(world.officer_a, case.id, "verify", on="2026-05-20", today=date(2026, 5, 20),
                               inputs={"outcome": "enforceable"})
    p = proposals.propose(world.officer_a, case.id, "postpone", inputs={"ground": "Ốm"}, today=date(2026, 5, 21))
    db.session.commit()
    waiting = rows(step="proposal", user_id=world.head_a.id)
    assert len(waiting) == 1 and waiting[0].proposal_id == p.id and waiting[0].resolved_at is None
    login(client, "head_a")
    page = _text(client.get("/notifications/").get_data(as_text=True))
    assert "Đề xuất chờ duyệt: Hoãn thi hành án — Officer A" in page
    proposals.approve(world.head_a, p.id, on="2026-05-21", today=date(2026, 5, 21))
    db.session.commit()
    waiting = rows(step="proposal", user_id=world.head_a.id)[0]
    assert waiting.resolution == "proposal_decided"
    told = rows(step="proposal", user_id=world.officer_a.id)[0]
    assert told.resolved_at is None  # the officer's "approved" news is read, not resolved
    officer = app.test_client()
    login(officer, "officer_a")
    assert "Đề xuất đã được duyệt: Hoãn thi hành án" in _text(officer.get("/notifications/").get_data(as_text=True))


def test_the_list_groups_by_case_with_links_and_short_lines_without_email_text(app, world, worker, client):
    cases = decided_cases(world, n=2)
    reminders.sweep(at("2026-05-11"))  # overdue for the officer; escalated for the head
    deliver(app, worker)
    login(client, "head_a")
    page = client.get("/notifications/").get_data(as_text=True)
    groups = re.findall(r'data-testid="notification-group" data-case-id="(\d*)"', page)
    assert sorted(groups) == sorted(str(c.id) for c in cases)
    for c in cases:
        assert f'href="/cases/{c.id}"' in page
    text = _text(page)
    assert "http://" not in text and "Kính gửi" not in text and "Căn cứ pháp lý:" not in text
    assert "Quá hạn, cần đôn đốc: Lập hồ sơ thi hành án — hạn 07/05/2026 · chấp hành viên: Officer A" in text
    # The officer's reminders: one card per case, several lines in each.
    officer = app.test_client()
    login(officer, "officer_a")
    page = officer.get("/notifications/").get_data(as_text=True)
    assert page.count('data-testid="notification-group"') == 2
    assert page.count('data-testid="notification"') >= 4


def test_an_assignment_of_several_cases_links_each_case(app, world, client):
    a = make_case(world.officer_a, today=clock.today(), officer="officer_a", received_on="2026-05-04")
    b = make_case(world.officer_a, today=clock.today(), officer="officer_a", received_on="2026-05-04")
    plan = assignment.reassign(world.head_a, to_officer="officer_a2", case_ids=[a.id, b.id])
    assignment.reassign(world.head_a, to_officer="officer_a2", case_ids=[a.id, b.id], dry_run=False,
                        versions=plan.versions, previewed_to="officer_a2")
    db.session.commit()
    note = rows(step="assigned")[0]
    assert sorted(note.case_ids) == sorted([a.id, b.id])
    login(client, "officer_a2")
    page = client.get("/notifications/").get_data(as_text=True)
    cases = re.search(r'data-testid="notification-cases">(.*?)</div>', page, re.S).group(1)
    assert f'href="/cases/{a.id}"' in cases and f'href="/cases/{b.id}"' in cases
    assert "Bạn được giao 2 việc" in _text(page)
    body = client.get("/api/v1/notifications", headers=api_token(world.officer_a2)).get_json()
    assert sorted(body["items"][0]["case_ids"]) == sorted([a.id, b.id])


def test_the_old_officers_reminders_of_a_reassigned_case_are_resolved(app, world, worker):
    case = decided_cases(world)[0]
    reminders.sweep(at("2026-05-06"))
    deliver(app, worker)
    plan = assignment.reassign(world.head_a, to_officer="officer_a2", case_ids=[case.id])
    assignment.reassign(world.head_a, to_officer="officer_a2", case_ids=[case.id], dry_run=False,
                        versions=plan.versions, previewed_to="officer_a2")
    db.session.commit()
    old = rows(user_id=world.officer_a.id, channel="inapp", status="sent")
    assert old and {n.resolution for n in old} == {"reassigned"}


def test_acknowledging_a_case_group_reads_only_that_cases_notifications(app, world, worker, client):
    first, second = decided_cases(world, n=2)
    reminders.sweep(at("2026-05-06"))
    deliver(app, worker)
    login(client, "officer_a")
    page = client.get("/notifications/").get_data(as_text=True)
    client.post(f"/notifications/ack-all?case={first.id}", data={"csrf_token": csrf_token_from(page)})
    unread = {n.case_id for n in rows(user_id=world.officer_a.id, channel="inapp", status="sent") if n.read_at is None}
    assert unread == {second.id}


# -- 9: reassignment ----------------------------------------------------------------------------


def _reassign_page(client, case):
    page = client.get(f"/supervision/reassign?case={case.id}").get_data(as_text=True)
    return csrf_token_from(page)


def test_preview_without_an_officer_says_so(app, world, client):
    case = make_case(world.officer_a, today=clock.today(), officer="officer_a", received_on="2026-05-04")
    login(client, "head_a")
    token = _reassign_page(client, case)
    html = client.post("/supervision/reassign", data={"csrf_token": token, "case": case.id, "to_officer": "",
                                                      "action": "preview"}).get_data(as_text=True)
    assert "Hãy chọn chấp hành viên nhận." in html and 'data-testid="to-officer-error"' in html
    assert 'novalidate' in html  # the browser does not swallow the click with its own bubble


def test_confirming_after_changing_the_officer_applies_nothing_and_previews_the_new_choice(app, world, client):
    case = make_case(world.officer_a, today=clock.today(), officer="officer_a", received_on="2026-05-04")
    login(client, "head_a")
    token = _reassign_page(client, case)
    preview = client.post("/supervision/reassign", data={"csrf_token": token, "case": case.id,
                                                         "to_officer": "officer_a2", "action": "preview"})
    html = preview.get_data(as_text=True)
    assert 'name="previewed_to" value="officer_a2"' in html
    version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    # The head changes the dropdown to officer_a (who already has the case) and confirms.
    resp = client.post("/supervision/reassign", data={
        "csrf_token": token, "case": case.id, "to_officer": "officer_a", "action": "apply", "version": version,
        "previewed_to": "officer_a2"})
    assert resp.status_code == 200
    text = _text(resp.get_data(as_text=True))
    assert "Đã chuyển 0 việc" not in text
    assert "Chấp hành viên nhận đã được đổi sau khi xem trước" in text
    assert 'data-testid="preview-result"' in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).officer.username == "officer_a"
    with pytest.raises(Conflict):
        assignment.reassign(world.head_a, to_officer="officer_a", case_ids=[case.id], dry_run=False,
                            versions={case.id: db.session.get(Case, case.id).version}, previewed_to="officer_a2")


def test_the_preview_names_reminders_in_words(app, world, worker, client):
    case = decided_cases(world)[0]
    reminders.sweep(at("2026-05-06"), enqueue=False)
    login(client, "head_a")
    token = _reassign_page(client, case)
    html = client.post("/supervision/reassign", data={"csrf_token": token, "case": case.id,
                                                      "to_officer": "officer_a2", "action": "preview"}).get_data(as_text=True)
    table = _text(re.search(r'data-testid="preview-table">(.*?)</table>', html, re.S).group(1))
    assert "Sắp đến hạn" in table and "upcoming" not in table and "inapp" not in table
