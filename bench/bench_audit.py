"""Seconds and memory of ``flask audit verify`` over ~1,000,000 events on PostgreSQL.

Builds a dedicated database (``thads_bench_audit``, dropped and re-created): ~150,000 cases with
valid hash chains (computed in Python, signed under a bench key), their heads on the case rows
and open deadlines, bulk-loaded with COPY. Then, in a fresh process so that its peak RSS is the
check's own: the full verify (events/s, peak RSS), an anchor (every head that moved), a second one
(nothing moved: the "changed since" query alone) and verify again with anchors.

    .venv/bin/python -m bench.bench_audit                    # 150,000 cases, ~1,000,000 events
    .venv/bin/python -m bench.bench_audit --cases 20000      # smaller
    .venv/bin/python -m bench.bench_audit --reuse            # time again on the existing database
    .venv/bin/python -m bench.bench_audit --sqlite /tmp/audit.sqlite3   # the embedded database

``chained_cases`` is also what ``tests/integration/test_audit.py`` uses to generate data for its
bounded-memory test.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

PG = os.environ.get("THADS_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
BENCH_KEY = "bench-audit-key-0123456789abcdef0123456789abcdef"
CHUNK = 10_000  # cases per COPY round

CASE_COLUMNS = ("id", "unit_id", "stat_year", "number", "kind", "state", "workflow", "law", "officer_id",
                "received_on", "court", "judgment_number", "judgment_date", "interim", "priority",
                "last_event_on", "next_due_on", "amount_total", "collected", "paid_out", "reduced",
                "nonmoney_pending", "search_text", "version", "created_at", "updated_at", "chain_seq",
                "chain_hash", "chain_mac")
EVENT_COLUMNS = ("case_id", "seq", "actor_id", "created_at", "on", "kind", "trigger", "from_state", "to_state",
                 "officer_id", "unit_id", "amount_delta", "inputs", "legal_basis", "prev_hash", "hash", "mac")
DEADLINE_COLUMNS = ("case_id", "kind", "law", "basis_on", "due_on", "amount", "unit", "legal_basis", "status",
                    "created_at", "updated_at")
PAYMENTS = (("collection", 4), ("payout", 4), ("collection", 4), ("payout", 4), ("reduction", 10))


def chained_cases(n_cases: int, *, first_id: int, unit_id: int, officer_id: int,
                  key: bytes | None = None) -> Iterator[tuple[dict, list[dict], list[dict]]]:
    """``(case, events, deadlines)`` rows of ``n_cases`` cases whose events chain, whose heads and
    MACs (with ``key``) are right and whose columns are what a replay of the events gives: a
    registration, three transitions, 0–5 payments and now and then an act (~6.6 events a case)."""
    from thads.models.events import chain_hash, event_payload
    from thads.services.audit import GENESIS, head_message, mac

    received = date(2026, 5, 4)
    stamp = datetime(2026, 5, 4, 1, 2, 3, 456789, tzinfo=UTC)
    for n in range(n_cases):
        cid = first_id + n
        amount = 1_000_000 * (1 + cid % 500)
        steps = [("registered", None, None, "received", amount, {"amount_total": amount}),
                 ("transition", "decide", "received", "decided", 0, {"decision_number": f"{cid}/QĐ"}),
                 ("transition", "notify", "decided", "notified", 0, {}),
                 ("transition", "verify", "notified", "enforcing", 0, {"result": "enforceable"})]
        money = {"collected": 0, "paid_out": 0, "reduced": 0}
        for kind, share in PAYMENTS[:cid % 6]:
            value = amount // share
            money[{"collection": "collected", "payout": "paid_out", "reduction": "reduced"}[kind]] += value
            steps.append(("payment", kind, "enforcing", "enforcing", value, {"amount": value, "kind": kind}))
        if cid % 7 == 0:
            steps.append(("act", "case_file", "enforcing", "enforcing", 0, {"kind": "case_file"}))
        prev, events = GENESIS, []
        for seq, (kind, trigger, frm, to, delta, inputs) in enumerate(steps, start=1):
            ev = {"case_id": cid, "seq": seq, "actor_id": officer_id, "created_at": stamp + timedelta(seconds=seq),
                  "on": received + timedelta(days=seq), "kind": kind, "trigger": trigger, "from_state": frm,
                  "to_state": to, "officer_id": officer_id, "unit_id": unit_id, "amount_delta": delta,
                  "inputs": inputs, "legal_basis": None, "prev_hash": prev}
            ev["hash"] = prev = chain_hash(prev, event_payload(_Row(ev)))
            ev["mac"] = mac(key, prev) if key else None
            events.append(ev)
        last_on = events[-1]["on"]
        due = last_on + timedelta(days=30 + cid % 60)
        deadlines = [{"case_id": cid, "kind": "reverification", "law": "law_2008", "basis_on": last_on,
                      "due_on": due, "amount": 6, "unit": "m", "legal_basis": "Điều 44 Luật THADS 2008",
                      "status": "open", "created_at": stamp, "updated_at": stamp}]
        if cid % 3 == 0:  # the debtor's own period: open, earlier, and not the agency's next due date
            deadlines.append({**deadlines[0], "kind": "voluntary", "due_on": last_on + timedelta(days=10),
                              "amount": 10, "unit": "d", "legal_basis": "Điều 45 Luật THADS 2008"})
        case = {
            "id": cid, "unit_id": unit_id, "stat_year": 2026, "number": cid, "kind": "on_request",
            "state": "enforcing", "workflow": "law_2008", "law": "law_2008", "officer_id": officer_id,
            "received_on": received, "court": "Tòa án nhân dân tỉnh Thử Tải", "judgment_number": f"{cid}/2026/DS-ST",
            "judgment_date": date(2026, 3, 2), "interim": False, "priority": False, "last_event_on": last_on,
            "next_due_on": due, "amount_total": amount, **money, "nonmoney_pending": 0, "search_text": "",
            "version": 1, "created_at": stamp, "updated_at": stamp, "chain_seq": len(events), "chain_hash": prev,
            "chain_mac": mac(key, head_message(cid, len(events), prev)) if key else None,
        }
        yield case, events, deadlines


class _Row:
    """Attribute access to a dict, so the generator hashes through the models' own function."""

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)


