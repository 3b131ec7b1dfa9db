"""Factories that build test data through the services (never by writing rows by hand)."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from tests.conftest import csrf_token_from

PASSWORD = "secret-pass-1"


def build_world() -> SimpleNamespace:
    from thads.extensions import db
    from thads.services import accounts

    w = SimpleNamespace()
    w.province = accounts.create_unit("P", "THADS tỉnh Thử Nghiệm", "province")
    w.office_a = accounts.create_unit("P-A", "Phòng THADS khu vực A", "regional", "P")
    w.office_b = accounts.create_unit("P-B", "Phòng THADS khu vực B", "regional", "P")
    spec = [
        ("head_p", "P", ["head"]), ("admin", "P", ["admin"]), ("inspector_p", "P", ["inspector"]),
        ("head_a", "P-A", ["head", "supervisor"]), ("officer_a", "P-A", ["officer"]),
        ("officer_a2", "P-A", ["officer"]), ("clerk_a", "P-A", ["clerk"]),
        ("accountant_a", "P-A", ["accountant"]),
        ("head_b", "P-B", ["head", "supervisor"]), ("officer_b", "P-B", ["officer"]),
    ]
    for username, unit, roles in spec:
        user = accounts.create_user(username, PASSWORD, unit, roles, full_name=username.replace("_", " ").title(),
                                    email=f"{username}@example.test")
        setattr(w, username, user)
    db.session.commit()
    return w


def case_input(**overrides) -> dict:
    raw = {
        "kind": "on_request",
        "received_on": "2026-05-04",
        "judgment": {"court": "Tòa án nhân dân tỉnh Thử Nghiệm", "number": "12/2026/DS-ST",
                     "date": "2026-03-02", "effective_on": "2026-04-01"},
        "parties": [
            {"role": "creditor", "kind": "person", "name": "Trần Thị Bích", "id_number": "001190000001"},
            {"role": "debtor", "kind": "person", "name": "Nguyễn Văn Ánh", "id_number": "001085000002",
             "address": "phường Tiên Cát"},
        ],
        "obligations": [{"description": "Trả nợ tiền vay", "amount": 150_000_000, "rank": 3}],
    }
    raw.update(overrides)
    return raw


def make_case(actor, today: date = date(2026, 11, 26), **overrides):
    from thads.extensions import db
    from thads.services.cases import register_case

    case = register_case(actor, case_input(**overrides), today=today)
    db.session.commit()
    return case


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def api_token(user) -> dict:
    from thads.extensions import db
    from thads.services import accounts

    raw = accounts.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def decided_cases(w, n: int = 1) -> list:
    """Cases registered 04/05/2026 and decided 05/05/2026 with officer_a: each has case_file
    (due 07/05), procuracy and notification (due 08/05/2026, Điều 39 Luật THADS 2008) deadlines."""
    from thads.extensions import db
    from thads.services import lifecycle

    cases = []
    for i in range(n):
        case = make_case(w.officer_a, today=date(2026, 5, 4))
        lifecycle.apply_transition(w.head_a, case.id, "decide", on="2026-05-05",
                                   inputs={"decision_number": f"{i + 1}/QĐ-CCTHADS", "officer": "officer_a"},
                                   today=date(2026, 5, 5))
        db.session.commit()
        cases.append(case)
    return cases


def notification_rows(**filters) -> list:
    """Notification rows as stored now (fresh from the database), filtered by column values."""
    from thads.extensions import db
    from thads.models import Notification

    db.session.expire_all()
    stmt = db.select(Notification).order_by(Notification.id)
    for key, value in filters.items():
        stmt = stmt.where(getattr(Notification, key) == value)
    return list(db.session.scalars(stmt))
