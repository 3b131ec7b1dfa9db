"""Statistics on random histories built through the services: the form's identities hold, and every
figure (and its drill-down list) equals a naive recount done in Python from the events."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import case_input
from thads.extensions import db
from thads.models import CaseEvent
from thads.services import stats
from thads.services.errors import InvalidInput, InvalidTransition

TODAY = date(2026, 11, 20)
FINAL = ("refused", "entrusted", "terminated", "sent_back", "completed")
GROUNDS = ("Đương sự thỏa thuận hoãn thi hành án", "Người phải thi hành án bị ốm nặng")


def _office(w, rng):
    return rng.choice([
        (w.office_a, w.head_a, "officer_a"), (w.office_b, w.head_b, "officer_b"), (w.province, w.head_p, "officer_a"),
    ])


def build_random_histories(w, n: int, seed: int, first=date(2021, 6, 1), last=date(2026, 10, 31),
                           until: date = TODAY) -> list[int]:
    """Register ``n`` cases and walk each through random transitions and payments, all dated."""
    from thads.services.cases import register_case

    rng = random.Random(seed)
    ids = []
    span = (last - first).days
    for i in range(n):
        unit, head, officer = _office(w, rng)
        received = first + timedelta(days=rng.randrange(span))
        kind = rng.choice(["ex_officio", "on_request"])
        amount = rng.choice([5_000_000, 12_500_000, 150_000_000, 2_000_000_000]) + rng.randrange(1000)
        raw = case_input(
            kind=kind, unit=unit.code, received_on=received.isoformat(),
            judgment={"court": "TAND tỉnh", "number": f"{i}/BA", "date": (received - timedelta(days=40)).isoformat()},
            obligations=[{"description": "Trả tiền", "amount": amount}],
        )
        case = register_case(head, raw, today=TODAY)
        db.session.commit()
        ids.append(case.id)
        walk_case(rng, case, head, officer, received, until)
    return ids


def walk_case(rng, case, head, officer, day: date, until: date) -> None:
    """Random dated steps on one case, none after ``until``."""
    from thads.services.lifecycle import apply_transition, record_payment

    for _step in range(12):
        day += timedelta(days=rng.choice([0, 3, 10, 40, 120, 300]))
        if day > until:
            break
        db.session.refresh(case)
        if case.state in FINAL:
            break
        action = _choose(rng, case, officer)
        if action is None:
            break
        try:
            if action[0] == "pay":
                record_payment(head, case.id, amount=action[2], kind=action[1], on=day, today=TODAY)
            else:
                apply_transition(head, case.id, action[1], on=day, inputs=action[2], today=TODAY)
            db.session.commit()
        except (InvalidTransition, InvalidInput):
            db.session.rollback()


def _choose(rng, case, officer):
    s = case.state
    remaining = case.remaining
    pay = []
    if remaining > 0:
        pay = [("pay", "collection", rng.choice([remaining, max(1, remaining // 3)])),
               ("pay", "reduction", max(1, remaining // 4))]
    ground = {"ground": rng.choice(GROUNDS)}
    options = {
        "received": [("t", "decide", {"decision_number": "QĐ", "officer": officer})] * 6
        + [("t", "refuse", {"reason": "Hết thời hiệu"})],
        "decided": [("t", "notify", {})] * 4 + [("t", "postpone", ground), ("t", "entrust", {"agency": "THADS B"})],
        "notified": [("t", "verify", {"outcome": "enforceable"})] * 3
        + [("t", "verify", {"outcome": "not_enforceable"})] * 2 + [("t", "suspend", ground)],
        "enforcing": pay * 3 + [("t", "complete", {})] * (4 if remaining == 0 else 0)
        + [("t", "postpone", ground), ("t", "suspend", ground), ("t", "terminate", {"ground": "creditor_withdrew"}),
           ("t", "entrust", {"agency": "THADS C"})],
        "not_enforceable": [("t", "verify", {"outcome": "not_enforceable"})] * 3
        + [("t", "verify", {"outcome": "enforceable"}), ("t", "send_back", {}), ("t", "postpone", ground)] + pay[:1],
        "postponed": [("t", "resume", {})] * 3 + [("t", "terminate", {"ground": "exempted"})] + pay[:1],
        "suspended": [("t", "resume", {})] * 3 + [("t", "terminate", {"ground": "other"})],
    }.get(s)
    if not options:
        return None
    return rng.choice(options)


# ----------------------------------------------------------------------------- the naive recount

def _years_before(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year - n)
    except ValueError:
        return d.replace(year=d.year - n, day=28)


def naive_classify(events: list, kind: str, period: stats.Period, unit_ids: set[int], suspended_as: str):
    """Classify one case from its events, written independently of the SQL (plain Python)."""
    start, cutoff = period.start, period.cutoff
    evs = [e for e in events if e.on <= cutoff]
    if not evs or evs[-1].unit_id not in unit_ids:
        return None
    reg = evs[0]
    assert reg.kind == "registered"
    state = evs[-1].to_state
    prev = [e for e in evs if e.on < start]
    if reg.on >= start:
        origin = "new"
    else:
        sp = prev[-1].to_state
        if sp in FINAL:
            return None
        separate = False
        if sp == "not_enforceable":
            i = len(prev) - 1
            while prev[i].to_state == "not_enforceable":
                i -= 1
            since = prev[i + 1].on
            day_before = start - timedelta(days=1)
            separate = since <= _years_before(day_before, 2) and (kind == "ex_officio" or day_before < date(2026, 7, 1))
        origin = "bf" if not separate else ("reopened" if state != "not_enforceable" else None)
    if origin is None or state == "refused":
        return None
    if state == "completed":
        bucket = "completed"
    elif state in ("terminated", "sent_back"):
        bucket = "terminated"
    elif state == "entrusted":
        bucket = "entrusted"
    elif state == "not_enforceable":
        bucket = "not_enforceable"
    elif state == "postponed":
        last_pp = [e for e in evs if e.trigger == "postpone"][-1]
        agreed = last_pp.inputs.get("by_agreement") or "thỏa thuận" in (last_pp.inputs.get("ground") or "").lower()
        bucket = "postponed" if agreed else suspended_as
    elif state == "suspended":
        bucket = suspended_as
    else:
        bucket = "in_progress"

    def paid(trigger, before):
        return sum(e.amount_delta for e in evs if e.kind == "payment" and e.trigger == trigger
                   and ((e.on < start) == before))

    handled = reg.amount_delta - paid("collection", True) - paid("reduction", True)
    collected, reduced = paid("collection", False), paid("reduction", False)
    return {"unit_id": evs[-1].unit_id, "origin": origin, "bucket": bucket, "suspended": state == "suspended",
            "handled": handled, "collected": collected, "reduced": reduced, "rest": handled - collected - reduced}


def naive_contribution(c: dict, figure: str) -> tuple[bool, int]:
    """(is the case counted in ``figure``, its money in ``figure``), from the form's definitions."""
    b, rest = c["bucket"], c["rest"]
    enf = ("completed", "terminated", "in_progress", "postponed")
    if figure == "total":
        return True, c["handled"]
    if figure == "brought_forward":
        return c["origin"] == "bf", c["handled"] if c["origin"] == "bf" else 0
    if figure == "new":
        return c["origin"] != "bf", c["handled"] if c["origin"] != "bf" else 0
    if figure in ("entrusted", "recalled", "in_progress", "postponed", "not_enforceable"):
        return b == figure, rest if b == figure else 0
    if figure == "suspended":
        return c["suspended"], rest if c["suspended"] else 0
    if figure == "to_enforce":
        out = b in ("entrusted", "recalled")
        return not out, c["handled"] - (rest if out else 0)
    if figure == "enforceable":
        return b in enf, c["handled"] - (rest if b not in enf else 0)
    if figure == "completed":
        return b == "completed", c["collected"] + (rest if b == "completed" else 0)
    if figure == "terminated":
        return b == "terminated", c["reduced"] + (rest if b == "terminated" else 0)
    if figure == "carried_forward":
        keep = b in ("in_progress", "postponed", "not_enforceable")
        return keep, rest if keep else 0
    raise AssertionError(figure)