def make_app(url: str, key: str | None):
    from thads import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "EMBEDDED_WORKER": False,
                       "BROKER_URL": "stub://", "SMTP_URL": "", "AUDIT_KEY": key or ""})


def build(url: str, n_cases: int, key: str | None) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if os.path.exists(path):
            os.remove(path)
    else:
        admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
        name = url.rsplit("/", 1)[1]
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    app = make_app(url, key)
    with app.app_context():
        upgrade()
        from thads.extensions import db
        from thads.services import accounts

        accounts.create_unit("B", "THADS tỉnh Thử Tải", "province")
        accounts.create_unit("B-1", "Phòng THADS khu vực 1", "regional", "B")
        officer = accounts.create_user("bench_officer", "bench-pass-1", "B-1", ["officer"], full_name="Chấp hành viên")
        db.session.commit()
        unit_id, officer_id = officer.unit_id, officer.id
        if url.startswith("sqlite:"):
            _insert_sqlite(db, chained_cases(n_cases, first_id=1, unit_id=unit_id, officer_id=officer_id,
                                             key=key.encode() if key else None), n_cases)
            db.engine.dispose()
            return
        started, events = time.perf_counter(), 0
        raw = db.engine.raw_connection()
        try:
            pg = raw.driver_connection
            rows = chained_cases(n_cases, first_id=1, unit_id=unit_id, officer_id=officer_id,
                                 key=key.encode() if key else None)
            done = 0
            while done < n_cases:
                chunk = [next(rows) for _ in range(min(CHUNK, n_cases - done))]
                with pg.cursor() as cur:
                    _copy(cur, "enforcement_case", CASE_COLUMNS, (c for c, _e, _d in chunk))
                    _copy(cur, "case_event", EVENT_COLUMNS, (e for _c, es, _d in chunk for e in es),
                          json_columns=("inputs",))
                    _copy(cur, "deadline", DEADLINE_COLUMNS, (d for _c, _e, ds in chunk for d in ds))
                pg.commit()
                done += len(chunk)
                events += sum(len(es) for _c, es, _d in chunk)
                if done % 50_000 == 0 or done == n_cases:
                    print(f"generated {done:,} cases, {events:,} events ({time.perf_counter() - started:.0f} s)",
                          flush=True)
            with pg.cursor() as cur:
                for table in ("enforcement_case", "case_event", "deadline"):
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            pg.commit()
        finally:
            raw.close()
        db.engine.dispose()
    maint = create_engine(url, isolation_level="AUTOCOMMIT")
    with maint.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    maint.dispose()


