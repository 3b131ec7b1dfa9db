"""Demo data: a province modelled on the seed (Phú Thọ after the 2025 merger), its three
regional offices, a dozen users and a few hundred cases moved through realistic histories
by the same services the web uses."""
from __future__ import annotations

import random
from datetime import date, timedelta

from thads.extensions import db
from thads.services import accounts, lifecycle
from thads.services.cases import register_case
from thads.services.deadlines import calendar

DEMO_PASSWORD = "thads-demo-2026"  # passes the password policy (thads.services.passwords)

UNITS = [
    ("PT", "Thi hành án dân sự tỉnh Phú Thọ", "province", None),
    ("PT-KV1", "Phòng Thi hành án dân sự khu vực 1 – Phú Thọ (Việt Trì)", "regional", "PT"),
    ("PT-KV2", "Phòng Thi hành án dân sự khu vực 2 – Phú Thọ (Vĩnh Yên)", "regional", "PT"),
    ("PT-KV3", "Phòng Thi hành án dân sự khu vực 3 – Phú Thọ (Hòa Bình)", "regional", "PT"),
]

# username, full name, unit, roles
USERS = [
    ("admin", "Quản trị hệ thống", "PT", ["admin"]),
    ("thutruong", "Nguyễn Văn Hùng", "PT", ["head"]),
    ("photruong", "Trần Thị Mai", "PT", ["deputy", "supervisor"]),
    ("thamtra", "Lê Quang Vinh", "PT", ["inspector"]),
    ("ketoan", "Phạm Thị Hoa", "PT", ["accountant"]),
    ("truongkv1", "Đỗ Minh Tuấn", "PT-KV1", ["head", "supervisor"]),
    ("chv1a", "Hoàng Văn Nam", "PT-KV1", ["officer"]),
    ("chv1b", "Vũ Thị Lan", "PT-KV1", ["officer"]),
    ("thuky1", "Bùi Thị Ngọc", "PT-KV1", ["clerk"]),
    ("truongkv2", "Ngô Đức Thắng", "PT-KV2", ["head", "supervisor"]),
    ("chv2a", "Đặng Văn Long", "PT-KV2", ["officer"]),
    ("chv2b", "Phan Thị Thu", "PT-KV2", ["officer"]),
    ("truongkv3", "Đinh Công Sơn", "PT-KV3", ["head", "supervisor"]),
    ("chv3a", "Lò Văn Pấng", "PT-KV3", ["officer"]),
    ("chv3b", "Hà Thị Xuân", "PT-KV3", ["officer"]),
]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Ngọc", "Xuân", "Công"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hạnh", "Khánh", "Linh", "Mạnh", "Nga", "Oanh",
         "Phúc", "Quyên", "Sơn", "Tâm", "Uyên", "Việt", "Yến", "Đạt"]
COMPANIES = ["Công ty TNHH Xây dựng Hùng Vương", "Công ty CP Gốm sứ Thanh Hà", "Ngân hàng TMCP Phương Đông – CN Phú Thọ",
             "Quỹ tín dụng nhân dân Vĩnh Yên", "Công ty TNHH Thương mại Sông Đà"]
PLACES = ["phường Tiên Cát, Phú Thọ", "phường Vĩnh Yên, Phú Thọ", "phường Hòa Bình, Phú Thọ",
          "xã Lâm Thao, Phú Thọ", "xã Tam Đảo, Phú Thọ", "xã Mai Châu, Phú Thọ", "phường Phúc Yên, Phú Thọ"]
COURTS = ["Tòa án nhân dân tỉnh Phú Thọ", "Tòa án nhân dân khu vực 1 – Phú Thọ",
          "Tòa án nhân dân khu vực 2 – Phú Thọ", "Tòa án nhân dân khu vực 3 – Phú Thọ"]
OBLIGATIONS = [("Trả nợ tiền vay", 3), ("Bồi thường thiệt hại về sức khỏe", 1), ("Cấp dưỡng nuôi con", 1),
               ("Án phí dân sự sơ thẩm", 2), ("Trả tiền mua bán hàng hóa", 3), ("Bồi thường thiệt hại tài sản", 3)]

