"""Batches through the API (issue 13 §2): a result per item, idempotent per item key."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import api_token, case_input


def _items(n: int, bad: set[int]) -> list[dict]:
    items = []
    for i in range(n):
        case = case_input(received_on="2026-05-04")
        case["judgment"] = dict(case["judgment"], number=f"{i + 1}/2026/KDTM-ST")
        if i in bad:
            # Schema-valid shapes with wrong content: one bad amount, one case without a debtor.
            if i % 2:
                case["obligations"] = [{"description": "Trả nợ", "amount": "một trăm triệu"}]
            else:
                case["parties"] = [p for p in case["parties"] if p["role"] != "debtor"]
        items.append({"key": f"bank-2026-05-{i:05d}", "case": case})
    return items


def _count_cases() -> int:
    from thads.extensions import db
    from thads.models import Case

    return db.session.scalar(select(func.count(Case.id)))


def test_a_batch_of_500_with_10_bad_items_registers_490_and_answers_each_item_and_a_resend_creates_nothing(
        app, client, world):
    headers = api_token(world.clerk_a)
    bad = {3, 50, 97, 150, 222, 301, 333, 404, 450, 499}
    items = _items(500, bad)

    first = client.post("/api/v1/cases/batch", json={"items": items}, headers=headers)
    assert first.status_code == 200, first.get_data(as_text=True)[:500]
    body = first.get_json()
    statuses = [it["status"] for it in body["items"]]
    assert statuses.count(201) == 490 and body["created"] == 490 and body["failed"] == 10
    assert [it["index"] for it in body["items"] if it["status"] != 201] == sorted(bad)
    for it in body["items"]:
        if it["index"] in bad:
            assert it["status"] == 422 and it["error"]["error"] == "invalid_input" and it["error"]["fields"]
            assert it["case"] is None
        else:
            assert it["case"]["state"] == "received" and it["case"]["unit"] == "P-A"
    wrong_amount = next(it for it in body["items"] if it["index"] == 3)
    assert "obligations.0.amount" in wrong_amount["error"]["fields"]
    no_debtor = next(it for it in body["items"] if it["index"] == 50)
    assert no_debtor["error"]["fields"]["parties"] == "Cần ít nhất một người phải thi hành án."
    assert _count_cases() == 490

    again = client.post("/api/v1/cases/batch", json={"items": items}, headers=headers).get_json()
    assert again["created"] == 0 and again["replayed"] == 490 and again["failed"] == 10
    assert [it["case"]["id"] for it in again["items"] if it["status"] == 201] == \
        [it["case"]["id"] for it in body["items"] if it["status"] == 201]
    assert _count_cases() == 490


def test_a_batch_item_key_reused_for_another_case_is_refused_alone(app, client, world):
    headers = api_token(world.clerk_a)
    items = _items(2, set())
    client.post("/api/v1/cases/batch", json={"items": items}, headers=headers)
    changed = [dict(items[0], case=dict(items[0]["case"], received_on="2026-05-05")), items[1]]
    body = client.post("/api/v1/cases/batch", json={"items": changed}, headers=headers).get_json()
    assert body["items"][0]["status"] == 422 and body["items"][0]["error"]["error"] == "idempotency_key_reused"
    assert body["items"][1]["replayed"] is True
    assert _count_cases() == 2


def test_a_batch_over_the_documented_limit_is_refused_whole(app, client, world):
    headers = api_token(world.clerk_a)
    items = [{"key": f"k-{i:08d}", "case": {}} for i in range(501)]
    r = client.post("/api/v1/cases/batch", json={"items": items}, headers=headers)
    assert r.status_code == 422 and "items" in r.get_json()["fields"]
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/cases/batch"]["post"]
    assert "500" in op["summary"]
    assert doc["components"]["schemas"]["BatchIn"]["properties"]["items"]["maxItems"] == 500
