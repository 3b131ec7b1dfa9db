"""The lifecycle through the JSON API: statutory due dates under both laws, errors, concurrency."""
from __future__ import annotations

import http.client
import json
import re
import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import api_token, case_input, login

DECIDE = {"decision_number": "15/QĐ-CTHADS", "officer": "officer_a"}

# Each scenario: registration overrides, then steps (actor, trigger, on, inputs), then the
# expected deadlines as (kind, basis_on, due_on, law, status). Due dates were computed by hand
# on the Vietnamese calendar (see comments) — they are the specification, not program output.
SCENARIOS = {
    "old law, plain": (
        {"received_on": "2026-05-04"},
        [("head_a", "decide", "2026-05-06", DECIDE),
         ("officer_a", "notify", "2026-05-08", {}),
         ("head_a", "verify", "2026-05-20", {"outcome": "not_enforceable"})],
        [
            # 5 WD after Mon 04/05: 05, 06, 07, 08, 11 → met on 06/05
            ("decision", "2026-05-04", "2026-05-11", "law_2008", "met"),
            # 2 WD after Wed 06/05: 07, 08
            ("case_file", "2026-05-06", "2026-05-08", "law_2008", "open"),
            ("procuracy", "2026-05-06", "2026-05-11", "law_2008", "open"),
            ("notification", "2026-05-06", "2026-05-11", "law_2008", "met"),
            # 10 days from Fri 08/05 → Mon 18/05
            ("voluntary", "2026-05-08", "2026-05-18", "law_2008", "met"),
            # 10 days after the voluntary period ends (18/05) → Thu 28/05 (old law, Art 44)
            ("verification", "2026-05-18", "2026-05-28", "law_2008", "met"),
            # 6 months after 20/05/2026 → Fri 20/11/2026
            ("reverification", "2026-05-20", "2026-11-20", "law_2008", "open"),
        ],
    ),
    "new law, verification ends on a Saturday": (
        {"received_on": "2026-07-02"},
        [("head_a", "decide", "2026-07-03", DECIDE),
         ("officer_a", "notify", "2026-07-06", {})],
        [
            # 5 WD after Thu 02/07: 03, 06, 07, 08, 09
            ("decision", "2026-07-02", "2026-07-09", "law_2025", "met"),
            ("case_file", "2026-07-03", "2026-07-07", "law_2025", "open"),
            ("procuracy", "2026-07-03", "2026-07-08", "law_2025", "open"),
            ("notification", "2026-07-03", "2026-07-08", "law_2025", "met"),
            # 10 days from Mon 06/07 → Thu 16/07
            ("voluntary", "2026-07-06", "2026-07-16", "law_2025", "open"),
            # 9 days from 16/07 → Sat 25/07 → next working day Mon 27/07 (L106 Art 37)
            ("verification", "2026-07-16", "2026-07-27", "law_2025", "open"),
        ],
    ),
    "straddling 01/07/2026: opened under the old law, verified under the new": (
        {"received_on": "2026-06-15"},
        [("head_a", "decide", "2026-06-17", DECIDE),
         ("officer_a", "notify", "2026-06-26", {})],
        [
            ("decision", "2026-06-15", "2026-06-22", "law_2008", "met"),
            ("case_file", "2026-06-17", "2026-06-19", "law_2008", "open"),
            ("procuracy", "2026-06-17", "2026-06-22", "law_2008", "open"),
            # notified 26/06, after the 3 WD (22/06): missed
            ("notification", "2026-06-17", "2026-06-22", "law_2008", "missed"),
            # 10 days from Fri 26/06 → Mon 06/07
            ("voluntary", "2026-06-26", "2026-07-06", "law_2008", "open"),
            # voluntary period ends 06/07 (new law in force) → 9 days → Wed 15/07, not 16/07
            ("verification", "2026-07-06", "2026-07-15", "law_2025", "open"),
        ],
    ),
    "Tết and the 30/4–1/5 holidays": (
        {"received_on": "2026-02-12", "judgment": {"court": "TAND tỉnh", "number": "3/2026/DS-ST",
                                                   "date": "2026-01-05", "effective_on": "2026-02-05"}},
        [("head_a", "decide", "2026-02-13", DECIDE),
         ("officer_a", "notify", "2026-04-20", {})],
        [
            # 5 WD after Thu 12/02: Fri 13/02, (Tết 16–20/02), 23, 24, 25, 26
            ("decision", "2026-02-12", "2026-02-26", "law_2008", "met"),
            # 2 WD after Fri 13/02: 23/02, 24/02
            ("case_file", "2026-02-13", "2026-02-24", "law_2008", "open"),
            ("procuracy", "2026-02-13", "2026-02-25", "law_2008", "open"),
            ("notification", "2026-02-13", "2026-02-25", "law_2008", "missed"),
            # 10 days from Mon 20/04 → Thu 30/04 (holiday), 01/05 (holiday), weekend → Mon 04/05
            ("voluntary", "2026-04-20", "2026-05-04", "law_2008", "open"),
            ("verification", "2026-05-04", "2026-05-14", "law_2008", "open"),
        ],
    ),
}