def _insert_sqlite(db, rows, n_cases: int) -> None:
    """The embedded database has no COPY: executemany in chunks, one transaction each."""
    from sqlalchemy import insert, text

    from thads.models import Case, CaseEvent, Deadline

    started, done, events = time.perf_counter(), 0, 0
    while done < n_cases:
        chunk = [next(rows) for _ in range(min(CHUNK, n_cases - done))]
        evs = [e for _c, es, _d in chunk for e in es]
        db.session.execute(insert(Case.__table__), [c for c, _e, _d in chunk])
        db.session.execute(insert(CaseEvent.__table__), evs)
        db.session.execute(insert(Deadline.__table__), [d for _c, _e, ds in chunk for d in ds])
        db.session.commit()
        done, events = done + len(chunk), events + len(evs)
        if done % 50_000 == 0 or done == n_cases:
            print(f"generated {done:,} cases, {events:,} events ({time.perf_counter() - started:.0f} s)", flush=True)
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _copy(cur, table: str, columns: tuple[str, ...], rows, json_columns: tuple[str, ...] = ()) -> None:
    quoted = ", ".join(f'"{c}"' for c in columns)
    js = [columns.index(c) for c in json_columns]
    with cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            values = [row[c] for c in columns]
            for i in js:
                values[i] = json.dumps(values[i], ensure_ascii=False)
            copy.write_row(values)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(url: str, key: str | None, batch: int) -> None:
    """The timed part, in its own process (``--measure``): its peak RSS is the check's."""
    app = make_app(url, key)
    with app.app_context():
        from thads.extensions import db
        from thads.services import audit
        from thads.services.audit_verify import verify

        problems: list[str] = []
        baseline = peak_rss_mb()
        started = time.perf_counter()
        result = verify(batch_size=batch, report=lambda f: problems.append(f.line()) if len(problems) < 5 else None)
        secs = time.perf_counter() - started
        db.session.rollback()
        print(f"verify: {result.events:,} events of {result.cases:,} cases in {secs:.1f} s = "
              f"{result.events / secs:,.0f} events/s; peak RSS {peak_rss_mb():.0f} MB "
              f"(process before verify {baseline:.0f} MB); {result.summary()}", flush=True)
        for line in problems:
            print("  " + line)
        for _ in range(2):  # the first anchors every head that moved, the second finds none
            started = time.perf_counter()
            row = audit.anchor()
            db.session.commit()
            print(f"anchor {row.id}: {time.perf_counter() - started:.1f} s, {row.heads_count:,} heads", flush=True)
        started = time.perf_counter()
        result = verify(batch_size=batch)
        secs = time.perf_counter() - started
        db.session.rollback()
        print(f"verify with anchors: {secs:.1f} s = {result.events / secs:,.0f} events/s; "
              f"peak RSS {peak_rss_mb():.0f} MB; {result.summary()}", flush=True)
        db.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="thads_bench_audit")
    ap.add_argument("--sqlite", metavar="PATH", help="an SQLite file instead of PostgreSQL (re-created)")
    ap.add_argument("--cases", type=int, default=150_000)
    ap.add_argument("--batch", type=int, default=1000, help="cases per verify batch")
    ap.add_argument("--no-key", action="store_true", help="no AUDIT_KEY: plain hashes only")
    ap.add_argument("--reuse", action="store_true", help="time again on the database of a previous run")
    ap.add_argument("--step", choices=("build", "measure"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    url = f"sqlite:///{os.path.abspath(args.sqlite)}" if args.sqlite else f"{PG}/{args.db}"
    key = None if args.no_key else BENCH_KEY
    if args.step == "build":
        build(url, args.cases, key)
        return
    if args.step == "measure":
        measure(url, key, args.batch)
        return
    # Each step in a fresh process started from this small one: ru_maxrss survives fork and exec,
    # so measuring in the process (or a child of the process) that generated the data would
    # report the generator's peak, not the check's.
    cmd = [sys.executable, "-m", "bench.bench_audit", "--db", args.db, "--cases", str(args.cases),
           "--batch", str(args.batch)] + (["--no-key"] if args.no_key else []) \
        + (["--sqlite", args.sqlite] if args.sqlite else [])
    if not args.reuse:
        subprocess.run(cmd + ["--step", "build"], check=True)
    subprocess.run(cmd + ["--step", "measure"], check=True)


if __name__ == "__main__":
    main()
