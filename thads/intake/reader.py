"""Reading a register file: Excel (.xlsx/.xls/.ods) with python-calamine, CSV with the stdlib.

python-calamine (a binding of the Rust ``calamine`` reader) was chosen after measuring it against
openpyxl in read-only mode on a 10,000-row register (``bench/bench_excel_readers.py``): about
0.4–0.8 s against 5–7 s on this machine, with dates already typed. It only reads; exports are
written with openpyxl, which the reports already use.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv", ".txt")


class FileProblem(ValueError):
    """The file cannot be read; ``str(exc)`` is the Vietnamese message."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # cell values: str, int, float, date, datetime, bool or None
    first_row: int  # the spreadsheet row number of rows[0] (for messages)


def file_format(name: str) -> str:
    lower = (name or "").lower()
    if lower.endswith(EXCEL_SUFFIXES):
        return "excel"
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    raise FileProblem("Chỉ nhận tệp Excel (.xlsx, .xls, .ods) hoặc CSV (.csv).")


def read_table(content: bytes, name: str, *, sheet: str | None = None, header_row: int = 1) -> Table:
    """The headings (row ``header_row``) and the rows below them; blank rows are dropped."""
    fmt = file_format(name)
    raw = _read_excel(content, sheet) if fmt == "excel" else _read_csv(content)
    if len(raw) < header_row:
        raise FileProblem("Tệp không có dòng tiêu đề.")
    headers = ["" if h is None else str(h).strip() for h in raw[header_row - 1]]
    width = len(headers)
    rows = []
    for r in raw[header_row:]:
        r = list(r)[:width] + [None] * (width - len(r))
        rows.append(r)
    # Keep row numbers true to the sheet: trailing blank rows go, inner ones stay (reported empty).
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    return Table(headers, rows, header_row + 1)


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _read_excel(content: bytes, sheet: str | None) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if sheet is not None:
            if sheet not in wb.sheet_names:
                raise FileProblem(f"Không có trang tính «{sheet}» trong tệp.")
            ws = wb.get_sheet_by_name(sheet)
        else:
            ws = wb.get_sheet_by_index(0)
        return [[_cell(v) for v in row] for row in ws.to_python(skip_empty_area=False)]
    except FileProblem:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise FileProblem(f"Không đọc được tệp Excel: {exc}") from None


def _cell(v):
    if isinstance(v, str) and v == "":
        return None
    if isinstance(v, datetime) and (v.hour, v.minute, v.second) == (0, 0, 0):
        return v.date()
    return v


def _read_csv(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes almost anything
        raise FileProblem("Tệp CSV không phải UTF-8.")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[c if c != "" else None for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:  # a cell over 128 KiB, a NUL byte: not a register
        raise FileProblem(f"Tệp CSV không đọc được: {exc}.") from None


def as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None
