"""Reminder delivery on real services: PostgreSQL, Redis, dramatiq workers and an aiosmtpd server.

The in-process ``dramatiq.Worker`` thread on a ``RedisBroker`` is a real dramatiq worker on a
real broker; the SIGKILL test runs the production command ``dramatiq thads.tasks.actors`` in a
subprocess and kills it with ``kill -9`` while it delivers.
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime

import pytest

from tests.conftest import REDIS_URL, _truncate_pg, closed_port, csrf_token_from, require_service
from tests.factories import build_world, decided_cases, login
from tests.factories import notification_rows as notifications

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Our own Redis database (never 0; the shared suite uses 15).
QUEUE_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + "/11"
BASE_URL = "https://thads.example.vn"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def at(day: str, clock: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+07:00")


# --------------------------------------------------------------------------- services


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepted (optionally slowly)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)  # counted as accepted just before "250" goes back
        return "250 Message accepted for delivery"

    def ids(self) -> Counter:
        with self.lock:
            return Counter(m["X-THADS-Notification"] for m in self.messages)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox(monkeypatch):
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("THADS_TEST_SMTP_ALLOWED", f"127.0.0.1:{port}")
    box.url = f"smtp://127.0.0.1:{port}"
    yield box
    controller.stop()


@pytest.fixture
def pg(request):
    require_service("Redis", "127.0.0.1", 6379)
    url = request.getfixturevalue("pg_migrated")
    _truncate_pg(url)
    import redis

    redis.Redis.from_url(QUEUE_REDIS_URL).flushdb()
    return url


@contextmanager
def app_on(pg_url: str, tmp_path, broker_url: str, smtp_url: str = "", **extra):
    """An app on PostgreSQL and the given broker, its context pushed."""
    from thads import create_app
    from thads.extensions import db

    config = {
        "TESTING": True, "DATABASE_URL": pg_url, "SECRET_KEY": "test-secret", "EMBEDDED_WORKER": False,
        "BROKER_URL": broker_url, "SMTP_URL": smtp_url, "BASE_URL": BASE_URL,
        "RATELIMIT_STORAGE_URI": "memory://", "REMINDER_MIN_BACKOFF_MS": 50, "REMINDER_MAX_BACKOFF_MS": 200,
        **extra,
    }
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@contextmanager
def worker_thread(app, threads: int = 4):
    import dramatiq

    from thads import tasks

    worker = dramatiq.Worker(tasks.broker_for(app), worker_timeout=100, worker_threads=threads)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def drain(app, worker) -> None:
    from thads import tasks

    tasks.broker_for(app).join(tasks.QUEUE, timeout=60_000)
    worker.join()


def assert_no_duplicates() -> None:
    live = [n for n in notifications() if n.status != "cancelled"]
    keys = Counter((n.deadline_id, n.due_on, n.step, n.user_id, n.channel) for n in live)
    assert max(keys.values()) == 1


# --------------------------------------------------------------------------- 1. end to end


def test_each_ladder_step_reaches_the_right_people_once_in_app_and_once_by_vietnamese_email(
        pg, tmp_path, mailbox):
    from thads.extensions import db
    from thads.models import Deadline
    from thads.services import reminders

    with app_on(pg, tmp_path, QUEUE_REDIS_URL, mailbox.url) as app, worker_thread(app) as worker:
        w = build_world()
        case = decided_cases(w, 1)[0]
        dl = db.session.scalars(db.select(Deadline).where(Deadline.case_id == case.id,
                                                          Deadline.kind == "notification")).one()
        ladder = [("2026-05-06", "upcoming", "officer_a", "Sắp đến hạn", "Còn 2 ngày làm việc đến hạn."),
                  ("2026-05-08", "due", "officer_a", "Đến hạn hôm nay", "Hôm nay là ngày cuối của thời hạn."),
                  ("2026-05-11", "overdue", "officer_a", "Quá hạn", "việc đang quá hạn 1 ngày làm việc"),
                  ("2026-05-12", "escalated", "head_a", "Quá hạn, báo cáo lãnh đạo",
                   "Chấp hành viên phụ trách: Officer A")]
        for day, step, who, title, phrase in ladder:
            reminders.sweep(at(day))
            drain(app, worker)
            mine = notifications(deadline_id=dl.id, step=step)
            assert sorted((n.user.username, n.channel, n.status) for n in mine) == [
                (who, "email", "sent"), (who, "inapp", "sent")]
            email_row = next(n for n in mine if n.channel == "email")
            got = [m for m in mailbox.messages if m["X-THADS-Notification"] == str(email_row.id)]
            assert len(got) == 1
            msg = got[0]
            assert msg["To"] == f"{who}@example.test"
            assert msg["Subject"] == f"[THADS] {title}: Thông báo thi hành án - việc số 1/2026, hạn 08/05/2026"
            text = msg.get_content()
            for expected in (phrase, "Việc thi hành án số: 1/2026", "Thời hạn: Thông báo thi hành án",
                             "Hạn cuối: 08/05/2026", "Căn cứ pháp lý: Điều 39 Luật THADS 2008",
                             f"Xem hồ sơ: {BASE_URL}/cases/{case.id}"):
                assert expected in text
        # Nothing more for anyone, and exactly one email per sent email row across all deadlines.
        reminders.sweep(at("2026-05-13"))
        drain(app, worker)
        sent_emails = {str(n.id) for n in notifications(channel="email", status="sent")}
        assert mailbox.ids() == Counter({i: 1 for i in sent_emails})
        assert_no_duplicates()


# --------------------------------------------------------------------------- 2. broker down


def test_with_redis_down_transitions_and_sweeps_still_record_reminders_and_the_next_sweep_delivers_each_once(
        pg, tmp_path, mailbox):
    from thads.services import reminders

    # "Redis is down": a port held closed for the block, whatever else runs on this machine.
    with closed_port() as dead_port, app_on(pg, tmp_path, f"redis://127.0.0.1:{dead_port}/0", mailbox.url):
        w = build_world()
        decided_cases(w, 2)  # transitions while the broker is unreachable
        down = reminders.sweep(at("2026-05-12"))
        assert down.created == 24 and down.enqueued == 0 and down.enqueue_failed == 24
        assert {n.status for n in notifications() if n.cancel_reason != "collapsed"} == {"pending"}
        assert all(n.enqueued_at is None for n in notifications(status="pending"))

    with app_on(pg, tmp_path, QUEUE_REDIS_URL, mailbox.url) as app, worker_thread(app) as worker:
        up = reminders.sweep(at("2026-05-12"))
        assert up.created == 0 and up.enqueued == 24 and up.enqueue_failed == 0
        drain(app, worker)
        assert {n.status for n in notifications() if n.cancel_reason != "collapsed"} == {"sent"}
        again = reminders.sweep(at("2026-05-12", "09:00"))
        assert again.enqueued == 0
        drain(app, worker)
        assert mailbox.ids() == Counter({str(n.id): 1 for n in notifications(channel="email", status="sent")})
        assert len(mailbox.messages) == 12


# --------------------------------------------------------------------------- 3. SIGKILL


def _start_worker(pg_url: str, smtp_url: str, tmp_path, log) -> subprocess.Popen:
    env = {**os.environ, "THADS_DATABASE_URL": pg_url, "THADS_BROKER_URL": QUEUE_REDIS_URL,
           "THADS_SMTP_URL": smtp_url, "THADS_SECRET_KEY": "test-secret", "THADS_EMBEDDED_WORKER": "false",
           "THADS_BASE_URL": BASE_URL, "THADS_INSTANCE_PATH": str(tmp_path / "worker-instance")}
    dramatiq_bin = os.path.join(os.path.dirname(sys.executable), "dramatiq")
    return subprocess.Popen([dramatiq_bin, "thads.tasks.actors", "-p", "1", "-t", "4"], cwd=ROOT, env=env,
                            stdout=log, stderr=log, start_new_session=True)


def _sent_count() -> int:
    return len(notifications(status="sent"))


def test_a_worker_killed_with_sigkill_mid_delivery_again_and_again_still_delivers_everything(
        pg, tmp_path, mailbox, capsys):
    from thads.services import reminders

    mailbox.delay = 0.04  # a slow SMTP server keeps messages in flight when the kill lands
    rng = random.Random(4)
    kills = in_flight = 0
    with app_on(pg, tmp_path, QUEUE_REDIS_URL, mailbox.url, REMINDER_REQUEUE_SECONDS=1):
        w = build_world()
        decided_cases(w, 30)
        first = reminders.sweep(at("2026-05-12"))
        total = first.created
        assert total == 360  # 30 cases × 3 deadlines × (overdue + escalated) × (in-app + email)
        with open(tmp_path / "worker.log", "ab") as log:
            for _ in range(5):
                before = _sent_count()
                proc = _start_worker(pg, mailbox.url, tmp_path, log)
                deadline = time.monotonic() + 30
                while _sent_count() < before + 10 and time.monotonic() < deadline and proc.poll() is None:
                    time.sleep(0.05)
                time.sleep(rng.uniform(0, 0.3))
                in_flight += _sent_count() < total
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                kills += 1
                time.sleep(1.1)  # past REMINDER_REQUEUE_SECONDS: the rows in flight are stale now
                reminders.sweep(at("2026-05-12"))
            proc = _start_worker(pg, mailbox.url, tmp_path, log)
            try:
                deadline = time.monotonic() + 90
                while _sent_count() < total and time.monotonic() < deadline:
                    time.sleep(1.2)
                    reminders.sweep(at("2026-05-12"))
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
        assert in_flight >= 3  # most kills landed while deliveries were still going on
        live = [n for n in notifications() if n.cancel_reason != "collapsed"]
        assert {n.status for n in live} == {"sent"}
        assert len(live) == total
        inapp_keys = Counter((n.deadline_id, n.step, n.user_id) for n in live if n.channel == "inapp")
        assert max(inapp_keys.values()) == 1  # in-app duplicates: 0
        received = mailbox.ids()
        email_ids = {str(n.id) for n in live if n.channel == "email"}
        assert set(received) == email_ids  # every email arrived at least once
        duplicates = sum(received.values()) - len(received)
        with capsys.disabled():
            print(f"\n[reminders] SIGKILL x{kills}: {len(email_ids)} emails, {sum(received.values())} received, "
                  f"email duplicates {duplicates}, in-app duplicates 0")
        (tmp_path.parent / "reminders_sigkill_figures.txt").write_text(
            f"kills={kills} emails={len(email_ids)} received={sum(received.values())} duplicates={duplicates}\n")


# --------------------------------------------------------------------------- 5. a failing channel


class AlwaysRaises:
    """A channel that always fails (registered as `email` for one test)."""

    name = "email"

    def enabled_for(self, user, config) -> bool:
        return bool(user.email)

    def send(self, notification, user, config) -> None:
        raise ConnectionRefusedError("máy chủ thư từ chối kết nối (kênh thử nghiệm)")


@pytest.fixture
def failing_email_channel():
    from thads import notify

    notify.get("inapp")  # load the built-in channels first
    previous = notify.register(AlwaysRaises())
    yield
    notify.register(previous)


def test_a_channel_that_always_raises_is_retried_then_failed_and_listed_for_the_administrator(
        pg, tmp_path, mailbox, failing_email_channel):
    from thads.services import reminders

    with app_on(pg, tmp_path, QUEUE_REDIS_URL, mailbox.url, REMINDER_MAX_RETRIES=2) as app, \
            worker_thread(app) as worker:
        w = build_world()
        decided_cases(w, 1)
        reminders.sweep(at("2026-05-12"))
        drain(app, worker)
        emails = [n for n in notifications(channel="email") if n.cancel_reason != "collapsed"]
        inapp = [n for n in notifications(channel="inapp") if n.cancel_reason != "collapsed"]
        assert len(emails) == 6 and {(n.status, n.attempts) for n in emails} == {("failed", 3)}
        assert all("ConnectionRefusedError" in n.last_error for n in emails)
        assert {n.status for n in inapp} == {"sent"}  # the other channel is unaffected
        assert mailbox.messages == []

        listing = app.test_cli_runner().invoke(args=["reminders", "failed"])
        assert listing.exit_code == 0
        assert "6 thông báo gửi lỗi" in listing.output
        for n in emails:
            assert f"#{n.id}\t" in listing.output

        # A failed row is not picked up again by the sweep until an administrator retries it.
        assert reminders.sweep(at("2026-05-12", "10:00")).enqueued == 0
        email_ids = [n.id for n in emails]

    # The pages run outside the test's app context, as real requests do (each its own context).
    client = app.test_client()
    login(client, "admin")
    page = client.get("/admin/reminders/failed").get_data(as_text=True)
    for nid in email_ids:
        assert f'data-id="{nid}"' in page
    assert "ConnectionRefusedError" in page
    resp = client.post(f"/admin/reminders/{email_ids[0]}/retry", data={"csrf_token": csrf_token_from(page)})
    assert resp.status_code == 302
    with app.app_context():
        assert notifications(id=email_ids[0])[0].status == "pending"
