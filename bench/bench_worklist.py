"""Worklist and supervisor board on PostgreSQL at scale, and the worklist page under load.

1. Builds a dedicated database (default ``thads_bench_worklist``) with the migrations and the
   bulk generator (``flask bench-data``): 200,000 cases by default.
2. Times the read models a user waits for, many runs each, and prints p50/p95: the worklist
   (first page and a later keyset page, counts included), the search, the board of a regional
   office and of the province, and the board's overdue list.
3. Serves the app with gunicorn (2 workers) and drives ``GET /worklist`` as signed-in officers
   from a small thread pool (http.client, keep-alive): requests/s, p50 and p95.

Run alone: ``.venv/bin/python -m bench.bench_worklist --cases 200000``; ``--reuse`` keeps an
existing database of the right size.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("THADS_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def fmt(name: str, ms: list[float]) -> str:
    return (f"{name:<38} runs={len(ms):<5} p50={statistics.median(ms):7.2f} ms  "
            f"p95={pct(ms, 95):7.2f} ms  max={max(ms):7.2f} ms")


def prepare(args, url: str):
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, func, select, text

    from thads import create_app

    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": args.db}).first()
        if exists and not args.reuse:
            conn.execute(text(f'DROP DATABASE "{args.db}" WITH (FORCE)'))
            exists = None
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{args.db}"'))
    admin.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "EMBEDDED_WORKER": False, "BROKER_URL": "stub://",
                      "SMTP_URL": ""})
    with app.app_context():
        upgrade()
        from thads.extensions import db
        from thads.models import Case
        from thads.worklist.benchdata import generate

        have = db.session.scalar(select(func.count()).select_from(Case))
        if have < args.cases:
            print(f"generating {args.cases} cases …", flush=True)
            summary = generate(args.cases, units=args.units, officers_per_unit=args.officers, seed=args.seed,
                               prefix="B", echo=lambda m: print(m, flush=True))
            db.session.commit()
            print(f"generated: {summary}", flush=True)
        else:
            print(f"reusing {have} cases", flush=True)
        db.session.commit()
        db.engine.dispose()
    # The steady state autovacuum reaches: statistics and a visibility map (index-only scans).
    maint = create_engine(url, isolation_level="AUTOCOMMIT")
    with maint.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    maint.dispose()
    return app


def time_queries(app, args) -> list[str]:
    from sqlalchemy import select

    from thads.extensions import db
    from thads.models import Unit, User, UserRole
    from thads.services import supervision, worklist

    lines = []
    rng = random.Random(7)
    with app.app_context():
        officers = list(db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                           .where(UserRole.role == "officer", User.username.like("b\\_o%"))))
        heads = list(db.session.scalars(select(User).where(User.username.like("b\\_head%"))))
        province_head = next(u for u in heads if u.username == "b_head")
        office_heads = [u for u in heads if u.username != "b_head"]

        def run(name, fn, runs):
            fn()  # warm the caches and the calendar once
            ms = []
            for _ in range(runs):
                t0 = time.perf_counter()
                fn()
                ms.append((time.perf_counter() - t0) * 1000)
                db.session.rollback()
            lines.append(fmt(name, ms))
            print(lines[-1], flush=True)

        n = args.runs
        run("worklist first page (50 + counts)", lambda: worklist.worklist(rng.choice(officers)), n)

        def second_page():
            u = rng.choice(officers)
            first = worklist.worklist(u)
            if first.next_cursor:
                t0 = time.perf_counter()
                worklist.worklist(u, cursor=first.next_cursor)
                return (time.perf_counter() - t0) * 1000
            return None

        ms = [m for m in (second_page() for _ in range(n)) if m is not None]
        if ms:
            lines.append(fmt("worklist later page (keyset)", ms))
            print(lines[-1], flush=True)
        run("worklist filtered by kind", lambda: worklist.worklist(rng.choice(officers), kind="verification"), n)
        run("search 'nguyen van' (scope: office)", lambda: worklist.search(rng.choice(officers), "nguyen van"), n)
        run("search id number prefix (province)", lambda: worklist.search(province_head, f"0{rng.randint(10, 99)}"), n)
        run("board, regional office", lambda: supervision.board(rng.choice(office_heads)), n)
        run("board overdue list (50), office",
            lambda: supervision.deadline_list(rng.choice(office_heads), which="overdue"), n)
        run("board, province (all offices)", lambda: supervision.board(province_head), max(20, n // 5))
        cases = db.session.query(Unit).count()
        lines.append(f"units={cases} officers={len(officers)}")
    return lines


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(port: int, username: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookie = resp.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    body = f"csrf_token={token}&username={username}&password={password}"
    conn.request("POST", "/login", body=body, headers={"Cookie": cookie,
                                                       "Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 302, f"sign-in failed for {username}: {resp.status}"
    cookie = resp.getheader("Set-Cookie").split(";")[0]
    conn.close()
    return cookie


def load_test(url: str, args) -> list[str]:
    from thads.worklist.benchdata import BENCH_PASSWORD

    port = free_port()
    env = {**os.environ, "THADS_DATABASE_URL": url, "THADS_SECRET_KEY": "bench-secret",
           "THADS_EMBEDDED_WORKER": "false", "THADS_BROKER_URL": "stub://", "THADS_SMTP_URL": "",
           "THADS_LOGIN_MAX_FAILURES": "1000"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                             "wsgi:app"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        users = [f"b_o{u}_{k}" for u in range(1, args.units + 1) for k in range(1, args.officers + 1)]
        cookies = [sign_in(port, u, BENCH_PASSWORD) for u in users[: max(args.concurrency * 2, 8)]]
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop = time.monotonic() + args.duration

        def worker(i: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            cookie = cookies[i % len(cookies)]
            mine = []
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                conn.request("GET", "/worklist", headers={"Cookie": cookie})
                resp = conn.getresponse()
                resp.read()
                mine.append((time.perf_counter() - t0) * 1000)
                if resp.status != 200:
                    with lock:
                        errors[0] += 1
            conn.close()
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        line = (f"GET /worklist, gunicorn 2 workers, {args.concurrency} clients, {elapsed:.0f} s: "
                f"{len(latencies) / elapsed:.1f} req/s  p50={statistics.median(latencies):.1f} ms  "
                f"p95={pct(latencies, 95):.1f} ms  errors={errors[0]}")
        print(line, flush=True)
        return [line]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--officers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--db", default="thads_bench_worklist")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database with enough cases")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    url = f"{PG}/{args.db}"
    app = prepare(args, url)
    print(f"bench_worklist: {args.cases} cases, PostgreSQL database {args.db}", flush=True)
    time_queries(app, args)
    load_test(url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
