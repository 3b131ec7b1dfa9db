"""Excel files of the intake: the dry run's report (the file's rows with an outcome column and a
messages column) and a unit's whole register in the import format (so data can always leave,
and an export imports back into the same cases).

Text cells are written as string cells (``data_type = "s"``): a name like ``=HYPERLINK(…)``
stays text, never a formula.
"""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from thads.extensions import db
from thads.intake.columns import COLUMNS
from thads.intake.records import STATE_LABELS
from thads.models import Case, CaseEvent, Unit, User

OUTCOME_LABELS = {"accepted": "Nhận", "skipped": "Đã có (bỏ qua)", "refused": "Từ chối"}
LEVEL_LABELS = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Ghi chú"}
KIND_LABELS = {"ex_officio": "Chủ động", "on_request": "Theo đơn"}
OUTCOME_WORDS = {"enforceable": "Có điều kiện", "not_enforceable": "Chưa có điều kiện"}
DATE_FMT = "dd/mm/yyyy"
PAGE = 500


def _cells(ws, values) -> list:
    out = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
            value = cell
        elif isinstance(value, date):
            cell = WriteOnlyCell(ws, value)
            cell.number_format = DATE_FMT
            value = cell
        out.append(value)
    return out


def _bold(ws, values) -> list:
    out = []
    for v in values:
        cell = WriteOnlyCell(ws, v)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        out.append(cell)
    return out


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def report_workbook(analysis) -> bytes:
    """The dry run as Excel: every row of the file as read, then «Kết quả» and «Thông báo»
    (each message with its column letter and heading)."""
    problems: dict[int, list[dict]] = {}
    for p in analysis.problems:
        item = p.to_json()
        item["letter"] = analysis.letter(p.key)
        problems.setdefault(p.row, []).append(item)
    return _report(analysis.table, analysis.outcome, problems)


def preview_workbook(run) -> bytes:
    """The same report for a run, from its file and the findings stored with its preview."""
    from thads.intake.columns import Mapping
    from thads.intake.reader import read_table

    mapping = Mapping.from_json(run.mapping)
    table = read_table(run.content, run.source_name, sheet=mapping.sheet, header_row=mapping.header_row)
    preview = run.preview or {}
    outcome = {table.first_row + i: "accepted" for i in range(len(table.rows))}
    outcome.update({n: "refused" for n in preview.get("refused_rows", [])})
    outcome.update({n: "skipped" for n in preview.get("skipped_rows", [])})
    problems: dict[int, list[dict]] = {}
    for item in list(preview.get("problems", [])) + list(run.problems or []):
        problems.setdefault(item["row"], []).append(item)
    return _report(table, outcome, problems)