def naive_report(period, unit_ids, suspended_as) -> dict[int, dict]:
    from thads.models import Case

    kinds = dict(db.session.execute(select(Case.id, Case.kind)).all())
    by_case: dict[int, list] = {}
    for e in db.session.scalars(select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.seq)):
        by_case.setdefault(e.case_id, []).append(e)
    out = {}
    for cid, evs in by_case.items():
        c = naive_classify(evs, kinds[cid], period, unit_ids, suspended_as)
        if c is not None:
            out[cid] = c
    return out


def assert_identities(f: stats.Figures, where: str) -> None:
    for measure in ("cases", "money"):
        x = getattr(f, measure)
        msg = f"{where} {measure}: {x}"
        assert x["total"] == x["brought_forward"] + x["new"], msg
        assert x["to_enforce"] == x["total"] - x["entrusted"] - x["recalled"], msg
        assert x["to_enforce"] == x["enforceable"] + x["not_enforceable"], msg
        assert x["enforceable"] == x["completed"] + x["terminated"] + x["in_progress"] + x["postponed"], msg
        assert x["carried_forward"] == x["to_enforce"] - x["completed"] - x["terminated"], msg
        assert x["carried_forward"] == x["in_progress"] + x["postponed"] + x["not_enforceable"], msg
        assert 0 <= x["suspended"] <= x["in_progress"] + x["postponed"], msg
        assert min(x.values()) >= 0, msg


