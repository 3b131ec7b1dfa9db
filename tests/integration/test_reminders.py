"""Reminders on the database (SQLite and PostgreSQL) with the in-process StubBroker and worker.

Queue behaviour on real Redis, a real dramatiq worker and a real SMTP server is in
``test_reminders_queue.py``; these tests cover the sweep's arithmetic and locking, re-arming,
the digest, the user's notification page, the API and the CLI.
"""
from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta

import pytest

from tests.conftest import csrf_token_from
from tests.factories import api_token, decided_cases, login
from tests.factories import notification_rows as rows

TZ_OFFSET = "+07:00"


def at(day: str, clock: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}{TZ_OFFSET}")


def deadline_of(case, kind: str = "notification"):
    from thads.extensions import db
    from thads.models import Deadline

    return db.session.scalars(db.select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == kind)).one()


def keyset(items):
    return sorted((n.step, n.user.username, n.channel, n.status) for n in items)


@pytest.fixture
def worker(app):
    """The in-process dramatiq worker on the app's StubBroker."""
    import dramatiq

    from thads import tasks

    broker = tasks.broker_for(app)
    w = dramatiq.Worker(broker, worker_timeout=100, worker_threads=2)
    w.start()
    yield w
    w.stop()
    broker.flush_all()


def deliver_all(app, worker):
    from thads import tasks

    tasks.broker_for(app).join(tasks.QUEUE)
    worker.join()


def test_each_ladder_step_fires_on_its_working_day_to_the_right_people_and_only_once(app, world):
    from thads.services import reminders

    app.config["SMTP_URL"] = "smtp://127.0.0.1:2"  # email rows are created; nothing is sent here
    case = decided_cases(world)[0]
    dl = deadline_of(case)
    assert dl.due_on == date(2026, 5, 8)

    def mine():
        return keyset(rows(deadline_id=dl.id))

    reminders.sweep(at("2026-05-05"), enqueue=False)
    assert mine() == []
    reminders.sweep(at("2026-05-06"), enqueue=False)  # two working days before Friday 08/05
    assert mine() == [("upcoming", "officer_a", "email", "pending"), ("upcoming", "officer_a", "inapp", "pending")]
    reminders.sweep(at("2026-05-06", "16:00"), enqueue=False)
    reminders.sweep(at("2026-05-08"), enqueue=False)
    assert [s for s in mine() if s[0] == "due"] == [("due", "officer_a", "email", "pending"),
                                                   ("due", "officer_a", "inapp", "pending")]
    reminders.sweep(at("2026-05-09"), enqueue=False)  # Saturday: nothing new
    reminders.sweep(at("2026-05-10"), enqueue=False)
    assert len(mine()) == 4
    reminders.sweep(at("2026-05-11"), enqueue=False)  # the first working day after
    reminders.sweep(at("2026-05-12"), enqueue=False)  # two working days after: to the unit's head/supervisor
    assert mine() == sorted([
        ("upcoming", "officer_a", "email", "pending"), ("upcoming", "officer_a", "inapp", "pending"),
        ("due", "officer_a", "email", "pending"), ("due", "officer_a", "inapp", "pending"),
        ("overdue", "officer_a", "email", "pending"), ("overdue", "officer_a", "inapp", "pending"),
        ("escalated", "head_a", "email", "pending"), ("escalated", "head_a", "inapp", "pending"),
    ])
    again = reminders.sweep(at("2026-05-20"), enqueue=False)
    assert again.created == 0 and len(mine()) == 8
    body = rows(deadline_id=dl.id, step="upcoming", channel="email")[0].body
    assert "Còn 2 ngày làm việc" in body and "Hạn cuối: 08/05/2026" in body


def test_two_sweeps_started_at_the_same_moment_create_every_reminder_exactly_once(app, world):
    from thads.extensions import db
    from thads.models import Notification
    from thads.services import reminders

    cases = decided_cases(world, n=6)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                results.append(reminders.sweep(at("2026-05-12"), enqueue=False).as_dict())
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    # Every deadline × step × recipient × channel exists once (the sweep that ran second found nothing).
    total = db.session.scalar(db.select(db.func.count()).select_from(Notification))
    distinct = db.session.execute(db.select(Notification.deadline_id, Notification.step, Notification.user_id,
                                            Notification.channel).distinct()).all()
    assert total == len(distinct)
    assert sorted(r["created"] + r["collapsed"] for r in results)[0] == 0
    assert sum(r["created"] + r["collapsed"] for r in results) == total
    # None missed: each of the 18 open deadlines (3 per case) has every passed step.
    expected = set()
    for case in cases:
        for kind in ("case_file", "procuracy", "notification"):
            for step in ("upcoming", "due", "overdue", "escalated"):
                expected.add((deadline_of(case, kind).id, step))
    assert {(n.deadline_id, n.step) for n in rows()} == expected


