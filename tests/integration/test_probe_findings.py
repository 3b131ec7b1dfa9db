"""What the re-run security probe (``python -m bench.probe_security``) found after issue 9's first
round, each now a test on SQLite and PostgreSQL: every one was a 500 or a worker tied up."""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import csrf_token_from
from tests.factories import login, make_case

BIG = ["2147483648", "99999999999999999999"]


@pytest.mark.parametrize("seen_seq", BIG)
def test_a_stale_form_with_an_impossible_sequence_number_is_the_stale_page_not_a_500(client, world, seen_seq):
    from thads.extensions import db
    from thads.models import Payment
    from thads.services import lifecycle

    case = make_case(world.clerk_a, today=date(2026, 5, 4))
    lifecycle.apply_transition(world.head_a, case.id, "decide", on="2026-05-05",
                               inputs={"decision_number": "1/QĐ", "officer": "officer_a"}, today=date(2026, 5, 5))
    db.session.commit()
    login(client, "accountant_a")
    page = client.get(f"/cases/{case.id}/payments").get_data(as_text=True)
    resp = client.post(f"/cases/{case.id}/payments", data={
        "csrf_token": csrf_token_from(page), "kind": "collection", "amount": "1.000", "on": "06/05/2026",
        "version": "0", "seen_seq": seen_seq})
    assert resp.status_code == 200 and 'data-testid="stale"' in resp.get_data(as_text=True)
    assert db.session.query(Payment).count() == 0


@pytest.mark.parametrize("url", ["/login", "/cases/new"])
def test_a_web_form_above_the_body_limit_gets_413_not_a_500(client, world, url):
    login(client, "clerk_a")
    resp = client.post(url, data={"username": "x" * (1024 * 1024 + 10)})
    assert resp.status_code == 413
    assert "vượt quá giới hạn" in resp.get_data(as_text=True)


@pytest.mark.parametrize("value", ["abc", "1.5", *BIG, "-1"])
def test_deleting_a_target_with_a_malformed_id_says_so(client, world, value):
    from thads.extensions import db
    from thads.models import LoginSession

    login(client, "admin")
    page = client.get("/reports/targets").get_data(as_text=True)
    resp = client.post("/reports/targets", data={"csrf_token": csrf_token_from(page), "delete": value},
                       follow_redirects=True)
    assert resp.status_code == 200 and "Không có chỉ tiêu này" in resp.get_data(as_text=True)
    assert db.session.query(LoginSession).count() >= 1


@pytest.mark.parametrize("value", ["1e300000", "1e5", "100.001", "-1", "NaN", "Infinity", "１００"])
def test_a_target_percentage_is_refused_without_expanding_it(world, value):
    from thads.services import stats
    from thads.services.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        stats.set_target(world.admin, 2026, None, value, "50")
    assert "cases" in info.value.fields


@pytest.mark.parametrize("version", ["99999999999999999999", "-1", "2147483648"])
def test_an_impossible_version_on_a_web_form_is_stale_and_records_nothing(client, world, version):
    from thads.extensions import db
    from thads.models import Payment
    from thads.services import lifecycle

    case = make_case(world.clerk_a, today=date(2026, 5, 4))
    lifecycle.apply_transition(world.head_a, case.id, "decide", on="2026-05-05",
                               inputs={"decision_number": "1/QĐ", "officer": "officer_a"}, today=date(2026, 5, 5))
    db.session.commit()
    login(client, "accountant_a")
    page = client.get(f"/cases/{case.id}/payments").get_data(as_text=True)
    resp = client.post(f"/cases/{case.id}/payments", data={
        "csrf_token": csrf_token_from(page), "kind": "collection", "amount": "1.000", "on": "06/05/2026",
        "version": version, "seen_seq": "1"})
    assert resp.status_code == 200 and 'data-testid="stale"' in resp.get_data(as_text=True)
    assert db.session.query(Payment).count() == 0