# How a demo case's history ends, with weights.
ENDINGS = [("received", 4), ("decided", 6), ("notified", 8), ("enforcing", 20), ("completed", 22),
           ("not_enforceable", 14), ("postponed", 4), ("suspended", 3), ("terminated", 5),
           ("entrusted", 3), ("refused", 2)]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def load_demo(n_cases: int = 300, seed: int = 2026, today: date | None = None) -> dict:
    from thads.services import clock

    today = today or clock.today()
    rng = random.Random(seed)
    for code, name, kind, parent in UNITS:
        accounts.create_unit(code, name, kind, parent)
    users = {}
    for username, full_name, unit, roles in USERS:
        users[username] = accounts.create_user(username, DEMO_PASSWORD, unit, roles, full_name=full_name,
                                               email=f"{username}@thads.example.vn")
    db.session.flush()
    offices = {"PT-KV1": ("truongkv1", ["chv1a", "chv1b"]), "PT-KV2": ("truongkv2", ["chv2a", "chv2b"]),
               "PT-KV3": ("truongkv3", ["chv3a", "chv3b"])}
    cal = calendar()
    counts: dict[str, int] = {}
    start = date(2025, 1, 2)
    span = (today - timedelta(days=20) - start).days
    for i in range(n_cases):
        office = rng.choice(list(offices))
        head_name, officer_names = offices[office]
        head, officer = users[head_name], users[rng.choice(officer_names)]
        clerk = users["thuky1"] if office == "PT-KV1" else head
        # A few old on-request cases (2024) so "send back after two years" exists under the new law.
        old = i % 60 == 0
        received = date(2024, rng.randint(1, 6), rng.randint(1, 28)) if old else start + timedelta(days=rng.randint(0, span))
        received = cal.next_working_day(received)
        if received > today:
            received = today
        kind = "on_request" if (old or rng.random() < 0.7) else "ex_officio"
        debtor_is_company = rng.random() < 0.15
        amount_parts = [rng.choice([5, 12, 30, 48, 75, 120, 250, 600, 1500]) * 1_000_000 + rng.randint(0, 99) * 10_000
                        for _ in range(rng.randint(1, 2))]
        obligations = [{"description": d, "amount": a, "rank": r}
                       for (d, r), a in zip(rng.sample(OBLIGATIONS, len(amount_parts)), amount_parts, strict=True)]
        if rng.random() < 0.08:
            obligations.append({"description": "Giao trả quyền sử dụng đất", "amount": None, "rank": 3})
        raw = {
            "unit": office, "kind": kind, "received_on": received,
            "judgment": {"court": rng.choice(COURTS), "number": f"{rng.randint(1, 399)}/{received.year}/DS-ST",
                         "date": received - timedelta(days=rng.randint(20, 90)),
                         "effective_on": received - timedelta(days=rng.randint(5, 19))},
            "parties": [
                {"role": "creditor", "kind": "person", "name": person(rng), "id_number": f"0{rng.randint(10**10, 10**11 - 1)}",
                 "address": rng.choice(PLACES)},
                {"role": "debtor", "kind": "organisation" if debtor_is_company else "person",
                 "name": rng.choice(COMPANIES) if debtor_is_company else person(rng),
                 "id_number": None if debtor_is_company else f"0{rng.randint(10**10, 10**11 - 1)}",
                 "address": rng.choice(PLACES)},
            ],
            "obligations": obligations,
            "priority": rng.random() < 0.05,
        }
        case = register_case(clerk, raw, today=today)
        ending = "not_enforceable_sent_back" if old else rng.choices([e for e, _ in ENDINGS], [w for _, w in ENDINGS])[0]
        if ending == "refused" and kind != "on_request":
            ending = "decided"
        final = _play(case, ending, head, officer, rng, today, cal)
        counts[final] = counts.get(final, 0) + 1
    return {"units": len(UNITS), "users": len(USERS), "cases": n_cases, "states": dict(sorted(counts.items()))}


