"""From a register row to a case history: values parsed, the steps the row's state and dates
imply, and a dry run of those steps on the workflow (pure Python, nothing written).

A row becomes a :class:`Record`: the registration input (the dict ``register_case`` takes), the
steps that bring the case to the row's state with the row's legal dates (transitions, payments,
acts, non-money obligations done), and the problems found — each with the row, the column and
a Vietnamese message. :func:`simulate` fires the steps on the shared ``transitions`` machine of
the workflow in force on each date (``workflows.machine``) and plans the deadlines each step
opens with ``workflows.planning``, so the dry run refuses exactly what the services would
refuse and can tell which statutory deadline is already overdue. The import then replays the
same steps through the services (:mod:`thads.intake.services`).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from thads.intake.columns import (
    BY_KEY,
    FALSE_WORDS,
    KIND_WORDS,
    OUTCOME_WORDS,
    TRUE_WORDS,
    Mapping,
    norm,
    state_words,
)
from thads.models import stat_year_of
from thads.services.values import MAX_MONEY, MIN_DATE, ValueProblem, parse_money
from workflows import CaseContext, CaseMachine, plan_initial, plan_transition, validate_inputs, workflow_for
from workflows.machine import InvalidTransition
from workflows.rules import KIND_LABELS, due_date, rule_for

# Text limits (the columns'), checked here so the message can name the file's column.
LIMITS = {"court": 200, "judgment_number": 64, "decision_number": 64, "entrusted_to": 200, "name": 200,
          "id": 32, "address": 300, "description": 500, "pause_ground": 2000, "closing_ground": 2000}
LIST_SPLIT = re.compile(r"\s*[;\n]\s*")
_DATE_TEXT = re.compile(r"^\s*([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})\s*$")
_ISO_TEXT = re.compile(r"^\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00)?)?\s*$")
_NUMBER_TEXT = re.compile(r"^\s*([0-9]{1,7})(?:\s*/\s*([0-9]{4}))?\b")
_ORGANISATION = re.compile(
    r"^(cong ty|tong cong ty|ngan hang|quy |hop tac xa|doanh nghiep|chi nhanh|chi cuc|cuc |uy ban|ubnd|"
    r"co quan|truong |benh vien|van phong|tap doan|nha nuoc|kho bac|trung tam|ban quan ly|htx)")
_RANK_1 = re.compile(r"cap duong|tien luong|tien cong|tro cap|tinh mang|suc khoe|suc khoe")
_RANK_2 = re.compile(r"an phi|le phi")

# Folded once: the words are compared with every row's cells.
_TRUE = frozenset(norm(w) for w in TRUE_WORDS)
_FALSE = frozenset(norm(w) for w in FALSE_WORDS)
_KINDS = {norm(w): k for k, ws in KIND_WORDS.items() for w in ws}
_OUTCOMES = {norm(w): k for k, ws in OUTCOME_WORDS.items() for w in ws}

STATE_LABELS = {  # for messages
    "received": "Đã nhận", "refused": "Từ chối", "decided": "Đã ra quyết định", "notified": "Đã thông báo",
    "enforcing": "Có điều kiện thi hành", "not_enforceable": "Chưa có điều kiện thi hành",
    "postponed": "Hoãn", "suspended": "Tạm đình chỉ", "terminated": "Đình chỉ", "entrusted": "Ủy thác",
    "completed": "Thi hành xong", "sent_back": "Gửi lại yêu cầu",
}
PAUSED = ("postponed", "suspended")
# Which dates each state's history uses (beyond the registration's), for the "inconsistent" warning.
SPINE_DATES = ("decision_date", "notified_on", "verified_on", "reverified_on", "paused_on", "closed_on")


@dataclass
class Problem:
    row: int
    key: str  # the field (thads.intake.columns)
    column: str  # the file's heading (or the field's usual heading)
    level: str  # error | warning | info
    message: str

    def to_json(self) -> dict:
        return {"row": self.row, "key": self.key, "column": self.column, "level": self.level,
                "message": self.message}


@dataclass
class Step:
    kind: str  # transition | payment | act | done
    trigger: str  # the transition's trigger, the payment kind, the act kind, or the obligation's index
    on: date
    inputs: dict
    column: str  # field key of the date the step takes
    priority: int = 0
    skip: bool = False


@dataclass
class Record:
    row: int
    values: dict = field(default_factory=dict)
    raw: dict | None = None  # register_case's input
    number: int | None = None
    stat_year: int | None = None
    unit_code: str | None = None
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    row_hash: str = ""
    amount_total: int = 0
    open_deadlines: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems)

    @property
    def key(self) -> tuple:
        return (self.unit_code, self.stat_year, self.number)

    @property
    def display_number(self) -> str:
        return f"{self.number}/{self.stat_year}"


@dataclass
class Context:
    """What parsing needs to know about the database: the units in scope, their officers."""

    unit_code: str  # the unit imported into (rows without a unit column go there)
    unit_paths: dict[str, str]  # unit code → path, the unit and every unit below it
    officers: list[tuple[str, str, str]]  # (username, full name, unit path) of active officers
    today: date
    mapping: Mapping
    headings: dict[str, str] = field(default_factory=dict)  # field key → the file's heading
    calendar: object = None

    def __post_init__(self) -> None:
        self.states = state_words(self.mapping)
        self.by_username = {u.lower(): (u, path) for u, _n, path in self.officers}
        self.by_name: dict[str, list[tuple[str, str]]] = {}
        for u, name, path in self.officers:
            self.by_name.setdefault(norm(name), []).append((u, path))

    def heading(self, key: str) -> str:
        return self.headings.get(key) or BY_KEY[key].heading


class _Row:
    """Collects one row's values and problems."""

    def __init__(self, ctx: Context, number: int, cells: dict):
        self.ctx, self.n, self.cells = ctx, number, cells
        self.problems: list[Problem] = []

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.n, key, self.ctx.heading(key), "error", message))

    def warn(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.n, key, self.ctx.heading(key), "warning", message))

    def present(self, key: str) -> bool:
        v = self.cells.get(key)
        return not (v is None or (isinstance(v, str) and not v.strip()))

    def text(self, key: str, limit: int | None = None) -> str | None:
        v = self.cells.get(key)
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, (datetime, date)):
            v = v.strftime("%d/%m/%Y")
        s = " ".join(str(v).split()) if "\n" not in str(v) else str(v).strip()
        if not s:
            return None
        if limit and len(s) > limit:
            self.error(key, f"Dài quá {limit} ký tự.")
            return None
        return s

    def date(self, key: str) -> date | None:
        v = self.cells.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        d = None
        if isinstance(v, datetime):
            d = v.date()
        elif isinstance(v, date):
            d = v
        elif isinstance(v, str):
            m = _DATE_TEXT.match(v)
            mi = _ISO_TEXT.match(v)
            try:
                if m:
                    d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                elif mi:
                    d = date(int(mi.group(1)), int(mi.group(2)), int(mi.group(3)))
            except ValueError:
                d = None
        if d is None:
            self.error(key, f"Ngày không hợp lệ: «{_show(v)}» (dd/mm/yyyy).")
            return None
        if d < MIN_DATE:
            self.error(key, f"Ngày {d:%d/%m/%Y} trước 01/01/1975.")
            return None
        if d > self.ctx.today:
            self.error(key, f"Ngày {d:%d/%m/%Y} ở tương lai.")
            return None
        return d

    def money(self, key: str) -> int | None:
        v = self.cells.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        value = _money(v)
        if value is None:
            self.error(key, f"Số tiền không phải là số: «{_show(v)}».")
        return value

    def flag(self, key: str) -> bool:
        v = self.cells.get(key)
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)):
            return bool(v)
        word = norm(v)
        if word in _TRUE:
            return True
        if word not in _FALSE:
            self.error(key, f"Giá trị có/không không hợp lệ: «{_show(v)}» (dùng x / có / để trống).")
        return False

    def items(self, key: str) -> list[str | None]:
        v = self.cells.get(key)
        if v is None:
            return []
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        parts = LIST_SPLIT.split(str(v).strip())
        return [None if p.strip() in ("", "-") else p.strip() for p in parts] if str(v).strip() else []


