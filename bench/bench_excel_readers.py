"""Reading a 10,000-row register: openpyxl (read-only) against python-calamine.

The measure that chose python-calamine for ``thads.intake.reader`` (docs/intake.md). Prints the
best of three runs of each on the same .xlsx generated in memory.

    .venv/bin/python -m bench.bench_excel_readers [--rows 10000]
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args(argv)
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from tests.intake_data import generate, workbook

    rows, _ = generate(args.rows, ["officer_a"], date(2026, 11, 26), seed=1)
    data = workbook(rows)
    print(f"{args.rows} rows, {len(data) / 1024:.0f} KiB", flush=True)

    def openpyxl_read():
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        out = list(wb.active.iter_rows(values_only=True))
        wb.close()
        return out

    def calamine_read():
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()

    for name, fn in (("openpyxl 3.1 read-only", openpyxl_read), ("python-calamine", calamine_read)):
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            n = len(fn())
            best = min(best, time.perf_counter() - started)
        print(f"{name:<24} {best:6.2f} s  ({n} rows with the heading)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
