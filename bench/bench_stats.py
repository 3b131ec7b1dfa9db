"""Seconds per statistics report on PostgreSQL: one province (~10,000 cases), then the nation.

Cases and their event histories are generated in bulk with ``INSERT … SELECT generate_series``
into a dedicated database (``thads_bench_stats``, dropped and re-created by this script), then
``thads.services.stats.build_report`` and a drill-down page are timed.

    .venv/bin/python -m bench.bench_stats                       # 10,000 + 1,000,000 cases
    .venv/bin/python -m bench.bench_stats --nation-cases 200000 # a smaller nation
"""
from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import create_engine, text

EVENT_STEPS = [
    # (seq, condition on h = pseudo-random 0..99, days after receipt, kind, trigger, to_state, amount SQL, inputs)
    (2, "h >= 2", 3, "transition", "decide", "'decided'", "0", "{}"),
    (3, "h >= 4", 6, "transition", "notify", "'notified'", "0", "{}"),
    (4, "h >= 4", 30, "transition", "verify",
     "CASE WHEN h < 30 THEN 'not_enforceable' ELSE 'enforcing' END", "0", "{}"),
    (5, "h >= 30 AND h < 95", 60, "payment", "collection", "'enforcing'",
     "CASE WHEN h < 75 THEN c.amount_total ELSE c.amount_total / 3 END", "{}"),
    (5, "h >= 95", 45, "transition", "postpone", "'postponed'", "0",
     '{"ground": "Các đương sự thỏa thuận hoãn thi hành án"}'),
    (5, "h >= 4 AND h < 30", 200, "transition", "verify", "'not_enforceable'", "0", "{}"),
    (6, "h >= 30 AND h < 70", 75, "transition", "complete", "'completed'", "0", "{}"),
    (6, "h >= 70 AND h < 75", 80, "transition", "terminate", "'terminated'", "0", "{}"),
    (6, "h >= 75 AND h < 80", 90, "transition", "suspend", "'suspended'", "0", '{"ground": "Tòa án đề nghị"}'),
]


def _admin_url(base: str) -> str:
    return f"{base}/postgres"


def create_database(base: str, name: str) -> str:
    engine = create_engine(_admin_url(base), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{base}/{name}"


def make_app(url: str):
    from thads import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "EMBEDDED_WORKER": False,
                       "BROKER_URL": "stub://", "SMTP_URL": "", "TESTING": True})


def create_units(conn, provinces: int, offices: int) -> None:
    root = conn.execute(text("INSERT INTO unit (code, name, kind, path) VALUES ('CUC', 'Cục Quản lý THADS', "
                             "'central', '') RETURNING id")).scalar_one()
    conn.execute(text("UPDATE unit SET path = '/' || id || '/' WHERE id = :id"), {"id": root})
    for p in range(1, provinces + 1):
        pid = conn.execute(text("INSERT INTO unit (code, name, kind, parent_id, path) VALUES (:c, :n, 'province', :r, '') "
                                "RETURNING id"), {"c": f"T{p:02d}", "n": f"THADS tỉnh {p:02d}", "r": root}).scalar_one()
        conn.execute(text("UPDATE unit SET path = :pp || id || '/' WHERE id = :id"), {"pp": f"/{root}/", "id": pid})
        for k in range(1, offices + 1):
            conn.execute(text(
                "INSERT INTO unit (code, name, kind, parent_id, path) "
                "SELECT :c, :n, 'regional', :p, '' RETURNING id"), {"c": f"T{p:02d}-K{k:02d}",
                                                                  "n": f"Phòng THADS khu vực {k:02d} tỉnh {p:02d}", "p": pid})
        conn.execute(text("UPDATE unit SET path = :pp || id || '/' WHERE parent_id = :p"),
                     {"pp": f"/{root}/{pid}/", "p": pid})


