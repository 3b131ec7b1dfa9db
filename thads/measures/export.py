"""The steering committee's report as an Excel workbook (.xlsx): the hard cases with their status and
money at stake, what each member agency still owes, and the results since the last meeting.

Text cells are written as string cells (a name starting with ``=`` stays text, as in
``thads.reports.export``); numbers and dates stay numeric.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from thads.measures.committee import CommitteeReport
from thads.reports.export import put

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="E8EEF7")
WRAP = Alignment(wrap_text=True, vertical="top")
INT_FMT = "#,##0"


def _header(ws, row: int, labels: list[str]) -> None:
    for col, text in enumerate(labels, start=1):
        cell = put(ws, row, col, text)
        cell.font, cell.fill, cell.border = Font(bold=True, size=10), HEAD, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def report_workbook(report: CommitteeReport, labels: dict[str, str], reasons: dict[str, str],
                    statuses: dict[str, str], en: bool = False) -> bytes:
    """``labels``: the headings in the reader's language; ``reasons``/``statuses``: their names."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Ban chi dao"
    put(ws, 1, 1, labels["title"]).font = Font(bold=True, size=14)
    put(ws, 2, 1, labels["subtitle"])
    put(ws, 3, 1, labels["totals"]).font = Font(italic=True, size=10)
    _header(ws, 5, [labels[k] for k in ("no", "case", "debtor", "reason", "opened", "status", "at_stake",
                                       "owed", "conclusion", "results")])
    r = 6
    for i, rc in enumerate(report.cases, start=1):
        debtor = ", ".join(p.name for p in rc.case.debtors)
        owed = "; ".join(f"{t.agency.name} ({t.due_on:%d/%m/%Y})" for t in rc.tasks_open)
        conclusion = rc.last_conclusion.conclusion if rc.last_conclusion else ""
        results = "; ".join(f"{d:%d/%m/%Y}: {en_text if en else vi}" for d, vi, en_text in rc.results)
        values = [i, rc.case.display_number, debtor, reasons.get(rc.hard.reason, ""), rc.hard.opened_on,
                  statuses[rc.status], rc.at_stake, owed, conclusion, results]
        for col, v in enumerate(values, start=1):
            cell = put(ws, r, col, v)
            cell.border, cell.alignment = BOX, WRAP
            if col == 5:
                cell.number_format = "DD/MM/YYYY"
            if col == 7:
                cell.number_format = INT_FMT
        r += 1
    r += 1
    put(ws, r, 1, labels["owed_title"]).font = Font(bold=True, size=12)
    r += 1
    _header(ws, r, [labels["no"], labels["agency"], labels["owed_count"], labels["overdue_count"]])
    for i, (agency, owed, overdue) in enumerate(report.owed, start=1):
        r += 1
        for col, v in enumerate([i, agency.name, owed, overdue], start=1):
            put(ws, r, col, v).border = BOX
    for col, width in zip("ABCDEFGHIJ", (5, 12, 26, 26, 12, 14, 18, 40, 40, 50), strict=True):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
