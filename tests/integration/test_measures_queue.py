"""End to end on PostgreSQL with a real dramatiq worker on Redis (issue 11): a house seized, valued,
put to auction, failed, reduced, sold, its proceeds collected and paid out, the case completed —
and for every step's deadline the reminder is delivered once, in-app and by email.

Our own Redis database (12), our own SMTP server (aiosmtpd), the same patterns as the reminders'
queue tests: a ``dramatiq.Worker`` thread on a ``RedisBroker`` is a real worker on a real broker.
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import datetime

import pytest

from tests.conftest import REDIS_URL, _truncate_pg, require_service
from tests.factories import build_world, notification_rows
from tests.measures_factories import SEIZE, D, enforcing_case

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

QUEUE_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + "/12"  # ours alone (the shared suite uses 15, reminders 11)
BASE_URL = "https://thads.example.vn"


class Mailbox:
    """An aiosmtpd handler keeping every message it accepted."""

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        await asyncio.sleep(0)
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox(monkeypatch):
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
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
def app_with_worker(pg_url: str, smtp_url: str):
    """An app on PostgreSQL and Redis db 12 with a dramatiq worker thread; its context pushed."""
    import dramatiq

    from thads import create_app, tasks
    from thads.extensions import db

    app = create_app({
        "TESTING": True, "DATABASE_URL": pg_url, "SECRET_KEY": "test-secret", "EMBEDDED_WORKER": False,
        "BROKER_URL": QUEUE_REDIS_URL, "SMTP_URL": smtp_url, "BASE_URL": BASE_URL,
        "RATELIMIT_STORAGE_URI": "memory://", "REMINDER_MIN_BACKOFF_MS": 50, "REMINDER_MAX_BACKOFF_MS": 200,
    })
    with app.app_context():
        worker = dramatiq.Worker(tasks.broker_for(app), worker_timeout=100, worker_threads=2)
        worker.start()
        try:
            yield app, worker
        finally:
            worker.stop()
            db.session.remove()
            db.engine.dispose()


def at(day: str, clock: str = "08:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+07:00")


# (sweep day, the deadline it reminds of with its due date, then the step that meets it)
RUN = [
    ("2026-05-22", ("valuation", "26/05/2026"), ("valuation_contract", {"appraiser": "Công ty Thẩm định giá A"})),
    ("2026-06-08", None, ("valuation_result", {"price": "2.000.000.000"})),
    ("2026-06-16", ("auction_contract", "18/06/2026"), ("auction_contract", {"auction_house": "Trung tâm DVĐGTS"})),
    ("2026-07-29", ("auction", "31/07/2026"), ("auction_failed", {"reason": "Không có người trả giá"})),
    ("2026-08-06", ("price_reduction", "10/08/2026"), ("reduce_price", {"new_price": "1.800.000.000"})),
    ("2026-09-17", ("reauction", "21/09/2026"), ("sold", {"price": "1.850.000.000", "buyer": "Công ty Minh Long"})),
    ("2026-09-18", None, ("proceeds", {"amount": "150.000.000", "receipt_number": "BL-0091"})),
]
LABELS = {"valuation": "Ký hợp đồng thẩm định giá", "auction_contract": "Ký hợp đồng bán đấu giá",
          "auction": "Tổ chức bán đấu giá", "price_reduction": "Quyết định giảm giá tài sản",
          "reauction": "Bán đấu giá lại sau khi giảm giá", "payout": "Chi trả tiền thi hành án"}


def test_a_house_goes_from_seizure_to_payout_and_each_steps_deadline_is_reminded_once(pg, mailbox):
    from thads import tasks
    from thads.extensions import db
    from thads.measures import services as measures
    from thads.models import Case, Deadline
    from thads.services import lifecycle, reminders
    from thads.services.audit import verify_chain

    with app_with_worker(pg, mailbox.url) as (app, worker):
        def sweep_and_drain(day: str, clock: str = "08:00"):
            result = reminders.sweep(at(day, clock))
            tasks.broker_for(app).join(tasks.QUEUE, timeout=60_000)
            worker.join()
            return result

        w = build_world()
        case = enforcing_case(w)
        m = measures.start_measure(w.officer_a, case.id, "seize_sell", on=SEIZE[0], inputs=dict(SEIZE[1]),
                                   today=D(SEIZE[0]))
        db.session.commit()
        reminded: dict[str, int] = {}
        for day, remind, (trigger, inputs) in RUN:
            if remind:
                kind, due = remind
                row = db.session.scalars(db.select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == kind,
                                                                   Deadline.status == "open")).one()
                assert row.due_on.strftime("%d/%m/%Y") == due and row.measure_id == m.id
                assert sweep_and_drain(day).created == 2  # in-app and email, to the officer
                assert sweep_and_drain(day, "09:00").created == 0  # once
                reminded[kind] = row.id
            measures.record_step(w.officer_a, case.id, m.id, trigger, on=day, inputs=dict(inputs), today=D(day))
            db.session.commit()

        # The proceeds opened the 10-day payout (24/09 is 2 working days before 28/09): reminded,
        # then paid out by the accountant; the head confirms the result and the case is completed.
        payout = db.session.scalars(db.select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == "payout",
                                                              Deadline.status == "open")).one()
        assert payout.due_on == D("2026-09-28")
        assert sweep_and_drain("2026-09-24").created == 2
        reminded["payout"] = payout.id
        lifecycle.record_payment(w.accountant_a, case.id, amount=150_000_000, kind="payout", on="2026-09-24",
                                 today=D("2026-09-24"))
        lifecycle.apply_transition(w.head_a, case.id, "complete", on="2026-09-25", today=D("2026-09-25"))
        db.session.commit()
        sweep_and_drain("2026-09-28")  # nothing is open any more: nothing new
        db.session.expire_all()
        assert db.session.get(Case, case.id).state == "completed"

        rows = [n for n in notification_rows() if n.cancel_reason != "collapsed"]
        assert sorted((n.deadline_id, n.step, n.user.username, n.channel, n.status) for n in rows) == sorted(
            (did, "upcoming", "officer_a", channel, "sent") for did in reminded.values() for channel in ("email", "inapp"))
        by_deadline = {n.deadline_id: n for n in rows if n.channel == "email"}
        for kind, did in reminded.items():
            due = db.session.get(Deadline, did).due_on.strftime("%d/%m/%Y")
            assert by_deadline[did].subject == f"[THADS] Sắp đến hạn: {LABELS[kind]} - việc số 1/2026, hạn {due}"
        received = Counter(msg["X-THADS-Notification"] for msg in mailbox.messages)
        assert received == Counter({str(n.id): 1 for n in rows if n.channel == "email"})
        assert {db.session.get(Deadline, did).status for did in reminded.values()} == {"met"}
        assert verify_chain() == []