def test_a_sweep_after_ten_days_of_downtime_creates_every_missed_step_and_delivers_only_the_latest(app, world, worker):
    from thads.services import reminders

    case = decided_cases(world)[0]
    dl = deadline_of(case)
    result = reminders.sweep(at("2026-05-22"))  # ten working days after the due date
    deliver_all(app, worker)
    assert keyset(rows(deadline_id=dl.id)) == [
        ("due", "officer_a", "inapp", "cancelled"),
        ("escalated", "head_a", "inapp", "sent"),
        ("overdue", "officer_a", "inapp", "sent"),
        ("upcoming", "officer_a", "inapp", "cancelled"),
    ]
    assert {n.cancel_reason for n in rows(deadline_id=dl.id, status="cancelled")} == {"collapsed"}
    assert result.created == 6 and result.collapsed == 6  # 3 deadlines: 2 live and 2 collapsed steps each
    overdue = rows(deadline_id=dl.id, step="overdue")[0]
    assert "quá hạn 10 ngày làm việc" in overdue.body
    # A later sweep neither recreates the collapsed steps nor resends anything.
    assert reminders.sweep(at("2026-05-25")).as_dict()["created"] == 0


def test_a_met_deadline_cancels_pending_reminders_and_a_moved_one_gets_its_own(app, world):
    from thads.extensions import db
    from thads.models import CalendarDay
    from thads.services import deadlines, lifecycle, reminders

    case = decided_cases(world)[0]
    reminders.sweep(at("2026-05-06"), enqueue=False)
    notif = deadline_of(case, "notification")
    assert [n.status for n in rows(deadline_id=notif.id)] == ["pending"]
    # The officer notifies the parties on 07/05: the `notification` deadline is met.
    # Its pending reminders are cancelled with it (services.inbox), before any sweep runs.
    lifecycle.apply_transition(world.officer_a, case.id, "notify", on="2026-05-07", today=date(2026, 5, 7))
    db.session.commit()
    assert {(n.status, n.cancel_reason) for n in rows(deadline_id=notif.id)} == {("cancelled", "deadline_closed")}
    assert reminders.sweep(at("2026-05-07"), enqueue=False).cancelled == 0
    assert {(n.status, n.cancel_reason) for n in rows(deadline_id=notif.id)} == {("cancelled", "deadline_closed")}

    # A day off declared inside the procuracy period moves its due date from 08/05 to 11/05.
    procuracy = deadline_of(case, "procuracy")
    db.session.add(CalendarDay(on=date(2026, 5, 7), kind="off", note="Nghỉ bù (thử nghiệm)"))
    deadlines.recompute_open("Lịch nghỉ bổ sung")
    db.session.commit()
    db.session.refresh(procuracy)
    assert procuracy.due_on == date(2026, 5, 11)
    reminders.sweep(at("2026-05-08"), enqueue=False)
    old = [n for n in rows(deadline_id=procuracy.id) if n.due_on == date(2026, 5, 8)]
    new = [n for n in rows(deadline_id=procuracy.id) if n.due_on == date(2026, 5, 11)]
    assert {(n.step, n.status, n.cancel_reason) for n in old} == {("upcoming", "cancelled", "deadline_moved")}
    assert {(n.step, n.status) for n in new} == {("upcoming", "pending")}


def test_email_outside_office_hours_waits_for_the_next_working_morning(app, world, worker):
    from thads.services import reminders

    app.config["SMTP_URL"] = "smtp://127.0.0.1:2"
    case = decided_cases(world)[0]
    dl = deadline_of(case)
    evening = reminders.sweep(at("2026-05-06", "19:30"))
    email = rows(deadline_id=dl.id, channel="email")[0]
    assert email.not_before == at("2026-05-07", "07:30")
    assert evening.waiting >= 1
    deliver_all(app, worker)
    assert rows(deadline_id=dl.id, channel="inapp")[0].status == "sent"  # in-app is not held back
    assert rows(deadline_id=dl.id, channel="email")[0].status == "pending"
    assert rows(deadline_id=dl.id, channel="email")[0].enqueued_at is None  # nothing far-future in the broker
    # Friday evening → Monday morning.
    assert reminders.next_email_time(at("2026-05-08", "18:00"), reminders.calendar()) == at("2026-05-11", "07:30")


