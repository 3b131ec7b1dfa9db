"""Excel (.xlsx) exports laid out like form 01/TKLN-THADS, and the drill-down list.

Every text cell is written as a string cell (``data_type = "s"``): a unit name such as
``=HYPERLINK(…)`` must be shown as text, never become a formula (openpyxl otherwise turns any
text starting with ``=`` into one). Numbers and dates stay numeric.
"""
from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from thads.services.stats import FIGURES, DrillRow, Report

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E8EEF7")
TOTAL_FILL = PatternFill("solid", fgColor="F3F3F3")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
INT_FMT = "#,##0"
PCT_FMT = "0.0"
GAP_FMT = "+0.0;-0.0;0.0"

# Columns of each group (cases, then money): the form's figures, then rate, target and gap.
RATE_COLUMNS = (("rate", "Tỷ lệ (%)"), ("target", "Chỉ tiêu (%)"), ("gap", "Chênh lệch (điểm %)"))
FIRST_DATA_COL = 3


def column_map() -> dict[tuple[str, str], int]:
    """(measure, key) → 1-based column; used by the export and the tests alike."""
    cols, col = {}, FIRST_DATA_COL
    for measure in ("cases", "money"):
        for key, _label in FIGURES + RATE_COLUMNS:
            cols[(measure, key)] = col
            col += 1
    return cols


HEADER_ROWS = 6  # title, subtitle, blank, group, headings, column numbers


def put(ws, row: int, col: int, value):
    """``ws.cell(row, col, value)`` with text kept as text (see the module docstring)."""
    cell = ws.cell(row, col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def text_cells(ws, values: Iterable) -> list:
    """A write-only row: text values become explicit string cells, the rest pass unchanged."""
    out = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
            value = cell
        out.append(value)
    return out


def report_workbook(report: Report, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "01-TKLN-THADS"
    cols = column_map()
    last_col = max(cols.values())
    # The title spans the cases group: the printed first page carries it, centred.
    title_end = cols[("cases", RATE_COLUMNS[-1][0])]
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=title_end)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    put(ws, 2, 1, f"Đơn vị: {report.unit.name} — {report.period.label_vi()}").alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=title_end)
    setting = "đang thi hành" if report.suspended_as == "in_progress" else "hoãn"
    put(ws, 3, 1, f"Tạm đình chỉ và hoãn không theo thỏa thuận được tính vào cột “{setting}”. Tiền tính bằng đồng.")
    ws.cell(3, 1).font = Font(italic=True, size=9)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=title_end)

    group_row, head_row, num_row = 4, 5, 6
    for c, text in ((1, "STT"), (2, "Đơn vị")):
        put(ws, group_row, c, text)
        ws.merge_cells(start_row=group_row, start_column=c, end_row=head_row, end_column=c)
        put(ws, num_row, c, "A" if c == 1 else "B")
    n = 1
    for measure, group in (("cases", "VỀ VIỆC (việc)"), ("money", "VỀ TIỀN (đồng)")):
        first = cols[(measure, FIGURES[0][0])]
        last = cols[(measure, RATE_COLUMNS[-1][0])]
        put(ws, group_row, first, group)
        ws.merge_cells(start_row=group_row, start_column=first, end_row=group_row, end_column=last)
        for key, label in FIGURES + RATE_COLUMNS:
            put(ws, head_row, cols[(measure, key)], label)
            put(ws, num_row, cols[(measure, key)], f"({n})")
            n += 1
    for r in (group_row, head_row, num_row):
        for c in range(1, last_col + 1):
            cell = ws.cell(r, c)
            cell.alignment, cell.border, cell.font = CENTER, BOX, Font(bold=r != num_row, size=9, italic=r == num_row)
            cell.fill = HEAD_FILL
    ws.row_dimensions[head_row].height = 62

    for i, row in enumerate(report.rows, start=1):
        r = HEADER_ROWS + i
        ws.cell(r, 1, i)
        put(ws, r, 2, row.label).alignment = Alignment(indent=row.depth, wrap_text=True, vertical="center")
        bold = row.scope == "tree" and (row.depth == 0 or any(x.depth > row.depth for x in report.rows))
        for measure in ("cases", "money"):
            values = getattr(row.figures, measure)
            for key, _label in FIGURES:
                ws.cell(r, cols[(measure, key)], values[key]).number_format = INT_FMT
            rate = row.rate_cases if measure == "cases" else row.rate_money
            target = row.target_cases if measure == "cases" else row.target_money
            gap = row.gap_cases if measure == "cases" else row.gap_money
            for key, value, fmt in (("rate", rate, PCT_FMT), ("target", target, PCT_FMT), ("gap", gap, GAP_FMT)):
                cell = ws.cell(r, cols[(measure, key)], float(value) if value is not None else None)
                cell.number_format = fmt
        for c in range(1, last_col + 1):
            cell = ws.cell(r, c)
            cell.border = BOX
            cell.font = Font(bold=bold, size=9)
            if bold:
                cell.fill = TOTAL_FILL
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 34
    for (measure, _key), c in cols.items():
        ws.column_dimensions[get_column_letter(c)].width = 10 if measure == "cases" else 14
    ws.freeze_panes = ws.cell(HEADER_ROWS + 1, 3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    # One printed page across per column group (cases, then money), the unit names repeated on
    # each; a fixed scale, because "fit to width" makes LibreOffice ignore the manual break.
    ws.col_breaks.append(Break(id=title_end))
    ws.print_title_cols = "A:B"
    ws.page_setup.scale = 55
    ws.print_title_rows = f"{group_row}:{num_row}"
    return _bytes(wb)


DRILL_HEADINGS = ("STT", "Mã hồ sơ", "Số thụ lý", "Đơn vị", "Loại việc", "Ngày thụ lý", "Trạng thái (tại ngày số liệu)",
                  "Nguồn", "Số tiền (đồng)")


def drill_workbook(rows: Iterable[DrillRow], title: str, states: dict[str, str], kinds: dict[str, str],
                   origins: dict[str, str], money: bool) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    widths = (6, 10, 12, 10, 12, 12, 30, 20, 18)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.append(text_cells(ws, [title]))
    ws.append(text_cells(ws, DRILL_HEADINGS if money else DRILL_HEADINGS[:-1]))
    for i, r in enumerate(rows, start=1):
        received = WriteOnlyCell(ws, r.received_on)
        received.number_format = "DD/MM/YYYY"
        line = [i, r.case_id, r.display_number, r.unit_code, kinds.get(r.kind, r.kind), received,
                states.get(r.state, r.state), origins.get(r.origin, r.origin)]
        if money:
            amount = WriteOnlyCell(ws, r.amount)
            amount.number_format = INT_FMT
            line.append(amount)
        ws.append(text_cells(ws, line))
    return _bytes(wb)


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