def _post(client, url, headers, body):
    return client.post(url, headers=headers, json=body)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenarios_through_the_api_give_the_statutory_due_dates(app, world, name):
    overrides, steps, expected = SCENARIOS[name]
    client = app.test_client()
    clerk = api_token(world.clerk_a)
    tokens = {u: api_token(getattr(world, u)) for u in ("head_a", "officer_a")}
    created = _post(client, "/api/v1/cases", clerk, case_input(**overrides))
    assert created.status_code == 201, created.get_json()
    case = created.get_json()
    for actor, trigger, on, inputs in steps:
        resp = _post(client, f"/api/v1/cases/{case['id']}/transitions", tokens[actor],
                     {"trigger": trigger, "on": on, "version": case["version"], "inputs": inputs})
        assert resp.status_code == 200, (trigger, resp.get_json())
        case = resp.get_json()
    got = sorted((d["kind"], d["basis_on"], d["due_on"], d["law"], d["status"]) for d in case["deadlines"])
    assert got == sorted(expected)
    for d in case["deadlines"]:
        assert d["rule"] and d["legal_basis"]


def test_a_deadline_carries_its_rule_label_and_legal_basis_and_explanation(app, world):
    client = app.test_client()
    created = _post(client, "/api/v1/cases", api_token(world.clerk_a), case_input(received_on="2026-07-02"))
    case = created.get_json()
    case = _post(client, f"/api/v1/cases/{case['id']}/transitions", api_token(world.head_a),
                 {"trigger": "decide", "on": "2026-07-03", "inputs": DECIDE}).get_json()
    case = _post(client, f"/api/v1/cases/{case['id']}/transitions", api_token(world.officer_a),
                 {"trigger": "notify", "on": "2026-07-06"}).get_json()
    verification = next(d for d in case["deadlines"] if d["kind"] == "verification")
    assert verification["rule"] == "9 ngày"
    assert "106/2025" in verification["legal_basis"]
    assert "27/07/2026" in verification["explanation"] and "16/07/2026" in verification["explanation"]
    assert case["law"] == "law_2025" and case["state"] == "notified"
    assert [e["trigger"] for e in case["events"]] == [None, "decide", "notify"]
    assert {t["trigger"] for t in case["transitions"]} >= {"verify", "postpone", "terminate"}


def _events(case_id):
    from thads.extensions import db
    from thads.models import CaseEvent

    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id))


def _fresh_case(app, world):
    client = app.test_client()
    body = _post(client, "/api/v1/cases", api_token(world.clerk_a), case_input(received_on="2026-05-04")).get_json()
    return client, body


def test_bad_requests_get_their_documented_errors_and_change_nothing(app, world):
    client, case = _fresh_case(app, world)
    url = f"/api/v1/cases/{case['id']}/transitions"
    head, officer = api_token(world.head_a), api_token(world.officer_a)
    cases = [
        (head, {"trigger": "fly", "inputs": {}}, 422, "invalid_input"),  # not a trigger the schema declares
        (officer, {"trigger": "notify", "on": "2026-05-05"}, 422, "invalid_transition"),  # wrong state
        (head, {"trigger": "decide", "on": "2099-01-01", "inputs": DECIDE}, 422, "invalid_input"),  # future
        (head, {"trigger": "decide", "on": "2026-05-01", "inputs": DECIDE}, 422, "invalid_input"),  # before receipt
        (head, {"trigger": "decide", "on": "2026-13-45", "inputs": DECIDE}, 422, "invalid_input"),  # impossible
        (head, {"trigger": "decide", "version": case["version"] + 5, "inputs": DECIDE}, 409, "conflict"),
        (head, {"trigger": "decide", "version": "one", "inputs": DECIDE}, 422, "invalid_input"),
        (head, {"trigger": "decide", "inputs": "not-an-object"}, 422, "invalid_input"),
        (head, {"trigger": "decide", "inputs": {"decision_number": 12}}, 422, "invalid_input"),  # officer missing
        (head, {"trigger": 7}, 422, "invalid_input"),
        (officer, {"trigger": "decide", "inputs": DECIDE}, 403, "forbidden"),  # the head's decision
    ]
    for headers, body, status, code in cases:
        resp = _post(client, url, headers, body)
        assert resp.status_code == status, (body, resp.get_json())
        assert resp.get_json()["error"] == code, (body, resp.get_json())
        assert resp.get_json()["message"]
    malformed = client.post(url, headers={**head, "Content-Type": "application/json"}, data="{trigger:")
    assert malformed.status_code == 400 and malformed.get_json()["error"] == "malformed_json"
    after = client.get(f"/api/v1/cases/{case['id']}", headers=head).get_json()
    assert after["state"] == "received" and after["version"] == case["version"]
    assert _events(case["id"]) == 1


