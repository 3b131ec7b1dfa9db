"""Reminders at scale: the sweep on PostgreSQL and delivery through Redis with real dramatiq workers.

1. Builds a dedicated database (default ``thads_bench_reminders``): migrations, one office with
   an officer and a head, then ``--deadlines`` cases each with one open deadline due on the
   sweep's day, generated in bulk with ``INSERT … SELECT generate_series``.
2. Times one sweep (``enqueue=False``: row creation only): seconds and rows/s. Every deadline
   yields a live ``due`` row and a collapsed ``upcoming`` row (in-app only, no SMTP).
3. For 1 and 2 worker processes (``dramatiq thads.tasks.actors -p N -t 8``), times in-app
   delivery of ``--deliver`` notifications (enqueue → every message processed, i.e. the queue
   joined) and, on the same broker and workers, ``--noop`` messages of the no-op ``ping`` actor.
   The ratio of the two is our overhead per message (a locked row, the channel, a commit).

Run alone: ``.venv/bin/python -m bench.bench_reminders --deadlines 100000 --deliver 5000``.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("THADS_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
SWEEP_AT = "2026-05-08T08:00+07:00"  # a Friday; the deadlines are due that day


def make_database(url_base: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{url_base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"{url_base}/{name}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def seed(n: int) -> None:
    """One office, its officer and head, and ``n`` cases with one deadline each due on 08/05/2026."""
    from sqlalchemy import text

    from thads.extensions import db
    from thads.services import accounts

    accounts.create_unit("B", "THADS tỉnh Thử Tải", "province")
    accounts.create_unit("B-1", "Phòng THADS khu vực 1", "regional", "B")
    officer = accounts.create_user("bench_officer", "bench-pass-1", "B-1", ["officer"], full_name="Chấp hành viên")
    accounts.create_user("bench_head", "bench-pass-1", "B-1", ["head", "supervisor"], full_name="Thủ trưởng")
    db.session.commit()
    unit_id = officer.unit_id
    db.session.execute(text("""
        INSERT INTO enforcement_case (unit_id, stat_year, number, kind, state, workflow, law, officer_id,
            received_on, court, judgment_number, judgment_date, interim, priority, last_event_on,
            amount_total, collected, paid_out, reduced, nonmoney_pending, search_text, version,
            created_at, updated_at)
        SELECT :unit, 2026, g, 'on_request', 'decided', 'law_2008', 'law_2008', :officer,
            DATE '2026-05-04', 'Tòa án nhân dân tỉnh Thử Tải', g || '/2026/DS-ST', DATE '2026-03-02',
            false, false, DATE '2026-05-05', 1000000, 0, 0, 0, 0, '', 1, now(), now()
        FROM generate_series(1, :n) AS g
    """), {"unit": unit_id, "officer": officer.id, "n": n})
    db.session.execute(text("""
        INSERT INTO deadline (case_id, kind, law, basis_on, due_on, amount, unit, legal_basis, status,
            created_at, updated_at)
        SELECT id, 'notification', 'law_2008', DATE '2026-05-05', DATE '2026-05-08', 3, 'wd',
            'Điều 39 Luật THADS 2008', 'open', now(), now()
        FROM enforcement_case
    """))
    db.session.commit()
    db.session.execute(text("ANALYZE"))


def start_workers(db_url: str, redis_url: str, processes: int, threads: int, log) -> subprocess.Popen:
    env = {**os.environ, "THADS_DATABASE_URL": db_url, "THADS_BROKER_URL": redis_url,
           "THADS_SMTP_URL": "", "THADS_SECRET_KEY": "bench", "THADS_EMBEDDED_WORKER": "false",
           "THADS_INSTANCE_PATH": tempfile.mkdtemp(prefix="thads-bench-")}
    dramatiq_bin = os.path.join(os.path.dirname(sys.executable), "dramatiq")
    return subprocess.Popen([dramatiq_bin, "thads.tasks.actors", "-p", str(processes), "-t", str(threads)],
                            cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)


def stop_workers(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_reminders", description=__doc__.split("\n")[0])
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=5_000, help="notifications delivered per worker run")
    parser.add_argument("--noop", type=int, default=20_000, help="no-op messages per worker run")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database", default="thads_bench_reminders")
    parser.add_argument("--redis", default=os.environ.get("THADS_BENCH_REDIS", "redis://127.0.0.1:6379/12"))
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])

    import redis
    from flask_migrate import upgrade
    from sqlalchemy import func, select, update

    from thads import create_app, tasks
    from thads.extensions import db
    from thads.models import Notification
    from thads.models.base import utcnow
    from thads.services import reminders

    db_url = make_database(PG, args.database)
    redis.Redis.from_url(args.redis).flushdb()
    app = create_app({"DATABASE_URL": db_url, "BROKER_URL": args.redis, "EMBEDDED_WORKER": False,
                      "SMTP_URL": "", "SECRET_KEY": "bench"})
    from thads.tasks.actors import ping  # after create_app: the actors bind to its broker

    with app.app_context():
        upgrade()
        t0 = time.perf_counter()
        seed(args.deadlines)
        print(f"seed: {args.deadlines:,} cases and deadlines in {time.perf_counter() - t0:.1f} s", flush=True)

        now = datetime.fromisoformat(SWEEP_AT)
        t0 = time.perf_counter()
        result = reminders.sweep(now, enqueue=False)
        took = time.perf_counter() - t0
        rows = result.created + result.collapsed
        print(f"sweep: {args.deadlines:,} due deadlines -> {result.created:,} live + {result.collapsed:,} "
              f"collapsed rows in {took:.2f} s = {rows / took:,.0f} rows/s, {args.deadlines / took:,.0f} deadlines/s",
              flush=True)
        t0 = time.perf_counter()
        again = reminders.sweep(now, enqueue=False)
        print(f"second sweep (nothing new, created={again.created}): {time.perf_counter() - t0:.2f} s", flush=True)

        broker = tasks.broker_for(app)
        pending = list(db.session.scalars(select(Notification.id).where(Notification.status == "pending")
                                          .order_by(Notification.id)))
        log = open(Path(tempfile.gettempdir()) / "thads-bench-reminders-workers.log", "ab")
        offset = 0
        for processes in (1, 2):
            proc = start_workers(db_url, args.redis, processes, args.threads, log)
            try:
                for _ in range(processes * args.threads * 2):  # warm up every process and thread
                    ping.send()
                broker.join(tasks.QUEUE, timeout=120_000)

                ids = pending[offset:offset + args.deliver]
                offset += len(ids)
                t0 = time.perf_counter()
                for nid in ids:
                    tasks.send_delivery(nid)
                enq = time.perf_counter() - t0
                broker.join(tasks.QUEUE, timeout=600_000)
                took = time.perf_counter() - t0
                db.session.execute(update(Notification).where(Notification.id.in_(ids))
                                   .values(enqueued_at=utcnow()))
                db.session.commit()
                sent = db.session.scalar(select(func.count()).select_from(Notification).where(
                    Notification.id.in_(ids), Notification.status == "sent"))
                assert sent == len(ids), f"only {sent} of {len(ids)} sent"
                deliver_rate = len(ids) / took

                t0 = time.perf_counter()
                for _ in range(args.noop):
                    ping.send()
                noop_enq = time.perf_counter() - t0
                broker.join(tasks.QUEUE, timeout=600_000)
                noop_rate = args.noop / (time.perf_counter() - t0)
                print(f"workers {processes} x {args.threads} threads: in-app delivery {deliver_rate:,.0f}/s "
                      f"({len(ids):,} in {took:.1f} s; enqueue {len(ids) / enq:,.0f} msg/s) | "
                      f"no-op actor {noop_rate:,.0f}/s (enqueue {args.noop / noop_enq:,.0f} msg/s) | "
                      f"ratio no-op/delivery {noop_rate / deliver_rate:.1f}x", flush=True)
            finally:
                stop_workers(proc)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
