"""Races against a real threaded server on PostgreSQL: identical requests sent at the same instant
make exactly one change, and nobody gets a 5xx (issue 9, section 2).

Each test fires 20 requests from 20 threads released together by a barrier, over real HTTP.
"""
from __future__ import annotations

import http.client
import json
import re
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import api_token, case_input, login, make_case

pytestmark = pytest.mark.postgres
N = 20


@pytest.fixture
def pg_app(app, backend):
    if backend != "postgresql":
        pytest.skip("races are a PostgreSQL property here; SQLite serialises writers")
    return app


@contextmanager
def serving(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)


def fire_together(port: int, method: str, path: str, body: bytes, headers: dict) -> list[tuple[int, bytes]]:
    """Send the same request ``N`` times at once; every (status, body) that came back."""
    barrier = threading.Barrier(N)
    results: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def one():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        conn.request(method, path, body, headers)
        resp = conn.getresponse()
        with lock:
            results.append((resp.status, resp.read()))
        conn.close()

    threads = [threading.Thread(target=one) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == N
    return results


def _count(model, **where) -> int:
    from thads.extensions import db

    db.session.expire_all()
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def _decided_case(world):
    from thads.extensions import db
    from thads.services import lifecycle

    case = make_case(world.clerk_a, today=date(2026, 5, 4))
    lifecycle.apply_transition(world.head_a, case.id, "decide", on="2026-05-05",
                               inputs={"decision_number": "1/QĐ", "officer": "officer_a"}, today=date(2026, 5, 5))
    db.session.commit()
    return case


def _form_page(client, username: str, url: str) -> tuple[str, str]:
    """Sign in, open the form at ``url``; its HTML and the session cookie (taken after the page,
    which stores the CSRF secret in the session) for posting it over real HTTP."""
    login(client, username)
    page = client.get(url).get_data(as_text=True)
    return page, f"session={client.get_cookie('session').value}"


def test_twenty_identical_transition_forms_posted_at_once_make_one_change(pg_app, world, client):
    from thads.models import CaseEvent

    case = make_case(world.clerk_a, today=date(2026, 5, 4))
    page, cookie = _form_page(client, "head_a", f"/cases/{case.id}/transitions/decide")
    form = {"csrf_token": csrf_token_from(page), "version": re.search(r'name="version" type="hidden" value="(\d+)"',
                                                                     page).group(1),
            "seen_seq": "1", "on": "05/05/2026", "in_decision_number": "8/QĐ-THA", "in_officer": "officer_a"}
    from urllib.parse import urlencode

    with serving(pg_app) as port:
        results = fire_together(port, "POST", f"/cases/{case.id}/transitions/decide", urlencode(form).encode(),
                                {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    statuses = Counter(s for s, _ in results)
    assert statuses == {302: 1, 200: N - 1}, statuses
    stale = [body.decode() for s, body in results if s == 200]
    assert all('data-testid="stale"' in b and "đã được người khác cập nhật" in b for b in stale)
    assert _count(CaseEvent, case_id=case.id) == 2  # registration + one decision


def test_twenty_identical_payment_forms_posted_at_once_record_one_payment(pg_app, world, client):
    from urllib.parse import urlencode

    from thads.models import Payment

    case = _decided_case(world)
    page, cookie = _form_page(client, "accountant_a", f"/cases/{case.id}/payments")
    form = {"csrf_token": csrf_token_from(page), "kind": "collection", "amount": "1.000.000", "on": "06/05/2026",
            "receipt_number": "BL-0001",
            "version": re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1),
            "seen_seq": re.search(r'name="seen_seq" type="hidden" value="(\d+)"', page).group(1)}
    with serving(pg_app) as port:
        results = fire_together(port, "POST", f"/cases/{case.id}/payments", urlencode(form).encode(),
                                {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    statuses = Counter(s for s, _ in results)
    assert statuses == {302: 1, 200: N - 1}, statuses
    assert all('data-testid="stale"' in b.decode() for s, b in results if s == 200)
    assert _count(Payment, case_id=case.id) == 1


def test_twenty_identical_api_payments_with_one_key_collect_once_and_all_get_the_same_answer(pg_app, world):
    from thads.models import Payment

    case = _decided_case(world)
    headers = {**api_token(world.accountant_a), "Content-Type": "application/json",
               "Idempotency-Key": "pay-2026-05-06-0001"}
    body = json.dumps({"amount": 5_000_000, "on": "2026-05-06", "receipt_number": "BL-7"}).encode()
    with serving(pg_app) as port:
        results = fire_together(port, "POST", f"/api/v1/cases/{case.id}/payments", body, headers)
    assert Counter(s for s, _ in results) == {201: N}
    assert len({b for _, b in results}) == 1  # the first answer, replayed to the others
    assert _count(Payment, case_id=case.id) == 1


def test_twenty_identical_registrations_with_one_key_register_one_case(pg_app, world):
    from thads.models import Case

    headers = {**api_token(world.clerk_a), "Content-Type": "application/json", "Idempotency-Key": "bank-batch-0001"}
    with serving(pg_app) as port:
        results = fire_together(port, "POST", "/api/v1/cases", json.dumps(case_input()).encode(), headers)
    assert Counter(s for s, _ in results) == {201: N}
    assert len({json.loads(b)["id"] for _, b in results}) == 1
    assert _count(Case) == 1


def test_twenty_parallel_api_payments_without_a_key_but_with_a_version_record_one(pg_app, world):
    from thads.models import Payment

    case = _decided_case(world)
    headers = {**api_token(world.accountant_a), "Content-Type": "application/json"}
    body = json.dumps({"amount": 1_000, "on": "2026-05-06", "version": case.version}).encode()
    with serving(pg_app) as port:
        results = fire_together(port, "POST", f"/api/v1/cases/{case.id}/payments", body, headers)
    statuses = Counter(s for s, _ in results)
    assert statuses == {201: 1, 409: N - 1}, statuses
    assert all(json.loads(b)["error"] == "conflict" for s, b in results if s == 409)
    assert _count(Payment, case_id=case.id) == 1