def test_the_cli_sweep_prints_one_line_of_json_and_delivers_in_embedded_mode(app, world):
    from thads.models import Notification  # noqa: F401

    decided_cases(world)
    out = app.test_cli_runner().invoke(args=["reminders", "sweep", "--now", "2026-05-06T08:00"])
    assert out.exit_code == 0, out.output
    lines = out.output.strip().splitlines()
    counts = json.loads(lines[-1])
    assert counts["created"] == counts["enqueued"] > 0
    assert {n.status for n in rows() if n.status != "cancelled"} == {"sent"}
    failed = app.test_cli_runner().invoke(args=["reminders", "failed"])
    assert "Không có thông báo gửi lỗi" in failed.output


def test_the_notification_page_shows_unread_and_lets_the_officer_acknowledge_snooze_and_stop_email(
        app, world, client, worker):
    from thads.services import reminders

    decided_cases(world)
    reminders.sweep(at("2026-05-06"))
    deliver_all(app, worker)
    mine = rows(user_id=world.officer_a.id, channel="inapp", status="sent")
    assert len(mine) == 3  # upcoming: case file (due 07/05), procuracy and notification (due 08/05)
    login(client, "officer_a")
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'data-testid="unread-count">3<' in page
    assert "Sắp đến hạn: Thông báo thi hành án" in page
    token = csrf_token_from(page)
    client.post(f"/notifications/{mine[0].id}/ack", data={"csrf_token": token})
    assert 'data-testid="unread-count">2<' in client.get("/notifications/").get_data(as_text=True)
    from thads.services import clock

    tomorrow = clock.today() + timedelta(days=1)  # the app's today (Asia/Ho_Chi_Minh), not the machine's
    client.post(f"/notifications/{mine[1].id}/snooze", data={"csrf_token": token, "until": tomorrow.isoformat()})
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'data-testid="unread-count">1<' in page and f'data-id="{mine[1].id}"' not in page
    assert f'data-id="{mine[1].id}"' in client.get("/notifications/?all=1").get_data(as_text=True)
    # Someone else's notification cannot be touched, and answers like a missing one (404).
    other = rows(user_id=world.head_a.id)
    if other:
        assert client.post(f"/notifications/{other[0].id}/ack", data={"csrf_token": token}).status_code == 404
    client.post("/notifications/preferences", data={"csrf_token": token})  # unchecked box: email off
    from thads.extensions import db

    db.session.refresh(world.officer_a)
    assert world.officer_a.email_enabled is False


def test_the_api_lists_the_callers_notifications(app, world, client, worker):
    from thads.services import reminders

    case = decided_cases(world)[0]
    reminders.sweep(at("2026-05-06"))
    deliver_all(app, worker)
    body = client.get("/api/v1/notifications", headers=api_token(world.officer_a)).get_json()
    items = body["items"]
    assert {i["deadline_kind"] for i in items} >= {"notification", "procuracy"}
    one = next(i for i in items if i["deadline_kind"] == "notification" and i["status"] == "sent")
    assert one["case_id"] == case.id and one["step"] == "upcoming" and one["channel"] == "inapp"
    assert one["due_on"] == "2026-05-08" and one["deadline_id"] == deadline_of(case).id
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/api/v1/notifications", headers=api_token(world.officer_b)).get_json()["items"] == []


def test_the_morning_digest_is_one_message_per_officer_per_working_day(app, world, worker):
    from thads.services import reminders

    decided_cases(world, n=2)
    first = reminders.digest(at("2026-05-11", "07:00"))
    assert first["digests"] == 1  # officer_a only: the cases of others are not theirs
    deliver_all(app, worker)
    digest = rows(step="digest")[0]
    assert digest.user.username == "officer_a" and digest.status == "sent"
    assert "6 quá hạn" in digest.subject or "quá hạn" in digest.subject
    assert "Thông báo thi hành án" in digest.body
    assert reminders.digest(at("2026-05-11", "09:00"))["digests"] == 0  # once a day
    assert reminders.digest(at("2026-05-09", "07:00"))["digests"] == 0  # Saturday


def test_the_admin_page_of_failed_reminders_is_for_administrators_only(app, world, client):
    login(client, "officer_a")
    assert client.get("/admin/reminders/failed").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/notifications/").get_data(as_text=True))})
    login(client, "admin")
    assert 'data-testid="no-failed"' in client.get("/admin/reminders/failed").get_data(as_text=True)