def _show(v) -> str:
    s = str(v)
    return s if len(s) <= 40 else s[:37] + "…"


def _money(v) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v if 0 <= v <= MAX_MONEY else None
    if isinstance(v, float):
        return int(v) if v.is_integer() and 0 <= v <= MAX_MONEY else None
    try:
        return parse_money(str(v))
    except ValueProblem:
        return None


def organisation_name(name: str) -> bool:
    """Whether a party's name is an organisation's (Công ty…, Ngân hàng…, Ủy ban…)."""
    return bool(_ORGANISATION.match(norm(name)))


def default_rank(description: str) -> int:
    """Payment order (Art 47) guessed from the obligation's words when the file has no rank."""
    text = norm(description)
    if _RANK_1.search(text):
        return 1
    if _RANK_2.search(text):
        return 2
    return 3


def parse_row(ctx: Context, number: int, cells: dict) -> Record:
    """One row (field key → cell value) to a :class:`Record` with its problems."""
    r = _Row(ctx, number, cells)
    rec = Record(row=number)
    v: dict = {}

    # -- unit and register number
    unit_code = r.text("unit") or ctx.unit_code
    if unit_code not in ctx.unit_paths:
        r.error("unit", f"Đơn vị «{unit_code}» không thuộc đơn vị {ctx.unit_code}.")
        unit_code = ctx.unit_code
    v["unit"] = unit_code
    raw_number = cells.get("register_number")
    num_text = (str(int(raw_number)) if isinstance(raw_number, float) and raw_number.is_integer()
                else str(raw_number or ""))
    m = _NUMBER_TEXT.match(num_text)
    if not r.present("register_number"):
        r.error("register_number", "Thiếu số thụ lý.")
    elif not m or int(m.group(1)) < 1:
        r.error("register_number", f"Số thụ lý không hợp lệ: «{_show(raw_number)}» (ví dụ 125 hoặc 125/2026).")
    received_on = r.date("register_date")
    if received_on is None and r.present("register_date") is False:
        r.error("register_date", "Thiếu ngày thụ lý.")
    if m and received_on:
        rec.number, rec.stat_year = int(m.group(1)), stat_year_of(received_on)
        if m.group(2) and int(m.group(2)) not in (rec.stat_year, received_on.year):
            r.warn("register_number", f"Năm {m.group(2)} của số thụ lý khác năm thống kê {rec.stat_year} của "
                                      "ngày thụ lý; số được ghi theo năm thống kê.")
    v["register_number"], v["register_date"] = rec.number, received_on

    # -- case
    kind = "on_request"
    if r.present("kind"):
        word = norm(cells["kind"])
        kind = _KINDS.get(word)
        if kind is None:
            r.error("kind", f"Loại việc không xác định: «{_show(cells['kind'])}» (Chủ động / Theo đơn).")
            kind = "on_request"
    v["kind"] = kind
    v["interim"] = r.flag("interim") if r.present("interim") else False
    v["priority"] = r.flag("priority") if r.present("priority") else False
    for key in ("court", "judgment_number"):
        v[key] = r.text(key, LIMITS[key])
        if not v[key] and not any(p.column == ctx.heading(key) for p in r.problems):
            r.error(key, f"Thiếu {BY_KEY[key].heading.lower()}.")
    v["judgment_date"] = r.date("judgment_date")
    if v["judgment_date"] is None and not r.present("judgment_date"):
        r.error("judgment_date", "Thiếu ngày bản án.")
    v["judgment_effective_on"] = r.date("judgment_effective_on")

    # -- parties
    parties = []
    for role, names_key, ids_key, addr_key in (("creditor", "creditors", "creditor_ids", "creditor_addresses"),
                                               ("debtor", "debtors", "debtor_ids", "debtor_addresses")):
        names, ids, addrs = r.items(names_key), r.items(ids_key), r.items(addr_key)
        names = [n for n in names if n]
        if len(ids) > len(names):
            r.error(ids_key, f"Có {len(ids)} số định danh cho {len(names)} người.")
        if len(addrs) > len(names) and len(names) > 0 and len(addrs) != 1:
            r.error(addr_key, f"Có {len(addrs)} địa chỉ cho {len(names)} người.")
        for i, name in enumerate(names):
            if len(name) > LIMITS["name"]:
                r.error(names_key, f"Tên dài quá {LIMITS['name']} ký tự.")
                continue
            id_number = ids[i] if i < len(ids) else None
            if id_number and len(id_number) > LIMITS["id"]:
                r.error(ids_key, f"Số định danh dài quá {LIMITS['id']} ký tự.")
                id_number = None
            address = addrs[i] if i < len(addrs) else (addrs[0] if len(addrs) == 1 else None)
            if address and len(address) > LIMITS["address"]:
                r.error(addr_key, f"Địa chỉ dài quá {LIMITS['address']} ký tự.")
                address = None
            parties.append({"role": role, "kind": "organisation" if organisation_name(name) else "person",
                            "name": name, "id_number": id_number, "address": address})
    if not any(p["role"] == "debtor" for p in parties) and not any(p.column == ctx.heading("debtors")
                                                                    for p in r.problems):
        r.error("debtors", "Thiếu người phải thi hành án.")
    v["parties"] = parties

    # -- obligations
    descriptions = [d for d in r.items("obligations") if d]
    amount_texts = r.items("amounts") if not isinstance(cells.get("amounts"), (int, float)) else [cells["amounts"]]
    rank_texts = r.items("ranks") if not isinstance(cells.get("ranks"), (int, float)) else [cells["ranks"]]
    amounts: list[int | None] = []
    bad_amount = False
    for a in amount_texts:
        if a is None:
            amounts.append(None)
            continue
        value = _money(a)
        if value is None:
            r.error("amounts", f"Số tiền không phải là số: «{_show(a)}».")
            bad_amount = True
        amounts.append(value)
    if not descriptions:
        r.error("obligations", "Thiếu nghĩa vụ thi hành án.")
    elif amounts and len(amounts) != len(descriptions) and not bad_amount:
        r.error("amounts", f"Có {len(amounts)} khoản tiền cho {len(descriptions)} nghĩa vụ.")
    obligations = []
    for i, d in enumerate(descriptions):
        if len(d) > LIMITS["description"]:
            r.error("obligations", f"Nghĩa vụ dài quá {LIMITS['description']} ký tự.")
            continue
        rank = default_rank(d)
        if i < len(rank_texts) and rank_texts[i] not in (None, ""):
            try:
                rank = int(float(str(rank_texts[i]).strip()))
                if rank not in (1, 2, 3):
                    raise ValueError
            except ValueError:
                r.error("ranks", f"Thứ tự thanh toán không hợp lệ: «{_show(rank_texts[i])}» (1, 2 hoặc 3).")
                rank = 3
        obligations.append({"description": d, "amount": amounts[i] if i < len(amounts) else None, "rank": rank})
    v["obligations"] = obligations
    rec.amount_total = sum(o["amount"] or 0 for o in obligations)
    if rec.amount_total > MAX_MONEY:
        r.error("amounts", "Tổng số tiền quá lớn.")

    # -- officer and state
    officer = None
    if r.present("officer"):
        officer = _officer(r, str(cells["officer"]).strip(), ctx.unit_paths.get(unit_code, ""))
    v["officer"] = officer
    state = None
    if not r.present("state"):
        r.error("state", "Thiếu trạng thái.")
    else:
        state = ctx.states.get(norm(cells["state"]))
        if state is None:
            r.error("state", f"Trạng thái không xác định: «{_show(cells['state'])}» (ví dụ: Đang thi hành, "
                             "Chưa có điều kiện thi hành, Thi hành xong, Hoãn, Đình chỉ).")
    v["state"] = state

    # -- steps' values
    for key in ("decision_date", "case_file_on", "procuracy_on", "notified_on", "verified_on", "reverified_on",
                "paused_on", "pause_ends_on", "closed_on", "collected_on", "paid_out_on", "reduced_on"):
        if key == "pause_ends_on":
            v[key] = _future_date(r, key)
        else:
            v[key] = r.date(key)
    v["decision_number"] = r.text("decision_number", LIMITS["decision_number"])
    v["pause_ground"] = r.text("pause_ground", LIMITS["pause_ground"])
    v["closing_ground"] = r.text("closing_ground", LIMITS["closing_ground"])
    v["entrusted_to"] = r.text("entrusted_to", LIMITS["entrusted_to"])
    v["by_agreement"] = r.flag("by_agreement") if r.present("by_agreement") else False
    outcome = None
    if r.present("verification_outcome"):
        word = norm(cells["verification_outcome"])
        outcome = _OUTCOMES.get(word)
        if outcome is None:
            r.error("verification_outcome", f"Kết quả xác minh không xác định: «{_show(cells['verification_outcome'])}» "
                                            "(Có điều kiện / Chưa có điều kiện).")
    v["verification_outcome"] = outcome
    for key in ("collected", "paid_out", "reduced"):
        v[key] = r.money(key) or 0

    rec.values, rec.unit_code = v, unit_code
    rec.problems = r.problems
    if rec.ok:
        rec.raw = {
            "unit": unit_code, "kind": kind, "officer": officer, "received_on": received_on,
            "interim": v["interim"], "priority": v["priority"],
            "judgment": {"court": v["court"], "number": v["judgment_number"], "date": v["judgment_date"],
                         "effective_on": v["judgment_effective_on"]},
            "parties": parties, "obligations": obligations,
        }
        _check_registration(r, rec, ctx.today)
    if rec.ok and state:
        _build_steps(r, rec)
    rec.problems = r.problems
    rec.row_hash = hashlib.sha256(json.dumps(v, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
    return rec


def _future_date(r: _Row, key: str) -> date | None:
    """A ground's expected end may lie ahead of today (up to ten years, the workflow checks)."""
    saved = r.ctx.today
    r.ctx.today = date(9999, 12, 31)
    try:
        return r.date(key)
    finally:
        r.ctx.today = saved


def _officer(r: _Row, text: str, unit_path: str) -> str | None:
    hit = r.ctx.by_username.get(text.lower())
    if hit and hit[1].startswith(unit_path):
        return hit[0]
    matches = [u for u, path in r.ctx.by_name.get(norm(text), []) if path.startswith(unit_path)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        r.error("officer", f"Có {len(matches)} chấp hành viên tên «{_show(text)}»; hãy ghi tên đăng nhập.")
        return None
    r.error("officer", f"Không có chấp hành viên «{_show(text)}» trong đơn vị.")
    return None


# Registration errors from the service's own validation, mapped back to the file's columns.
_PATHS = {"received_on": "register_date", "judgment.court": "court", "judgment.number": "judgment_number",
          "judgment.date": "judgment_date", "judgment.effective_on": "judgment_effective_on", "kind": "kind",
          "officer": "officer", "parties": "debtors", "obligations": "amounts", "unit": "unit"}


def _check_registration(r: _Row, rec: Record, today: date) -> None:
    from thads.services.cases import clean_case_input

    _clean, errors = clean_case_input(rec.raw, today)
    for path, message in errors.items():
        key = _PATHS.get(path)
        if key is None and path.startswith("parties."):
            i = int(path.split(".")[1])
            p = rec.raw["parties"][i] if i < len(rec.raw["parties"]) else {"role": "debtor"}
            part = path.split(".")[2] if path.count(".") >= 2 else "name"
            base = "creditor" if p["role"] == "creditor" else "debtor"
            key = {"id_number": f"{base}_ids", "address": f"{base}_addresses"}.get(part, f"{base}s")
        elif key is None and path.startswith("obligations."):
            key = "amounts" if path.endswith("amount") else "obligations"
        r.error(key or "register_number", message)


# --------------------------------------------------------------------------- the history


def _build_steps(r: _Row, rec: Record) -> None:
    """The steps that bring the case to the row's state with the row's dates (in order)."""
    v, state = rec.values, rec.values["state"]
    label = STATE_LABELS[state]
    spine: list[Step] = []
    used = set()

    def need(key: str, what: str) -> date | None:
        d = v.get(key)
        if d is None and not any(p.column == r.ctx.heading(key) for p in r.problems):
            r.error(key, f"Trạng thái «{label}» cần {what}.")
        used.add(key)
        return d

    def add(trigger: str, key: str, inputs: dict, priority: int) -> None:
        if v.get(key) is not None:
            spine.append(Step("transition", trigger, v[key], inputs, key, priority))

    if state == "refused":
        if rec.raw["kind"] != "on_request":
            r.error("kind", "Chỉ việc theo đơn mới có thể bị từ chối.")
        need("closed_on", "ngày từ chối (ngày kết thúc)")
        reason = v["closing_ground"] or "Từ chối yêu cầu thi hành án (nhập từ sổ thụ lý, không ghi lý do)."
        if not v["closing_ground"]:
            r.warn("closing_ground", "Không có lý do từ chối; ghi «nhập từ sổ thụ lý, không ghi lý do».")
        used.add("closing_ground")
        add("refuse", "closed_on", {"reason": reason}, 90)
    elif state != "received":
        need("decision_date", "ngày quyết định thi hành án")
        if not v["decision_number"]:
            r.error("decision_number", f"Trạng thái «{label}» cần số quyết định thi hành án.")
        if not v["officer"] and not any(p.column == r.ctx.heading("officer") for p in r.problems):
            r.error("officer", f"Trạng thái «{label}» cần chấp hành viên được phân công.")
        add("decide", "decision_date", {"decision_number": v["decision_number"], "officer": v["officer"]}, 10)
        used.add("decision_date")
        reached_verify = state in ("enforcing", "not_enforceable", "completed", "sent_back")
        if state in ("notified",) or reached_verify:
            need("notified_on", "ngày thông báo")
        if reached_verify:
            need("verified_on", "ngày xác minh")
        if state in PAUSED + ("terminated", "entrusted"):
            # Steps taken before the pause or the end are those whose dates the row gives.
            used.update(k for k in ("notified_on", "verified_on", "reverified_on") if v.get(k))
            if v.get("verified_on") and not v.get("notified_on"):
                need("notified_on", "ngày thông báo (có ngày xác minh)")
        if "notified_on" in used:
            add("notify", "notified_on", {}, 30)
        if "verified_on" in used or reached_verify:
            final_outcome = {"not_enforceable": "not_enforceable", "sent_back": "not_enforceable"}.get(
                state, "enforceable" if state in ("enforcing", "completed") else None)
            first = v["verification_outcome"] or final_outcome or "enforceable"
            if v.get("reverified_on"):
                used.add("reverified_on")
                add("verify", "verified_on", {"outcome": first}, 40)
                add("verify", "reverified_on", {"outcome": final_outcome or first}, 45)
            else:
                if final_outcome and v["verification_outcome"] and v["verification_outcome"] != final_outcome:
                    r.error("verification_outcome", f"Kết quả xác minh không khớp trạng thái «{label}» "
                                                    "(không có ngày xác minh lại).")
                add("verify", "verified_on", {"outcome": first}, 40)
        if state in PAUSED or (state == "terminated" and v.get("paused_on")):
            need("paused_on", "ngày hoãn / tạm đình chỉ")
            used.update(("pause_ground", "pause_ends_on", "by_agreement"))
            trigger = "suspend" if state == "suspended" else "postpone"
            ground = v["pause_ground"]
            if not ground:
                r.error("pause_ground", f"Trạng thái «{label}» cần căn cứ hoãn / tạm đình chỉ.")
            inputs = {"ground": ground, "ground_ends_on": v["pause_ends_on"]}
            if trigger == "postpone":
                inputs["by_agreement"] = v["by_agreement"]
            add(trigger, "paused_on", inputs, 70)
        if state in ("completed", "terminated", "entrusted", "sent_back"):
            need("closed_on", "ngày kết thúc")
            used.add("closing_ground")
            if state == "completed":
                add("complete", "closed_on", {}, 90)
            elif state == "terminated":
                add("terminate", "closed_on", _termination_inputs(r, v["closing_ground"]), 90)
            elif state == "entrusted":
                used.add("entrusted_to")
                if not v["entrusted_to"]:
                    r.error("entrusted_to", "Trạng thái «Ủy thác» cần cơ quan nhận ủy thác.")
                add("entrust", "closed_on", {"agency": v["entrusted_to"]}, 90)
            else:
                if v["closing_ground"]:
                    r.warn("closing_ground", "Bước gửi lại yêu cầu không lưu ghi chú; ghi chú này không được nhập.")
                    v["closing_ground"] = None
                add("send_back", "closed_on", {}, 90)

    # Dates given that this state's history does not use: imported without them, said so.
    for key in SPINE_DATES + ("case_file_on", "procuracy_on"):
        if v.get(key) is not None and key not in used and not (
                key in ("case_file_on", "procuracy_on") and "decision_date" in used):
            r.warn(key, f"Trạng thái «{label}» không dùng {BY_KEY[key].heading.lower()} "
                        f"({v[key]:%d/%m/%Y}); ngày này không được nhập.")
    if v.get("entrusted_to") and state != "entrusted":
        r.warn("entrusted_to", f"Trạng thái «{label}» không dùng cơ quan nhận ủy thác.")

    # The spine must go forward in time.
    for a, b in zip(spine, spine[1:], strict=False):
        if b.on < a.on:
            r.error(b.column, f"{BY_KEY[b.column].heading} ({b.on:%d/%m/%Y}) trước "
                              f"{BY_KEY[a.column].heading.lower()} ({a.on:%d/%m/%Y}).")
    if spine and rec.raw and spine[0].on < rec.raw["received_on"]:
        r.error(spine[0].column, f"{BY_KEY[spine[0].column].heading} ({spine[0].on:%d/%m/%Y}) trước ngày thụ lý.")
    if not r_ok(r):
        return

    floating = _floating_steps(r, rec, spine, state)
    if not r_ok(r):
        return
    rec.steps = _merge(spine, floating)


def r_ok(r: _Row) -> bool:
    return not any(p.level == "error" for p in r.problems)


def _termination_inputs(r: _Row, text: str | None) -> dict:
    from workflows._procedure import TERMINATION_GROUNDS

    if not text:
        r.warn("closing_ground", "Không có căn cứ đình chỉ; ghi «Căn cứ khác».")
        return {"ground": "other", "note": "Nhập từ sổ thụ lý, không ghi căn cứ."}
    word = norm(text)
    for code, vi, en in TERMINATION_GROUNDS:
        if word in (norm(code), norm(vi), norm(en)):
            return {"ground": code, "note": None}
    return {"ground": "other", "note": text}


def _floating_steps(r: _Row, rec: Record, spine: list[Step], state: str) -> list[Step]:
    """Acts, payments and non-money obligations done: placed by their dates among the spine."""
    v = rec.values
    out: list[Step] = []
    decided = next((s for s in spine if s.trigger == "decide"), None)
    end = next((s for s in spine if s.priority == 90 and s.trigger != "refuse"), None)
    if decided:
        for key, kind in (("case_file_on", "case_file"), ("procuracy_on", "procuracy")):
            if v.get(key):
                if v[key] < decided.on:
                    r.error(key, f"{BY_KEY[key].heading} trước ngày quyết định thi hành án.")
                else:
                    out.append(Step("act", kind, v[key], {}, key, 20))
    money = [("collected", "collected_on", "collection", 50), ("reduced", "reduced_on", "reduction", 51),
             ("paid_out", "paid_out_on", "payout", 52)]
    if v["collected"] + v["reduced"] > rec.amount_total:
        r.error("collected", f"Đã thu và miễn, giảm ({v['collected'] + v['reduced']:,} đồng) vượt số tiền phải "
                             f"thi hành ({rec.amount_total:,} đồng).".replace(",", "."))
    if v["paid_out"] > v["collected"]:
        r.error("paid_out", "Số đã chi trả vượt số đã thu.")
    for amount_key, date_key, kind, priority in money:
        amount = v[amount_key]
        if amount <= 0:
            if v.get(date_key):
                r.warn(date_key, f"Có {BY_KEY[date_key].heading.lower()} nhưng không có số tiền; ngày này không được nhập.")
            continue
        if decided is None:
            r.error(amount_key, f"Trạng thái «{STATE_LABELS[state]}» không thể có tiền đã thu, chi, giảm.")
            continue
        on = v.get(date_key)
        if on is None:
            on = end.on if end else max(s.on for s in spine)
            r.warn(date_key, f"Không có {BY_KEY[date_key].heading.lower()}; ghi nhận vào ngày {on:%d/%m/%Y}.")
        if on < decided.on:
            r.error(date_key, f"{BY_KEY[date_key].heading} trước ngày quyết định thi hành án.")
        elif end and on > end.on:
            r.error(date_key, f"{BY_KEY[date_key].heading} ({on:%d/%m/%Y}) sau ngày kết thúc ({end.on:%d/%m/%Y}).")
        out.append(Step("payment", kind, on, {"amount": amount}, date_key, priority))
    if state == "completed":
        remaining = rec.amount_total - v["collected"] - v["reduced"]
        if remaining > 0:
            r.error("collected", f"Trạng thái «Thi hành xong» nhưng còn {remaining:,} đồng chưa thu "
                                 "(đã thu + miễn, giảm phải bằng số tiền phải thi hành).".replace(",", "."))
        for i, o in enumerate(rec.raw["obligations"]):
            if o["amount"] is None and end:
                out.append(Step("done", str(i), end.on, {"description": o["description"]}, "closed_on", 85))
    return out


def _merge(spine: list[Step], floating: list[Step]) -> list[Step]:
    """Spine and floating steps in date order; on the same day a floating step goes after the
    steps that open its deadline (decide, notify, verify) and before those that cancel or end."""
    steps = list(spine)
    for s in sorted(floating, key=lambda x: (x.on, x.priority)):
        pos = len(steps)
        for i, t in enumerate(steps):
            if t.on > s.on or (t.on == s.on and t.priority > s.priority):
                pos = i
                break
        steps.insert(pos, s)
    return steps


# --------------------------------------------------------------------------- the dry run


def simulate(rec: Record, cal, today: date, heading=lambda key: BY_KEY[key].heading) -> None:
    """Fire ``rec``'s steps on the workflow machines and plan their deadlines; add a problem for
    a step the law would refuse and a warning for each agency deadline already overdue today.
    Mirrors the bookkeeping of ``lifecycle.apply_transition`` / ``record_payment`` /
    ``record_act`` on a plain ``CaseContext`` (nothing is written)."""
    heading_of = heading
    raw = rec.raw
    received = raw["received_on"]
    wf0 = workflow_for(received)
    nonmoney = sum(1 for o in raw["obligations"] if o["amount"] is None)
    ctx = CaseContext(state=wf0.initial, on=received, kind=raw["kind"], interim=raw["interim"],
                      money_remaining=rec.amount_total, nonmoney_pending=nonmoney)
    open_: list = list(plan_initial(wf0, ctx, received, cal))
    collected = paid = 0
    for step in rec.steps:
        ctx.on = step.on
        key, heading = step.column, heading_of(step.column)
        if step.kind == "transition":
            wf = workflow_for(step.on)
            if not wf.has_trigger(step.trigger):
                rec.problems.append(Problem(rec.row, key, heading, "error",
                                            f"Bước «{step.trigger}» không có trong quy trình áp dụng ngày {step.on:%d/%m/%Y}."))
                return
            t = wf.transition(step.trigger)
            clean, errors = validate_inputs(t, step.inputs, on=step.on)
            if errors:
                for name, message in errors.items():
                    rec.problems.append(Problem(rec.row, key, heading, "error", f"{name}: {message}"))
                return
            from_state = ctx.state
            try:
                new = CaseMachine.for_workflow(wf).fire(ctx, step.trigger, clean)
            except InvalidTransition as exc:
                rec.problems.append(Problem(rec.row, key, heading, "error", exc.message_vi))
                return
            if new in PAUSED:
                ctx.previous_state = from_state
            elif step.trigger == "resume":
                ctx.previous_state = None
            if new == "not_enforceable":
                ctx.not_enforceable_since = ctx.not_enforceable_since or step.on
            elif new not in PAUSED:
                ctx.not_enforceable_since = None
            open_ = [d for d in open_ if d.kind not in t.closes]
            if t.cancels_open or wf.state(new).final:
                open_ = [d for d in open_ if d.kind == "payout"]
            open_ += plan_transition(wf, t, ctx, clean, step.on, cal, new_state=new)
        elif step.kind == "payment":
            if ctx.state in ("received", "refused", "terminated", "completed", "entrusted", "sent_back"):
                rec.problems.append(Problem(rec.row, key, heading, "error",
                                            "Không thể ghi nhận tiền cho việc ở trạng thái này."))
                return
            amount = step.inputs["amount"]
            if step.trigger in ("collection", "reduction"):
                ctx.money_remaining -= amount
            if step.trigger == "collection":
                collected += amount
                from workflows import PlannedDeadline

                rule = rule_for("payout", step.on)
                open_.append(PlannedDeadline("payout", rule, step.on, due_date(rule, step.on, cal)))
            elif step.trigger == "payout":
                paid += amount
                if paid >= collected:
                    open_ = [d for d in open_ if d.kind != "payout"]
        elif step.kind == "act":
            if not any(d.kind == step.trigger for d in open_):
                step.skip = True
                rec.problems.append(Problem(rec.row, key, heading, "warning",
                                            f"Thời hạn «{KIND_LABELS[step.trigger][0]}» không còn mở vào ngày "
                                            f"{step.on:%d/%m/%Y}; ngày này không được nhập."))
                continue
            open_ = [d for d in open_ if d.kind != step.trigger]
        elif step.kind == "done":
            ctx.nonmoney_pending -= 1
    rec.open_deadlines = open_
    for d in sorted(open_, key=lambda d: d.due_on):
        if d.rule.actor != "debtor" and d.due_on < today:
            rec.problems.append(Problem(
                rec.row, "state", heading_of("state"), "warning",
                f"Thời hạn «{KIND_LABELS[d.kind][0]}» đã quá hạn (hạn {d.due_on:%d/%m/%Y})."))
