"""Factories for the measures tests (issue 11): enforcing cases and a seizure-to-sale run, built
through the services with fixed dates."""
from __future__ import annotations

from datetime import date

D = date.fromisoformat


def enforcing_case(w, *, n: int = 1, obligations: list[dict] | None = None, officer: str = "officer_a",
                   close_acts: bool = True, **overrides):
    """A case of office A registered 04/05/2026, decided 05/05, notified 06/05 and found
    enforceable on 18/05/2026 (the case file and procuracy acts recorded, so only the measures'
    deadlines remain open)."""
    from tests.factories import make_case
    from thads.extensions import db
    from thads.services import lifecycle

    if obligations is not None:
        overrides["obligations"] = obligations
    actor = getattr(w, officer)
    case = make_case(actor, today=D("2026-05-04"), **overrides)  # registered in the officer's office
    head = w.head_a if case.unit_id == w.office_a.id else w.head_b
    lifecycle.apply_transition(head, case.id, "decide", on="2026-05-05", today=D("2026-05-05"),
                               inputs={"decision_number": f"{n}/QĐ-CCTHADS", "officer": officer})
    if close_acts:
        for act in ("case_file", "procuracy"):
            lifecycle.record_act(actor, case.id, act, on="2026-05-06", today=D("2026-05-06"))
    lifecycle.apply_transition(actor, case.id, "notify", on="2026-05-06", today=D("2026-05-06"))
    lifecycle.apply_transition(actor, case.id, "verify", on="2026-05-18", today=D("2026-05-18"),
                               inputs={"outcome": "enforceable"})
    db.session.commit()
    return case


# The seizure-to-sale run of a house (immovable) used by the service, queue and figures tests:
# (step, date, inputs). Deadlines (hand-computed, see docs/measures.md):
#   seize 19/05 → valuation due 26/05 (5 WD, Art 98(2));
#   valuation result 08/06 → auction contract due 18/06 (10 d, Art 101(1)), parties' windows 15/06;
#   auction contract 16/06 → auction due 31/07 (45 d, Art 101(2));
#   failed auction 29/07 → price reduction due 10/08 (10 d from 29/07 = Sat 08/08 → Mon; Law 106/2025 rule);
#   price reduced 05/08 → auction again due 21/09 (45 d = Sat 19/09 → Mon);
#   sold 10/09; proceeds 14/09 → payout due 24/09 (10 d, Art 47(5) / L106 Art 54(6)).
SALE_RUN = [
    ("valuation_contract", "2026-05-22", {"appraiser": "Công ty Thẩm định giá Hùng Vương", "contract_number": "15/HĐ"}),
    ("valuation_result", "2026-06-08", {"price": "2.000.000.000"}),
    ("auction_contract", "2026-06-16", {"auction_house": "Trung tâm Dịch vụ đấu giá tài sản tỉnh"}),
    ("auction_failed", "2026-07-29", {"reason": "Không có người đăng ký tham gia"}),
    ("reduce_price", "2026-08-05", {"new_price": "1.800.000.000"}),
    ("sold", "2026-09-10", {"price": "1.850.000.000", "buyer": "Công ty TNHH Minh Long"}),
    ("proceeds", "2026-09-14", {"amount": "150.000.000", "receipt_number": "BL-0091"}),
]
SEIZE = ("2026-05-19", {"asset": "Nhà và đất tại thửa 123, phường Tiên Cát", "asset_class": "immovable",
                        "price_basis": "valuation"})


def seize_house(w, case, actor=None, on: str = SEIZE[0]):
    from thads.extensions import db
    from thads.measures import services as measures

    m = measures.start_measure(actor or w.officer_a, case.id, "seize_sell", on=on, inputs=dict(SEIZE[1]), today=D(on))
    db.session.commit()
    return m


def step(w, case, measure, trigger: str, on: str, inputs: dict, actor=None):
    from thads.extensions import db
    from thads.measures import services as measures

    m = measures.record_step(actor or w.officer_a, case.id, measure.id, trigger, on=on, inputs=dict(inputs),
                             today=D(on))
    db.session.commit()
    return m