PERIODS = [
    stats.Period(2024, 12), stats.Period(2025, 3), stats.Period(2025, 12), stats.Period(2026, 6),
    stats.Period(2026, 10), stats.Period(2026, 12), stats.Period(2026, 12, as_of=date(2026, 2, 14)),
    stats.Period(2027, 3),
]


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_adds_up_and_matches_a_naive_recount_of_its_drill_down(world, seed):
    build_random_histories(world, 45, seed)
    from thads.models import Unit

    units = db.session.scalars(select(Unit)).all()
    # The histories must reach the interesting places, or the test proves little.
    states = {e.to_state for e in db.session.scalars(select(CaseEvent))}
    assert {"completed", "not_enforceable", "postponed", "suspended", "terminated", "entrusted"} <= states

    seen_buckets: set[str] = set()
    for period in PERIODS:
        for setting in ("in_progress", "postponed"):
            report = stats.build_report(world.province, period, suspended_as=setting)
            for row in report.rows:
                assert_identities(row.figures, f"{period} {setting} {row.code}/{row.scope}")
            for row in report.rows:
                row_unit = next(u for u in units if u.id == row.unit_id)
                ids = ({row.unit_id} if row.scope == "own"
                       else {u.id for u in units if u.path.startswith(row_unit.path)})
                naive = naive_report(period, ids, setting)
                seen_buckets |= {c["bucket"] for c in naive.values()}
                for figure in stats.FIGURE_KEYS:
                    counted = {cid for cid, c in naive.items() if naive_contribution(c, figure)[0]}
                    money = {cid: naive_contribution(c, figure)[1] for cid, c in naive.items()}
                    assert row.figures.cases[figure] == len(counted), (period, setting, row.code, figure)
                    assert row.figures.money[figure] == sum(money.values()), (period, setting, row.code, figure)
                    if setting != "in_progress" or (row.scope == "own" and figure not in ("total", "completed")):
                        continue  # lists are checked for one setting and a few own-row figures (speed)
                    listed = stats.drill_down(world.province, period, figure, "cases", row_unit=row_unit,
                                              scope=row.scope, suspended_as=setting)
                    assert [r.case_id for r in listed] == sorted(counted)
                    listed_money = stats.drill_down(world.province, period, figure, "money", row_unit=row_unit,
                                                    scope=row.scope, suspended_as=setting)
                    assert {r.case_id: r.amount for r in listed_money} == {k: v for k, v in money.items() if v}
                    assert sum(r.amount for r in listed_money) == row.figures.money[figure]
    assert {"completed", "terminated", "in_progress", "not_enforceable", "entrusted", "postponed"} <= seen_buckets


def test_the_setting_moves_suspended_cases_between_in_progress_and_postponed(world):
    build_random_histories(world, 30, 7)
    period = stats.Period(2026, 12)
    a = stats.build_report(world.province, period, suspended_as="in_progress").total.figures
    b = stats.build_report(world.province, period, suspended_as="postponed").total.figures
    assert a.cases["suspended"] == b.cases["suspended"]
    assert a.cases["enforceable"] == b.cases["enforceable"]
    assert a.cases["in_progress"] + a.cases["postponed"] == b.cases["in_progress"] + b.cases["postponed"]
    assert b.cases["postponed"] - a.cases["postponed"] >= b.cases["suspended"]
