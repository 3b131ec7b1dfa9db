"""Bad input to the JSON API gets a 4xx JSON error with a code and fields, and changes nothing.

Each case below was a 500 (or, on SQLite, silently stored) in the penetration test of issue 9;
every test runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select

from tests.factories import api_token, case_input, make_case

LONG = {"judgment.number": 64, "judgment.court": 200, "parties.0.name": 200, "parties.0.id_number": 32,
        "parties.0.address": 300, "obligations.0.description": 500}


def _count(model) -> int:
    from thads.extensions import db

    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _with(path: str, value) -> dict:
    """A valid registration with the field at ``path`` (``parties.0.name``) replaced."""
    raw = case_input()
    parts = path.split(".")
    node = raw
    for p in parts[:-1]:
        node = node[int(p)] if p.isdigit() else node[p]
    node[parts[-1]] = value
    return raw


def _assert_error(resp, status: int, code: str, field: str | None = None) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["error"] == code and isinstance(body["message"], str) and isinstance(body["fields"], dict)
    if field is not None:
        assert field in body["fields"], body
    return body


@pytest.mark.parametrize("path, limit", LONG.items())
def test_a_string_longer_than_its_column_is_refused_with_the_field_named(app, world, path, limit):
    from thads.models import Case

    client = app.test_client()
    headers = api_token(world.clerk_a)
    resp = client.post("/api/v1/cases", headers=headers, json=_with(path, "x" * (limit + 1)))
    body = _assert_error(resp, 422, "invalid_input", path)
    assert str(limit) in body["fields"][path]
    assert _count(Case) == 0
    # Exactly at the limit is fine.
    assert client.post("/api/v1/cases", headers=headers, json=_with(path, "x" * limit)).status_code == 201


@pytest.mark.parametrize("value", ["Nguyễn\x00Văn", "Nguyễn\ud800", "Tab\there", "\x7f"])
def test_nul_bytes_control_characters_and_lone_surrogates_are_refused(app, world, value):
    from thads.models import Case

    client = app.test_client()
    # json.dumps keeps a lone surrogate as the escape \ud800, as an attacker's client would send it.
    body = json.dumps(_with("parties.0.name", value))
    resp = client.post("/api/v1/cases", headers={**api_token(world.clerk_a), "Content-Type": "application/json"},
                       data=body)
    _assert_error(resp, 422, "invalid_input", "parties.0.name")
    assert _count(Case) == 0


@pytest.mark.parametrize("path, value", [
    ("unit", 1), ("unit", {"code": "P-A"}), ("officer", 5), ("officer", {"username": "officer_a"}),
    ("kind", ["on_request"]), ("interim", "yes"), ("judgment", "12/2026"), ("parties", {"role": "debtor"}),
    ("obligations.0.amount", 1.5), ("obligations.0.amount", True), ("obligations.0.rank", "3"),
])
def test_wrong_json_types_are_refused(app, world, path, value):
    from thads.models import Case

    resp = app.test_client().post("/api/v1/cases", headers=api_token(world.clerk_a), json=_with(path, value))
    _assert_error(resp, 422, "invalid_input", path)
    assert _count(Case) == 0


def test_money_is_bounded_per_obligation_and_in_total(app, world):
    from thads.models import Case

    client = app.test_client()
    headers = api_token(world.clerk_a)
    many = case_input(obligations=[{"description": f"Khoản {i}", "amount": 10**16} for i in range(1000)])
    resp = client.post("/api/v1/cases", headers=headers, json=many)
    body = _assert_error(resp, 422, "invalid_input")
    assert "obligations.0.amount" in body["fields"] or "obligations" in body["fields"]
    # 100 obligations of 10^15 each: each is allowed, their total is not.
    total = case_input(obligations=[{"description": f"Khoản {i}", "amount": 10**15} for i in range(2)])
    _assert_error(client.post("/api/v1/cases", headers=headers, json=total), 422, "invalid_input", "obligations")
    assert _count(Case) == 0


@pytest.mark.parametrize("amount", ["１０００", "١٢٣٤", "1.000.000.000.000.000.001", "1e6", "0x10", "-0", "1 500 000",
                                    "1.500.000 ₫", "1500000.00", "9999999999999999"])
def test_money_takes_ascii_digits_only_and_stays_in_range(app, world, amount):
    resp = app.test_client().post("/api/v1/cases", headers=api_token(world.clerk_a),
                                  json=_with("obligations.0.amount", amount))
    _assert_error(resp, 422, "invalid_input", "obligations.0.amount")


def test_full_width_digits_are_refused_by_payments_and_by_the_web_form(app, world, client):
    from tests.conftest import csrf_token_from
    from tests.factories import login
    from thads.extensions import db
    from thads.models import Payment
    from thads.services import lifecycle

    case = make_case(world.clerk_a, today=__import__("datetime").date(2026, 5, 4))
    lifecycle.apply_transition(world.head_a, case.id, "decide", on="2026-05-05",
                               inputs={"decision_number": "1/QĐ", "officer": "officer_a"})
    db.session.commit()
    api = app.test_client()
    resp = api.post(f"/api/v1/cases/{case.id}/payments", headers=api_token(world.accountant_a),
                    json={"amount": "１０００", "on": "2026-05-06"})
    _assert_error(resp, 422, "invalid_input", "amount")
    login(client, "accountant_a")
    page = client.get(f"/cases/{case.id}/payments").get_data(as_text=True)
    resp = client.post(f"/cases/{case.id}/payments", data={"csrf_token": csrf_token_from(page), "kind": "collection",
                                                          "amount": "１０００", "on": "06/05/2026"})
    assert resp.status_code == 200 and "Số tiền không hợp lệ" in resp.get_data(as_text=True)
    assert _count(Payment) == 0


@pytest.mark.parametrize("ends_on, message", [("9999-12-31", "10 năm"), ("0001-01-01", "không được trước"),
                                               ("2026-05-04", "không được trước")])
def test_a_grounds_end_date_must_lie_between_the_step_and_ten_years_after(app, world, ends_on, message):
    from thads.extensions import db
    from thads.models import CaseEvent
    from thads.services import lifecycle

    case = make_case(world.clerk_a, today=__import__("datetime").date(2026, 5, 4))
    lifecycle.apply_transition(world.head_a, case.id, "decide", on="2026-05-05",
                               inputs={"decision_number": "1/QĐ", "officer": "officer_a"})
    db.session.commit()
    before = _count(CaseEvent)
    resp = app.test_client().post(f"/api/v1/cases/{case.id}/transitions", headers=api_token(world.head_a), json={
        "trigger": "suspend", "on": "2026-05-06", "inputs": {"ground": "Tòa án yêu cầu", "ground_ends_on": ends_on}})
    body = _assert_error(resp, 422, "invalid_input", "ground_ends_on")
    assert message in body["fields"]["ground_ends_on"]
    assert _count(CaseEvent) == before


def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    _cursor([]), _cursor([True]), _cursor([2**31]), _cursor([-1]), _cursor("x"),
    base64.urlsafe_b64encode(b"[" * 1500 + b"1" + b"]" * 1500).decode().rstrip("="),
    base64.urlsafe_b64encode(b"[Infinity]").decode().rstrip("="), "!!!", "a" * 500,
])
def test_malformed_keyset_cursors_are_refused(app, world, cursor):
    resp = app.test_client().get("/api/v1/cases", headers=api_token(world.clerk_a), query_string={"cursor": cursor})
    _assert_error(resp, 422, "invalid_input", "cursor")


@pytest.mark.parametrize("url", [
    "/api/v1/notifications?cursor=2147483648", "/api/v1/notifications?cursor=-5", "/api/v1/notifications?cursor=x",
    "/api/v1/notifications?limit=1000", "/api/v1/cases?limit=0", "/api/v1/cases?state=flying",
    "/api/v1/cases?overdue=maybe", "/api/v1/cases?colour=red", "/api/v1/cases?q=a%00b",
])
def test_bad_query_parameters_are_refused(app, world, url):
    resp = app.test_client().get(url, headers=api_token(world.clerk_a))
    body = _assert_error(resp, 422, "invalid_input")
    assert body["fields"]


def test_ids_above_the_database_integer_are_404_not_500(app, world):
    client = app.test_client()
    headers = api_token(world.clerk_a)
    for url in ("/api/v1/cases/2147483648", "/api/v1/cases/99999999999999999999"):
        _assert_error(client.get(url, headers=headers), 404, "not_found")
        _assert_error(client.post(url + "/payments", headers=headers, json={"amount": 1}), 404, "not_found")


@pytest.mark.parametrize("data, content_type, status, code", [
    ("{nope", "application/json", 400, "malformed_json"),
    ('{"kind": NaN}', "application/json", 400, "malformed_json"),
    ('{"kind": Infinity}', "application/json", 400, "malformed_json"),
    ("[" * 100_000 + "]" * 100_000, "application/json", 400, "malformed_json"),
    ("", "application/json", 400, "malformed_json"),
    (b"\xff\xfe\xfa", "application/json", 400, "malformed_json"),
    ("[1, 2]", "application/json", 422, "invalid_input"),
    ("kind=on_request", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
])
def test_bodies_that_are_not_a_json_object_are_refused(app, world, data, content_type, status, code):
    from thads.models import Case

    resp = app.test_client().post("/api/v1/cases", headers={**api_token(world.clerk_a), "Content-Type": content_type},
                                  data=data)
    _assert_error(resp, status, code)
    assert _count(Case) == 0


def test_a_body_above_one_mebibyte_is_refused_with_413_before_it_is_parsed(app, world):
    raw = json.dumps(case_input(padding="x" * (1024 * 1024)))
    resp = app.test_client().post("/api/v1/cases", headers={**api_token(world.clerk_a),
                                                            "Content-Type": "application/json"}, data=raw)
    _assert_error(resp, 413, "payload_too_large")


def test_every_api_error_is_json_with_a_code_and_fields(app, world):
    client = app.test_client()
    _assert_error(client.get("/api/v1/cases"), 401, "unauthorized")
    _assert_error(client.get("/api/v1/nothing-here", headers=api_token(world.clerk_a)), 404, "not_found")
    resp = client.delete("/api/v1/cases", headers=api_token(world.clerk_a))
    _assert_error(resp, 405, "method_not_allowed")
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    _assert_error(client.post("/api/v1/cases", headers={**api_token(world.clerk_a), "Idempotency-Key": "short"},
                              json=case_input()), 422, "invalid_input", "Idempotency-Key")


def test_a_nul_byte_in_a_web_search_or_form_is_a_clear_400(app, world, client):
    from tests.factories import login

    login(client, "officer_a")
    for url in ("/search?q=a%00b", "/cases?q=%00", "/worklist?state=%00"):
        resp = client.get(url)
        assert resp.status_code == 400 and "ký tự không hợp lệ" in resp.get_data(as_text=True), url


def test_a_refused_request_does_not_use_up_its_idempotency_key(app, world):
    """The key is stored with the work or not at all: after a 422 the same key still registers
    (on SQLite too, where a savepoint taken before the first write used to commit the key)."""
    from thads.models import Case, IdempotencyKey

    client = app.test_client()
    headers = {**api_token(world.clerk_a), "Idempotency-Key": "retry-after-fix-0001"}
    bad = client.post("/api/v1/cases", headers=headers, json=case_input(parties=[{"role": "creditor", "name": "X"}]))
    _assert_error(bad, 422, "invalid_input")
    assert _count(IdempotencyKey) == 0
    good = client.post("/api/v1/cases", headers=headers, json=case_input())
    assert good.status_code == 201 and "Idempotent-Replayed" not in good.headers
    assert _count(Case) == 1 and _count(IdempotencyKey) == 1
