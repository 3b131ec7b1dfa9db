"""Bulk benchmark data: units, officers, cases, parties, events and deadlines inserted with SQL.

Per-row services would take hours for hundreds of thousands of cases; this writes the same
tables directly in chunks (explicit ids, then the PostgreSQL sequences are moved past them).
The shape follows the demo: a province with regional offices, officers with thousands of
cases each, states spread like a real backlog, open deadlines computed on the working-day
calendar so that some are overdue, some at risk and most in the future. Each case gets a
``registered`` event, past ``received`` one ``transition`` event and a ``payment`` event per
money movement, hash-chained (and signed under ``AUDIT_KEY``) with the head on the case like the
services' so ``flask audit verify`` still passes.
"""
from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text

from thads.extensions import db
from thads.models import Case, CaseEvent, Deadline, Party, Unit, User, UserRole
from thads.models.cases import NO_DEADLINE
from thads.models.users import hash_password
from thads.services import clock
from thads.services.audit import GENESIS, audit_key, head_message, mac
from thads.services.deadlines import calendar
from thads.services.passwords import require_password_policy
from thads.services.values import fold
from workflows import law_for, workflow_for
from workflows.rules import due_date, rule_for

BENCH_PASSWORD = "bench-pass-1"
CHUNK = 5000

# state, weight, the trigger of its second event, the deadline kinds it has open
STATES = [
    ("received", 5, None, ["decision"]),
    ("decided", 8, "decide", ["case_file", "procuracy", "notification"]),
    ("notified", 10, "notify", ["voluntary", "verification"]),
    ("enforcing", 30, "verify", ["payout"]),
    ("not_enforceable", 15, "verify", ["reverification"]),
    ("postponed", 3, "postpone", ["resume"]),
    ("suspended", 2, "suspend", []),
    ("completed", 22, "complete", []),
    ("terminated", 5, "terminate", []),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Ngọc", "Xuân", "Công"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hạnh", "Khánh", "Linh", "Mạnh", "Nga", "Phúc",
         "Quyên", "Sơn", "Tâm", "Uyên", "Việt", "Yến", "Đạt", "Hường"]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def generate(n_cases: int, *, units: int = 10, officers_per_unit: int = 8, seed: int = 2026,
             today: date | None = None, prefix: str = "B", echo=print) -> dict:
    """Insert ``n_cases`` cases spread over ``units`` regional offices; returns a summary."""
    today = today or clock.today()
    rng = random.Random(seed)
    cal = calendar()
    started = time.monotonic()
    now = datetime.now(UTC)
    # One password for every bench user (usernames b_head, b_head1, b_o1_1…): the policy once.
    require_password_policy(BENCH_PASSWORD, f"{prefix.lower()}_head")
    pw_hash = hash_password(BENCH_PASSWORD)

    # Units and people: a province and its offices, one head and officers per office.
    uid = _next_id(Unit)
    province = {"id": uid, "code": f"{prefix}", "name": f"THADS tỉnh Thử Tải {prefix}", "kind": "province",
                "parent_id": None, "path": f"/{uid}/"}
    unit_rows = [province]
    for i in range(1, units + 1):
        u = uid + i
        unit_rows.append({"id": u, "code": f"{prefix}-KV{i}", "name": f"Phòng THADS khu vực {i} – Thử Tải {prefix}",
                          "kind": "regional", "parent_id": uid, "path": f"/{uid}/{u}/"})
    db.session.execute(Unit.__table__.insert(), unit_rows)
    next_user = _next_id(User)
    user_rows, role_rows, officers = [], [], {}
    low = prefix.lower()

    def add_user(username: str, full_name: str, unit_id: int, roles: list[str]) -> int:
        nonlocal next_user
        user_id = next_user
        next_user += 1
        user_rows.append({"id": user_id, "username": username, "full_name": full_name, "email": None,
                          "unit_id": unit_id, "active": True, "password_hash": pw_hash, "email_enabled": False,
                          "locale": None, "created_at": now})
        role_rows.extend({"user_id": user_id, "role": r} for r in roles)
        return user_id

    add_user(f"{low}_head", "Thủ trưởng Thử Tải", uid, ["head", "supervisor"])
    for row in unit_rows[1:]:
        i = row["code"].split("KV")[1]
        add_user(f"{low}_head{i}", f"Trưởng phòng khu vực {i}", row["id"], ["head", "supervisor"])
        officers[row["id"]] = [add_user(f"{low}_o{i}_{k}", f"{_person(rng)} ({i}.{k})", row["id"], ["officer"])
                               for k in range(1, officers_per_unit + 1)]
    db.session.execute(User.__table__.insert(), user_rows)
    db.session.execute(UserRole.__table__.insert(), role_rows)
    db.session.flush()

    weights = [w for _s, w, _t, _k in STATES]
    next_case, next_party, next_event, next_deadline = (_next_id(Case), _next_id(Party), _next_id(CaseEvent),
                                                        _next_id(Deadline))
    numbers: dict[tuple[int, int], int] = {}
    offices = [r["id"] for r in unit_rows[1:]]
    cases, parties, events, deadlines = [], [], [], []
    counts = {"cases": 0, "parties": 0, "events": 0, "deadlines": 0}

    def flush() -> None:
        for model, rows, key in ((Case, cases, "cases"), (Party, parties, "parties"),
                                 (CaseEvent, events, "events"), (Deadline, deadlines, "deadlines")):
            if rows:
                db.session.execute(model.__table__.insert(), rows)
                counts[key] += len(rows)
                rows.clear()

    for n in range(n_cases):
        unit_id = offices[n % len(offices)]
        officer_id = rng.choice(officers[unit_id])
        state, _w, trigger, kinds = rng.choices(STATES, weights)[0]
        # Open cases were last touched recently (so deadlines are a mix of overdue, near and far);
        # closed ones anywhere in the last two years.
        if state in ("completed", "terminated"):
            last = today - timedelta(days=rng.randint(1, 700))
            received = last - timedelta(days=rng.randint(20, 200))
        else:
            last = today - timedelta(days=int(rng.expovariate(1 / 25)))
            received = last - timedelta(days=rng.randint(0, 150) if state != "received" else 0)
        received = min(received, today)
        stat_year = received.year + 1 if received.month >= 10 else received.year
        key = (unit_id, stat_year)
        numbers[key] = numbers.get(key, 0) + 1
        number = numbers[key]
        amount = rng.choice([5, 12, 30, 48, 75, 120, 250, 600]) * 1_000_000 + rng.randint(0, 99) * 10_000
        collected = 0 if state in ("received", "decided", "notified") else rng.choice([0, 0, amount // 4, amount // 2])
        if state == "completed":
            collected = amount
        debtor, creditor = _person(rng), _person(rng)
        debtor_id, creditor_id = f"0{rng.randint(10**10, 10**11 - 1)}", f"0{rng.randint(10**10, 10**11 - 1)}"
        judgment = f"{rng.randint(1, 399)}/{received.year}/DS-ST"
        court = "Tòa án nhân dân khu vực Thử Tải"
        decision = f"{number}/QĐ-THADS" if state != "received" else None
        cid = next_case
        next_case += 1
        wf = workflow_for(last)
        display = f"{number}/{stat_year}"
        search = fold(" | ".join(x for x in (display, str(number), judgment, court, decision or "", creditor,
                                             creditor_id, debtor, debtor_id) if x))
        cases.append({
            "id": cid, "unit_id": unit_id, "stat_year": stat_year, "number": number,
            "kind": "on_request" if rng.random() < 0.7 else "ex_officio", "state": state,
            "previous_state": "enforcing" if state in ("postponed", "suspended") else None,
            "workflow": wf.id, "law": law_for(last), "officer_id": officer_id, "received_on": received,
            "court": court, "judgment_number": judgment, "judgment_date": received - timedelta(days=40),
            "judgment_effective_on": received - timedelta(days=10), "decision_number": decision,
            "decided_on": received if decision else None, "interim": False, "priority": rng.random() < 0.05,
            "not_enforceable_since": last if state == "not_enforceable" else None,
            "closed_on": last if state in ("completed", "terminated") else None, "last_event_on": last,
            "amount_total": amount, "collected": collected, "paid_out": collected if state == "completed" else 0,
            "reduced": 0, "nonmoney_pending": 0, "search_text": search, "version": 1,
            "created_at": now, "updated_at": now,
        })
        parties.append({"id": next_party, "case_id": cid, "role": "creditor", "kind": "person", "name": creditor,
                        "id_number": creditor_id, "address": None})
        parties.append({"id": next_party + 1, "case_id": cid, "role": "debtor", "kind": "person", "name": debtor,
                        "id_number": debtor_id, "address": None})
        next_party += 2
        # Money moves as payment events so that a replay of the events gives the case's columns
        # (``audit verify``): before the closing/pausing step, or after the verification.
        seq_events = [("registered", None, None, "received", received, amount)]
        payments = [("payment", "collection", None, None, last, collected)] if collected else []
        if collected and state == "completed":
            payments.append(("payment", "payout", None, None, last, collected))
        if trigger:
            before = {"decide": "received", "notify": "decided", "verify": "notified"}.get(trigger, "enforcing")
            step = [("transition", trigger, before, state, last, 0)]
            if before == "enforcing":
                seq_events += [(k, t, before, before, on, d) for k, t, _f, _s, on, d in payments] + step
            else:
                seq_events += step + [(k, t, state, state, on, d) for k, t, _f, _s, on, d in payments]
        prev, mac_key = GENESIS, audit_key()
        first_event = next_event
        for seq, (kind, trig, frm, to, on, delta) in enumerate(seq_events, start=1):
            ev = CaseEvent(case_id=cid, seq=seq, actor_id=officer_id, created_at=now, on=on, kind=kind,
                           trigger=trig, from_state=frm, to_state=to, officer_id=officer_id, unit_id=unit_id,
                           amount_delta=delta, inputs={}, legal_basis=None, prev_hash=prev)
            ev.hash = ev.compute_hash()
            prev = ev.hash
            events.append({"id": next_event, "case_id": cid, "seq": seq, "actor_id": officer_id, "created_at": now,
                           "on": on, "kind": kind, "trigger": trig, "from_state": frm, "to_state": to,
                           "officer_id": officer_id, "unit_id": unit_id, "amount_delta": delta, "inputs": {},
                           "legal_basis": None, "prev_hash": ev.prev_hash, "hash": ev.hash,
                           "mac": mac(mac_key, ev.hash) if mac_key else None})
            if kind == "transition":
                step_event = next_event
            next_event += 1
        if not trigger:
            step_event = first_event
        cases[-1].update(chain_seq=len(seq_events), chain_hash=prev,
                         chain_mac=mac(mac_key, head_message(cid, len(seq_events), prev)) if mac_key else None)
        if state == "enforcing" and not collected:
            kinds = []
        basis = last
        open_dues = []
        for kind in kinds:
            variant = None
            rule = rule_for(kind, basis, variant)
            due = due_date(rule, basis, cal)
            deadlines.append({
                "id": next_deadline, "case_id": cid, "kind": kind, "variant": variant, "law": rule.law,
                "basis_on": basis, "due_on": due, "amount": rule.amount, "unit": rule.unit.value,
                "legal_basis": rule.legal_basis, "status": "open", "opened_by_event_id": step_event,
                "closed_by_event_id": None, "closed_on": None, "recomputed_reason": None,
                "created_at": now, "updated_at": now,
            })
            next_deadline += 1
            if kind != "voluntary":  # the debtor's period is not the agency's work
                open_dues.append(due)
            if kind == "voluntary":
                basis = due  # verification runs from the end of the voluntary period
        cases[-1]["next_due_on"] = min(open_dues, default=NO_DEADLINE)
        if state != "received":  # the decision deadline, closed when decided
            rule = rule_for("decision", received)
            due = due_date(rule, received, cal)
            deadlines.append({
                "id": next_deadline, "case_id": cid, "kind": "decision", "variant": None, "law": rule.law,
                "basis_on": received, "due_on": due, "amount": rule.amount, "unit": rule.unit.value,
                "legal_basis": rule.legal_basis, "status": "met" if received <= due else "missed",
                "opened_by_event_id": first_event, "closed_by_event_id": step_event,
                "closed_on": received, "recomputed_reason": None, "created_at": now, "updated_at": now,
            })
            next_deadline += 1
        if len(cases) >= CHUNK:
            flush()
            if (n + 1) % 50_000 == 0:
                echo(f"bench-data: {n + 1} cases ({time.monotonic() - started:.0f} s)")
    flush()
    if db.session.get_bind().dialect.name == "postgresql":
        for table in ("unit", "user_account", "user_role", "enforcement_case", "party", "case_event", "deadline"):
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    db.session.flush()
    return {**counts, "units": len(unit_rows), "users": len(user_rows), "seconds": round(time.monotonic() - started, 1),
            "password": BENCH_PASSWORD, "province": province["code"]}
