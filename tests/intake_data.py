"""Generated registers for the intake tests and the import benchmark: rows with consistent
dates for every state, and planted errors of every kind at known rows and columns."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta

from thads.intake.columns import BY_KEY, COLUMNS

STATE_WORDS = {"received": "Đã nhận", "refused": "Từ chối", "decided": "Đã ra quyết định", "notified": "Đã thông báo",
               "enforcing": "Đang thi hành", "not_enforceable": "Chưa có điều kiện thi hành", "postponed": "Hoãn",
               "suspended": "Tạm đình chỉ", "terminated": "Đình chỉ", "entrusted": "Ủy thác",
               "completed": "Thi hành xong", "sent_back": "Gửi lại yêu cầu"}
WEIGHTS = [("received", 3), ("refused", 2), ("decided", 4), ("notified", 6), ("enforcing", 22), ("completed", 25),
           ("not_enforceable", 15), ("postponed", 5), ("suspended", 3), ("terminated", 8), ("entrusted", 4),
           ("sent_back", 3)]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hạnh", "Khánh", "Linh", "Mạnh", "Nga", "Phúc"]
ERROR_KINDS = ("bad_date", "unknown_officer", "unknown_state", "amount_not_number", "duplicate_file", "duplicate_db")


def _name(rng) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def valid_row(rng: random.Random, number: int, officers: list[str], today: date, state: str | None = None,
              start: date = date(2024, 1, 2)) -> dict:
    """A row whose dates are consistent with its state (all before ``today``)."""
    state = state or rng.choices([s for s, _ in WEIGHTS], [w for _, w in WEIGHTS])[0]
    d = lambda base, lo, hi: base + timedelta(days=rng.randint(lo, hi))  # noqa: E731
    if state == "sent_back":
        received = d(date(2023, 10, 2), 0, 200)
    else:
        span = max((today - timedelta(days=150) - start).days, 1)
        received = d(start, 0, span)
    amount = rng.choice([5, 12, 30, 48, 75, 120, 250, 600]) * 1_000_000 + rng.randint(0, 99) * 10_000
    fee = rng.choice([0, 0, 300_000, 2_500_000])
    obligations = ["Trả nợ tiền vay"] + (["Án phí dân sự sơ thẩm"] if fee else [])
    amounts = [amount] + ([fee] if fee else [])
    row = {
        "register_number": number, "register_date": received,
        "kind": "Theo đơn" if state in ("refused", "sent_back") or rng.random() < 0.7 else "Chủ động",
        "court": "Tòa án nhân dân tỉnh Thử Nghiệm", "judgment_number": f"{rng.randint(1, 399)}/{received.year}/DS-ST",
        "judgment_date": received - timedelta(days=rng.randint(20, 90)),
        "judgment_effective_on": received - timedelta(days=rng.randint(3, 19)),
        "creditors": _name(rng), "creditor_ids": f"0{rng.randint(10**10, 10**11 - 1)}",
        "creditor_addresses": "phường Tiên Cát, tỉnh Thử Nghiệm",
        "debtors": _name(rng), "debtor_ids": f"0{rng.randint(10**10, 10**11 - 1)}",
        "debtor_addresses": "xã Lâm Thao, tỉnh Thử Nghiệm",
        "obligations": "; ".join(obligations),
        "amounts": amounts[0] if len(amounts) == 1 else "; ".join(f"{a:,}".replace(",", ".") for a in amounts),
        "officer": rng.choice(officers), "state": STATE_WORDS[state],
    }
    total = sum(amounts)
    if state == "received":
        return row
    if state == "refused":
        row["closed_on"] = d(received, 1, 5)
        row["closing_ground"] = "Đơn yêu cầu đã hết thời hiệu"
        return row
    decided = d(received, 1, 6)
    row.update(decision_number=f"{number}/QĐ-THADS", decision_date=decided)
    if rng.random() < 0.5:
        row["case_file_on"] = d(decided, 0, 2)
    if state == "decided":
        return row
    notified = d(decided, 1, 4)
    row["notified_on"] = notified
    if state == "notified":
        return row
    verified = d(notified, 12, 25)
    row["verified_on"] = verified
    row["verification_outcome"] = "Chưa có điều kiện" if state in ("not_enforceable", "sent_back") else "Có điều kiện"
    if state == "sent_back":
        row["closed_on"] = max(date(2026, 7, 1), verified + timedelta(days=740)) + timedelta(days=rng.randint(0, 20))
        row["closing_ground"] = "Hết 02 năm chưa có điều kiện thi hành"
        return row
    if state == "not_enforceable":
        return row
    last = verified
    if state in ("postponed", "suspended"):
        row["paused_on"] = d(verified, 2, 30)
        row["pause_ground"] = ("Đương sự thỏa thuận hoãn thi hành án" if rng.random() < 0.4
                               else "Người phải thi hành án ốm nặng")
        row["by_agreement"] = "x" if "thỏa thuận" in row["pause_ground"] and state == "postponed" else None
        return row
    if state == "terminated":
        row["closed_on"] = d(verified, 5, 60)
        row["closing_ground"] = "Đương sự thỏa thuận hoặc người được thi hành án yêu cầu đình chỉ thi hành án"
        if rng.random() < 0.4:
            part = total // 4
            row["collected"], row["collected_on"] = part, d(verified, 1, 4)
        return row
    if state == "entrusted":
        row["closed_on"] = d(verified, 3, 30)
        row["entrusted_to"] = "Thi hành án dân sự tỉnh Tuyên Quang"
        return row
    if state == "completed":
        closed = d(verified, 10, 90)
        row["closed_on"] = closed
        reduced = fee if fee and rng.random() < 0.3 else 0
        row["collected"], row["collected_on"] = total - reduced, d(verified, 1, (closed - verified).days)
        if reduced:
            row["reduced"], row["reduced_on"] = reduced, row["collected_on"]
        row["paid_out"], row["paid_out_on"] = total - reduced, closed
        return row
    # enforcing: sometimes a part collected
    if rng.random() < 0.5:
        row["collected"], row["collected_on"] = total // 3, d(last, 1, 30)
        if rng.random() < 0.5:
            row["paid_out"], row["paid_out_on"] = total // 3, row["collected_on"] + timedelta(days=5)
    return row


def generate(n: int, officers: list[str], today: date, *, seed: int = 13, error_rate: float = 0.0,
             db_numbers: list[tuple[int, date]] = (), start: date = date(2024, 1, 2)):
    """``n`` rows; with ``error_rate`` a share of them carry one planted error each, every kind
    used in turn. Returns (rows, planted) with planted = [(row index, field key, kind)]."""
    rng = random.Random(seed)
    rows: list[dict] = []
    for i in range(n):
        row = valid_row(rng, i + 1, officers, today, start=start)
        # Keep dates safely before today for every state.
        rows.append(row)
    planted: list[tuple[int, str, str]] = []
    if error_rate:
        n_err = int(n * error_rate)
        targets = rng.sample(range(10, n), n_err)
        for j, idx in enumerate(sorted(targets)):
            kind = ERROR_KINDS[j % len(ERROR_KINDS)]
            row = rows[idx]
            if kind == "bad_date":
                row["register_date"] = rng.choice(["31/02/2025", "32/13/2025", "không rõ"])
                planted.append((idx, "register_date", kind))
            elif kind == "unknown_officer":
                row["officer"] = "Người Không Có"
                if row["state"] == STATE_WORDS["received"]:
                    row["state"] = STATE_WORDS["received"]
                planted.append((idx, "officer", kind))
            elif kind == "unknown_state":
                row["state"] = "Đang lung tung"
                planted.append((idx, "state", kind))
            elif kind == "amount_not_number":
                row["amounts"] = "một trăm triệu"
                planted.append((idx, "amounts", kind))
            elif kind == "duplicate_file":
                src = rows[rng.randint(0, 9)]
                row["register_number"], row["register_date"] = src["register_number"], src["register_date"]
                planted.append((idx, "register_number", kind))
            elif kind == "duplicate_db" and db_numbers:
                number, received = db_numbers[j % len(db_numbers)]
                row["register_number"], row["register_date"] = number, received
                planted.append((idx, "register_number", kind))
    return rows, planted


def workbook(rows: list[dict], headings: dict[str, str] | None = None) -> bytes:
    """The rows as an .xlsx in the import's columns (or under other ``headings``)."""
    from openpyxl import Workbook

    headings = headings or {}
    keys = [c.key for c in COLUMNS if c.key != "unit"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sổ thụ lý")
    ws.append([headings.get(k, BY_KEY[k].heading) for k in keys])
    for row in rows:
        ws.append([row.get(k) for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[dict]) -> bytes:
    import csv

    keys = [c.key for c in COLUMNS if c.key != "unit"]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([BY_KEY[k].heading for k in keys])
    for row in rows:
        w.writerow(["" if row.get(k) is None else (row[k].strftime("%d/%m/%Y") if isinstance(row[k], date) else row[k])
                    for k in keys])
    return out.getvalue().encode("utf-8-sig")