def _report(table, outcome: dict[int, str], problems: dict[int, list[dict]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Kiểm tra")
    ws.append(_bold(ws, ["Dòng", *table.headers, "Kết quả", "Thông báo"]))
    for offset, row in enumerate(table.rows):
        n = table.first_row + offset
        messages = "\n".join(f"[{LEVEL_LABELS[p['level']]}] cột {p.get('letter', '')} «{p['column']}»: {p['message']}"
                             for p in problems.get(n, []))
        ws.append(_cells(ws, [n, *[_plain(v) for v in row], OUTCOME_LABELS[outcome.get(n, "accepted")], messages]))
    return _bytes(wb)


def _plain(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def register_workbook(unit: Unit) -> tuple[bytes, int]:
    """Every case of ``unit`` and the units below it, one row each, in the import's columns."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sổ thụ lý")
    ws.append(_bold(ws, [c.heading for c in COLUMNS]))
    units = dict(db.session.execute(select(Unit.id, Unit.code).where(
        Unit.path.startswith(unit.path, autoescape=True))).all())
    usernames = dict(db.session.execute(select(User.id, User.username)).all())
    after, n = 0, 0
    while True:
        page = list(db.session.scalars(
            select(Case).where(Case.unit_id.in_(list(units)), Case.id > after).order_by(Case.id).limit(PAGE)
            .options(selectinload(Case.parties), selectinload(Case.obligations))))
        if not page:
            break
        events: dict[int, list] = {}
        for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_([c.id for c in page]))
                                    .order_by(CaseEvent.case_id, CaseEvent.seq)):
            events.setdefault(e.case_id, []).append(e)
        for case in page:
            row = register_row(case, events.get(case.id, []), units, usernames)
            ws.append(_cells(ws, [row.get(c.key) for c in COLUMNS]))
            n += 1
        after = page[-1].id
        db.session.expunge_all()
    return _bytes(wb), n


def _join(values) -> str | None:
    values = list(values)
    if not values or all(v in (None, "") for v in values):
        return None
    return "; ".join("-" if v in (None, "") else str(v) for v in values)


def register_row(case: Case, events: list, units: dict, usernames: dict) -> dict:
    """One case as a register row (field key → value)."""
    from workflows._procedure import TERMINATION_GROUNDS

    row: dict = {
        "unit": units.get(case.unit_id), "register_number": f"{case.number}/{case.stat_year}",
        "register_date": case.received_on, "kind": KIND_LABELS[case.kind],
        "interim": "x" if case.interim else None, "priority": "x" if case.priority else None,
        "court": case.court, "judgment_number": case.judgment_number, "judgment_date": case.judgment_date,
        "judgment_effective_on": case.judgment_effective_on,
        "officer": usernames.get(case.officer_id), "state": STATE_LABELS[case.state],
        "decision_number": case.decision_number,
    }
    for role, names, ids, addrs in (("creditor", "creditors", "creditor_ids", "creditor_addresses"),
                                    ("debtor", "debtors", "debtor_ids", "debtor_addresses")):
        people = [p for p in case.parties if p.role == role]
        row[names] = _join(p.name for p in people)
        row[ids] = _join(p.id_number for p in people)
        row[addrs] = _join(p.address for p in people)
    obligations = list(case.obligations)
    row["obligations"] = "; ".join(o.description for o in obligations)
    if len(obligations) == 1:
        row["amounts"] = obligations[0].amount
    else:
        row["amounts"] = _join(o.amount for o in obligations)
    row["ranks"] = "; ".join(str(o.rank) for o in obligations)

    transitions = [e for e in events if e.kind == "transition"]
    first = {}
    for e in transitions:
        first.setdefault(e.trigger, e)
    verifies = [e for e in transitions if e.trigger == "verify"]
    if "decide" in first:
        row["decision_date"] = first["decide"].on
        row["decision_number"] = row["decision_number"] or first["decide"].inputs.get("decision_number")
    for e in events:
        if e.kind == "act" and e.trigger in ("case_file", "procuracy"):
            row.setdefault(f"{e.trigger}_on", e.on)
    if "notify" in first:
        row["notified_on"] = first["notify"].on
    if verifies:
        row["verified_on"] = verifies[0].on
        row["verification_outcome"] = OUTCOME_WORDS.get(verifies[0].inputs.get("outcome"))
        if len(verifies) > 1:
            row["reverified_on"] = verifies[-1].on
    pauses = [e for e in transitions if e.trigger in ("postpone", "suspend")]
    last = transitions[-1] if transitions else None
    paused_now = case.state in ("postponed", "suspended") or (
        case.state == "terminated" and last is not None and last.from_state in ("postponed", "suspended"))
    if pauses and paused_now:
        p = pauses[-1]
        row["paused_on"] = p.on
        row["pause_ground"] = p.inputs.get("ground")
        ends = p.inputs.get("ground_ends_on")
        row["pause_ends_on"] = date.fromisoformat(ends) if isinstance(ends, str) and ends else None
        row["by_agreement"] = "x" if p.inputs.get("by_agreement") else None
    if case.closed_on is not None and last is not None:
        row["closed_on"] = last.on
        if last.trigger == "terminate":
            ground = last.inputs.get("ground")
            labels = {code: vi for code, vi, _en in TERMINATION_GROUNDS}
            row["closing_ground"] = (last.inputs.get("note") if ground == "other" and last.inputs.get("note")
                                     else labels.get(ground, ground))
        elif last.trigger == "refuse":
            row["closing_ground"] = last.inputs.get("reason")
        elif last.trigger == "send_back":
            row["closing_ground"] = last.inputs.get("note")
        elif last.trigger == "entrust":
            row["entrusted_to"] = last.inputs.get("agency")
    for kind, amount_key, date_key in (("collection", "collected", "collected_on"), ("payout", "paid_out", "paid_out_on"),
                                       ("reduction", "reduced", "reduced_on")):
        pays = [e for e in events if e.kind == "payment" and e.trigger == kind]
        if pays:
            row[amount_key] = sum(int(e.amount_delta or 0) for e in pays)
            row[date_key] = pays[-1].on
    return row