def _play(case, ending, head, officer, rng, today, cal) -> str:
    """Move ``case`` along a plausible history towards ``ending`` with dates that respect the
    deadlines most of the time (some are late, so boards have overdue work)."""
    day = case.received_on

    def step(actor, trigger, gap, **inputs):
        nonlocal day
        nxt = cal.add_working_days(day, gap)
        if nxt > today:
            return False
        day = nxt
        lifecycle.apply_transition(actor, case.id, trigger, on=day, inputs=inputs, today=today)
        return True

    if ending == "received":
        return case.state
    if ending == "refused":
        step(head, "refuse", rng.randint(1, 5), reason="Đơn yêu cầu đã hết thời hiệu (Điều 30).")
        return case.state
    if not step(head, "decide", rng.randint(1, 7), decision_number=f"{case.number}/QĐ-CTHADS", officer=officer.username):
        return case.state
    # The officer opens the case file and the decision goes to the procuracy (sometimes late).
    decided = day
    for kind in ("case_file", "procuracy"):
        on = cal.add_working_days(decided, rng.choice([1, 2, 2, 3, 5]))
        if on <= today:
            day = max(day, on)
            lifecycle.record_act(officer, case.id, kind, on=day, today=today)
    if ending == "decided":
        return case.state
    if not step(officer, "notify", rng.randint(1, 4)):
        return case.state
    if ending == "notified":
        return case.state
    outcome = "not_enforceable" if ending.startswith("not_enforceable") else "enforceable"
    if not step(head if outcome == "not_enforceable" else officer, "verify", rng.randint(9, 22), outcome=outcome):
        return case.state
    if ending == "not_enforceable_sent_back":
        # Two years later, under the new law, the on-request case is sent back.
        target = case.not_enforceable_since.replace(year=case.not_enforceable_since.year + 2) + timedelta(days=3)
        target = max(target, date(2026, 7, 1))
        if target <= today:
            lifecycle.apply_transition(head, case.id, "send_back", on=cal.next_working_day(target),
                                       inputs={"note": "Hết 02 năm chưa có điều kiện thi hành"}, today=today)
        return case.state
    if ending in ("not_enforceable",):
        return case.state
    if ending in ("postponed", "suspended"):
        trigger = "postpone" if ending == "postponed" else "suspend"
        step(head, trigger, rng.randint(2, 15), ground="Người phải thi hành án ốm nặng, có xác nhận của cơ sở y tế")
        return case.state
    if ending == "terminated":
        step(head, "terminate", rng.randint(5, 30), ground="creditor_withdrew")
        return case.state
    if ending == "entrusted":
        step(head, "entrust", rng.randint(2, 10), agency="Thi hành án dân sự tỉnh Tuyên Quang")
        return case.state
    # enforcing / completed: collect money in one to three instalments.
    instalments = 1 if ending == "completed" else rng.randint(0, 2)
    remaining = case.remaining
    for n in range(instalments if ending != "completed" else 3):
        if remaining <= 0:
            break
        part = remaining if (ending == "completed" and n == 2) else remaining // rng.randint(2, 4)
        if ending == "completed" and n == instalments - 1 and instalments == 1:
            part = remaining
        nxt = cal.add_working_days(day, rng.randint(5, 20))
        if nxt > today or part <= 0:
            break
        day = nxt
        lifecycle.record_payment(officer, case.id, amount=part, on=day, receipt_number=f"BL{case.id:05d}-{n + 1}", today=today)
        remaining -= part
        nxt = cal.add_working_days(day, rng.randint(2, 8))
        if nxt <= today and case.collected > case.paid_out:
            day = nxt
            lifecycle.record_payment(officer, case.id, amount=case.collected - case.paid_out, on=day,
                                     kind="payout", today=today)
    if ending == "completed" and case.remaining == 0:
        for o in list(case.obligations):
            if o.amount is None and not o.done:
                lifecycle.mark_obligation_done(officer, case.id, o.id, on=day, today=today)
        step(head, "complete", rng.randint(1, 5))
    return case.state