def test_an_officer_attempting_a_heads_decision_gets_403_and_no_event(app, world):
    client, case = _fresh_case(app, world)
    url = f"/api/v1/cases/{case['id']}/transitions"
    assert _post(client, url, api_token(world.head_a), {"trigger": "decide", "on": "2026-05-05", "inputs": DECIDE}).status_code == 200
    assert _post(client, url, api_token(world.officer_a), {"trigger": "notify", "on": "2026-05-06"}).status_code == 200
    before = _events(case["id"])
    resp = _post(client, url, api_token(world.officer_a),
                 {"trigger": "verify", "on": "2026-05-20", "inputs": {"outcome": "not_enforceable"}})
    assert resp.status_code == 403
    assert _events(case["id"]) == before
    # the same step as enforceable is the officer's own
    ok = _post(client, url, api_token(world.officer_a), {"trigger": "verify", "on": "2026-05-20", "inputs": {"outcome": "enforceable"}})
    assert ok.status_code == 200 and ok.get_json()["state"] == "enforcing"


def test_payments_update_money_open_the_payout_deadline_and_refuse_over_payment(app, world):
    client, case = _fresh_case(app, world)
    url = f"/api/v1/cases/{case['id']}"
    head, officer, acct = api_token(world.head_a), api_token(world.officer_a), api_token(world.accountant_a)
    _post(client, url + "/transitions", head, {"trigger": "decide", "on": "2026-05-05", "inputs": DECIDE})
    _post(client, url + "/transitions", officer, {"trigger": "notify", "on": "2026-05-06"})
    _post(client, url + "/transitions", officer, {"trigger": "verify", "on": "2026-05-20", "inputs": {"outcome": "enforceable"}})
    over = _post(client, url + "/payments", acct, {"amount": 150_000_001, "on": "2026-05-21"})
    assert over.status_code == 422 and "vượt quá" in over.get_json()["message"]
    bad = _post(client, url + "/payments", acct, {"amount": "12,5", "on": "2026-05-21"})
    assert bad.status_code == 422 and bad.get_json()["fields"]["amount"]
    paid = _post(client, url + "/payments", acct, {"amount": "100.000.000", "on": "2026-05-21", "receipt_number": "BL01"})
    assert paid.status_code == 201
    body = paid.get_json()
    assert body["money"]["collected"] == 100_000_000 and body["money"]["remaining"] == 50_000_000
    payout = next(d for d in body["deadlines"] if d["kind"] == "payout")
    assert payout["due_on"] == "2026-06-01"  # 10 days from Thu 21/05 → Sun 31/05 → Mon 01/06
    early = _post(client, url + "/transitions", head, {"trigger": "complete", "on": "2026-05-22"})
    assert early.status_code == 422 and early.get_json()["error"] == "invalid_transition"
    _post(client, url + "/payments", acct, {"amount": 50_000_000, "on": "2026-05-22"})
    done = _post(client, url + "/transitions", head, {"trigger": "complete", "on": "2026-05-25"})
    assert done.status_code == 200 and done.get_json()["state"] == "completed"


def test_list_filters_and_keyset_cursor_walk_every_case_once(app, world):
    client = app.test_client()
    clerk = api_token(world.clerk_a)
    ids = {_post(client, "/api/v1/cases", clerk, case_input()).get_json()["id"] for _ in range(7)}
    seen, cursor = [], None
    while True:
        url = "/api/v1/cases?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=clerk).get_json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    assert client.get("/api/v1/cases?state=completed", headers=clerk).get_json()["items"] == []
    assert client.get("/api/v1/cases?cursor=%%%", headers=clerk).status_code == 422
    overdue = client.get("/api/v1/cases?overdue=1", headers=clerk).get_json()["items"]
    assert {c["id"] for c in overdue} == ids  # decisions due in May 2026 are long overdue


