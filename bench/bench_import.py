"""Importing a 10,000-row register into PostgreSQL: the dry run's and the import's time and rate.

A dedicated database (``thads_bench_import``, dropped and re-created) gets the migrations, a
province with one office and its officers; a generated register (every state, consistent dates,
no errors) is written as .xlsx and imported with the real command, ``flask import cases``, in a
subprocess (its progress bar with the rate is shown as it goes). Then the same file again (every
row skipped) and ``flask audit verify``.

    .venv/bin/python -m bench.bench_import                 # 10,000 rows
    .venv/bin/python -m bench.bench_import --rows 2000     # quicker
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.bench_stats import create_database, make_app

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 26)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432", help="server URL, no database")
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=100)
    args = ap.parse_args(argv)

    url = create_database(args.pg, "thads_bench_import")
    app = make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        from tests.factories import build_world
        from tests.intake_data import generate, workbook

        build_world()
        rows, _ = generate(args.rows, ["officer_a", "officer_a2"], TODAY, seed=10_000)
        data = workbook(rows)
        from thads.extensions import db

        db.session.remove()
        db.engine.dispose()
    path = Path(tempfile.mkdtemp()) / "so-thu-ly-10000.xlsx"
    path.write_bytes(data)
    env = dict(os.environ, THADS_DATABASE_URL=url, THADS_SECRET_KEY="bench", THADS_BROKER_URL="stub://",
               THADS_EMBEDDED_WORKER="false", THADS_INSTANCE_PATH=str(path.parent))
    base = [sys.executable, "-m", "flask", "--app", "wsgi"]
    common = ["import", "cases", str(path), "--unit", "P-A", "--today", TODAY.isoformat()]

    def run(cmd: list[str], label: str) -> float:
        started = time.perf_counter()
        done = subprocess.run(base + cmd, cwd=ROOT, env=env)
        took = time.perf_counter() - started
        print(f"{label}: {took:.1f} s, {args.rows / took:.0f} rows/s (exit {done.returncode})", flush=True)
        return took

    print(f"register: {args.rows} rows, {len(data) / 1024:.0f} KiB (.xlsx)", flush=True)
    run(common + ["--dry-run", "--report", str(path.with_suffix(".report.xlsx"))], "dry run (read, check, plan every history, write the report)")
    took = run(common + ["--batch", str(args.batch)], "import (every history replayed through the services)")
    run(common, "same file again (every row skipped)")
    run(["audit", "verify"], "audit verify after the import")
    print(f"RESULT import {args.rows} rows on PostgreSQL: {took:.1f} s = {args.rows / took:.1f} rows/s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