def generate_cases(conn, lo: int, hi: int, unit_where: str) -> None:
    """Cases numbered lo..hi spread over the units matching ``unit_where``, with their events."""
    conn.execute(text(f"""
        INSERT INTO enforcement_case (unit_id, stat_year, number, kind, state, workflow, law, received_on, court,
            judgment_number, judgment_date, interim, priority, last_event_on, amount_total, collected, paid_out,
            reduced, nonmoney_pending, search_text, version, created_at, updated_at)
        SELECT u.ids[1 + (g % u.n)], 2026, g::int, CASE WHEN g % 3 = 0 THEN 'ex_officio' ELSE 'on_request' END,
            'received', 'thads-2008', 'law_2008', d, 'TAND', 'BA' || g, d - 40, false, false, d,
            (1 + (g * 7907) % 500)::bigint * 1000000, 0, 0, 0, 0, '', 1, now(), now()
        FROM generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint)) g
        CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM unit WHERE {unit_where}) u
        CROSS JOIN LATERAL (SELECT date '2023-10-01' + ((g * 31) % 1096)::int AS d) x
    """), {"lo": lo, "hi": hi})
    base = ("FROM (SELECT c.*, (c.id::bigint * 7919) % 100 AS h FROM enforcement_case c "
            "WHERE c.number BETWEEN :lo AND :hi) c")
    conn.execute(text(f"""
        INSERT INTO case_event (case_id, seq, created_at, "on", kind, to_state, unit_id, amount_delta, inputs,
                                prev_hash, hash)
        SELECT c.id, 1, now(), c.received_on, 'registered', 'received', c.unit_id, c.amount_total, '{{}}', 'x', 'x'
        {base}
    """), {"lo": lo, "hi": hi})
    for seq, cond, days, kind, trigger, to_state, amount, inputs in EVENT_STEPS:
        conn.execute(text(f"""
            INSERT INTO case_event (case_id, seq, created_at, "on", kind, trigger, to_state, unit_id, amount_delta,
                                    inputs, prev_hash, hash)
            SELECT c.id, {seq}, now(), c.received_on + {days}, '{kind}', '{trigger}', {to_state}, c.unit_id,
                   {amount}, CAST(:inputs AS json), 'x', 'x'
            {base} WHERE {cond}
        """), {"lo": lo, "hi": hi, "inputs": inputs})


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def report_figures(app, code: str, repeat: int, label: str) -> None:
    from thads.extensions import db
    from thads.services import stats
    from thads.services.accounts import unit_by_code

    with app.app_context():
        unit = unit_by_code(code)
        for months in (6, 12):
            period = stats.Period(2026, months)
            secs, report = timed(lambda p=period: stats.build_report(unit, p), repeat)
            t = report.total
            print(f"{label}: report {code} {months} months: {secs:.2f} s (median of {repeat}); "
                  f"{len(report.rows)} rows, {t.figures.cases['total']:,} cases handled, "
                  f"rate {t.rate_cases} % cases / {t.rate_money} % money", flush=True)
        secs, rows = timed(lambda: stats.drill_down(unit, stats.Period(2026, 12), "completed", limit=200), repeat)
        print(f"{label}: drill-down {code} 'completed', first page of {len(rows)}: {secs:.2f} s", flush=True)
        db.session.remove()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432", help="server URL, no database")
    ap.add_argument("--db", default="thads_bench_stats")
    ap.add_argument("--province-cases", type=int, default=10_000)
    ap.add_argument("--nation-cases", type=int, default=1_000_000, help="0 skips the national part")
    ap.add_argument("--provinces", type=int, default=34)
    ap.add_argument("--offices", type=int, default=10, help="regional offices per province")
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--reuse", action="store_true", help="time the reports on the data generated by a previous run")
    args = ap.parse_args(argv)

    if args.reuse:
        app = make_app(f"{args.pg}/{args.db}")
        report_figures(app, "T01", args.repeat, "province in a national database")
        report_figures(app, "CUC", args.repeat, "nation")
        return

    from flask_migrate import upgrade

    url = create_database(args.pg, args.db)
    app = make_app(url)
    with app.app_context():
        upgrade()
        from thads.extensions import db

        db.engine.dispose()
    engine = create_engine(url)

    started = time.perf_counter()
    with engine.begin() as conn:
        create_units(conn, args.provinces, args.offices)
        generate_cases(conn, 1, args.province_cases, "code LIKE 'T01%'")
        conn.execute(text("ANALYZE"))
    print(f"province: generated {args.province_cases:,} cases in {time.perf_counter() - started:.1f} s", flush=True)
    report_figures(app, "T01", args.repeat, "province")

    if args.nation_cases > args.province_cases:
        started = time.perf_counter()
        lo = args.province_cases + 1
        while lo <= args.nation_cases:
            hi = min(lo + args.batch - 1, args.nation_cases)
            with engine.begin() as conn:
                generate_cases(conn, lo, hi, "kind = 'regional' AND code NOT LIKE 'T01%'")
            lo = hi + 1
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            events = conn.execute(text("SELECT count(*) FROM case_event")).scalar_one()
        print(f"nation: generated {args.nation_cases:,} cases ({events:,} events) in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        report_figures(app, "T01", args.repeat, "province in a national database")
        report_figures(app, "CUC", args.repeat, "nation")
    engine.dispose()


if __name__ == "__main__":
    main()