def test_the_openapi_document_lists_every_api_route(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {("/api/v1" + p, m.upper()) for p, ops in doc["paths"].items() for m in ops}
    actual = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and not rule.rule.endswith("openapi.json"):
            path = re.sub(r"<int:(\w+)>", r"{\1}", rule.rule)  # case_id, measure_id…
            for m in rule.methods - {"HEAD", "OPTIONS"}:
                actual.add((path, m))
    assert actual == documented


@pytest.mark.postgres
def test_twenty_parallel_transitions_with_the_same_version_let_exactly_one_through(app, world, backend):
    if backend != "postgresql":
        pytest.skip("concurrency is a PostgreSQL property; SQLite serialises writers")
    from werkzeug.serving import make_server

    client, case = _fresh_case(app, world)
    headers = api_token(world.head_a)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def fire():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps({"trigger": "decide", "on": "2026-05-05", "version": case["version"], "inputs": DECIDE})
        barrier.wait()
        conn.request("POST", f"/api/v1/cases/{case['id']}/transitions", body,
                      {**headers, "Content-Type": "application/json"})
        statuses.append(conn.getresponse().status)

    try:
        workers = [threading.Thread(target=fire) for _ in range(20)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    finally:
        server.shutdown()
    assert sorted(statuses) == [200] + [409] * 19
    assert _events(case["id"]) == 2  # registration + exactly one decision


def test_the_case_page_offers_transition_buttons_and_a_stale_form_keeps_what_was_typed(app, world):
    from thads.extensions import db
    from thads.services import lifecycle

    client, case = _fresh_case(app, world)
    ui = app.test_client()
    login(ui, "head_a")
    page = ui.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "Ra quyết định thi hành án" in page and "11/05/2026" in page
    form = ui.get(f"/cases/{case['id']}/transitions/decide").get_data(as_text=True)
    token = csrf_token_from(form)
    version = case["version"]
    # Meanwhile someone else refuses the request.
    lifecycle.apply_transition(world.head_p, case["id"], "refuse", on="2026-05-05", inputs={"reason": "Hết thời hiệu"})
    db.session.commit()
    resp = ui.post(f"/cases/{case['id']}/transitions/decide", data={
        "csrf_token": token, "version": str(version), "seen_seq": "1", "on": "05/05/2026",
        "in_decision_number": "77/QĐ-GIỮ-LẠI", "in_officer": "officer_a"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "đã được người khác cập nhật" in html
    assert "77/QĐ-GIỮ-LẠI" in html  # what the user typed is still there
    assert "Từ chối" in html  # the change someone else made is named
    assert _events(case["id"]) == 2


def test_acts_close_the_case_file_and_procuracy_deadlines_without_changing_state(app, world):
    client, case = _fresh_case(app, world)
    url = f"/api/v1/cases/{case['id']}"
    head, officer = api_token(world.head_a), api_token(world.officer_a)
    _post(client, url + "/transitions", head, {"trigger": "decide", "on": "2026-05-06", "inputs": DECIDE})
    early = _post(client, url + "/acts", officer, {"kind": "case_file", "on": "2026-05-07"})
    assert early.status_code == 200 and early.get_json()["state"] == "decided"
    late = _post(client, url + "/acts", officer, {"kind": "procuracy", "on": "2026-05-12"}).get_json()
    status = {d["kind"]: d["status"] for d in late["deadlines"]}
    assert status["case_file"] == "met" and status["procuracy"] == "missed"  # due 08/05 and 11/05
    again = _post(client, url + "/acts", officer, {"kind": "case_file", "on": "2026-05-12"})
    assert again.status_code == 422 and again.get_json()["error"] == "invalid_transition"
    bad = _post(client, url + "/acts", officer, {"kind": "verification", "on": "2026-05-12"})
    assert bad.status_code == 422 and bad.get_json()["error"] == "invalid_input"
    assert [e["kind"] for e in late["events"]][-2:] == ["act", "act"]


def test_the_case_page_records_an_act_with_its_button(app, world):
    from thads.extensions import db
    from thads.models import Deadline
    from thads.services import lifecycle

    client, case = _fresh_case(app, world)
    lifecycle.apply_transition(world.head_a, case["id"], "decide", on="2026-05-06", inputs=DECIDE)
    db.session.commit()
    ui = app.test_client()
    login(ui, "officer_a")
    page = ui.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'data-testid="act-case_file"' in page and "Lập hồ sơ thi hành án" in page
    resp = ui.post(f"/cases/{case['id']}/acts/case_file", data={"csrf_token": csrf_token_from(page), "on": "07/05/2026"},
                   follow_redirects=True)
    assert "Đã ghi nhận" in resp.get_data(as_text=True)
    db.session.expire_all()
    row = db.session.query(Deadline).filter_by(case_id=case["id"], kind="case_file").one()
    assert row.status == "met"
