"""The officer's worklist and the case search, on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import date, timedelta

from tests.factories import login, make_case
from thads.extensions import db
from thads.services import clock, lifecycle
from thads.services import worklist as svc


def _cases(w):
    """Three cases of officer_a (two with decisions overdue, one fresh) and one of officer_a2."""
    today = clock.today()
    old = make_case(w.officer_a, today=today, officer="officer_a", received_on="2026-05-04")
    older = make_case(w.officer_a, today=today, officer="officer_a", received_on="2026-04-01", kind="ex_officio",
                      parties=[{"role": "debtor", "kind": "person", "name": "Nguyễn Văn Ánh",
                                "id_number": "001085000777"}])
    fresh = make_case(w.officer_a, today=today, officer="officer_a", received_on=today.isoformat())
    other = make_case(w.officer_a2, today=today, officer="officer_a2", received_on="2026-05-04")
    return old, older, fresh, other


def test_the_worklist_lists_my_open_cases_overdue_first_then_by_nearest_deadline(world):
    old, older, fresh, other = _cases(world)
    page = svc.worklist(world.officer_a)
    assert [r.case.id for r in page.rows] == [older.id, old.id, fresh.id]
    assert page.rows[0].overdue and page.rows[0].working_days < 0
    assert not page.rows[2].overdue and page.rows[2].working_days > 0
    assert page.counts["total"] == 3 and page.counts["overdue"] == 2
    assert other.id not in [r.case.id for r in page.rows]


def test_keyset_pages_walk_every_case_once_in_order(world):
    today = clock.today()
    made = [make_case(world.officer_a, today=today, officer="officer_a",
                      received_on=(date(2026, 5, 4) + timedelta(days=i)).isoformat()) for i in range(7)]
    seen, cursor = [], None
    while True:
        page = svc.worklist(world.officer_a, cursor=cursor, limit=3)
        seen += [(r.deadline.due_on, r.case.id) for r in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == seen and len(seen) == len({c.id for c in made}) == 7


def test_filters_by_state_and_deadline_kind(world):
    old, older, fresh, _other = _cases(world)
    lifecycle.apply_transition(world.head_a, old.id, "decide",
                               inputs={"decision_number": "1/QĐ", "officer": world.officer_a.id})
    db.session.commit()
    decided = svc.worklist(world.officer_a, state="decided")
    assert [r.case.id for r in decided.rows] == [old.id]
    by_kind = svc.worklist(world.officer_a, kind="notification")
    assert [r.case.id for r in by_kind.rows] == [old.id]
    assert by_kind.rows[0].deadline.kind == "notification"


def test_the_worklist_page_is_the_home_page_and_shows_working_days_money_and_dates(client, world):
    _cases(world)
    login(client, "officer_a")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/worklist")
    html = client.get("/worklist").get_data(as_text=True)
    assert "Việc của tôi" in html
    assert re.search(r"quá hạn \d+ ngày làm việc", html)
    assert re.search(r"còn \d+ ngày làm việc", html)
    assert "150.000.000 ₫" in html
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", html)
    assert 'data-testid="count-overdue">2<' in html


def test_search_ignores_diacritics_and_case_and_stays_in_scope(client, world):
    _old, older, _fresh, _other = _cases(world)
    found = svc.search(world.officer_a, "NGUYEN van anh")
    assert older.id in [r.case.id for r in found.rows]
    assert svc.search(world.officer_a, "001085000777").rows[0].case.id == older.id
    assert svc.search(world.officer_b, "nguyen van anh").rows == []
    login(client, "officer_b")
    html = client.get("/search?q=nguyen+van+anh").get_data(as_text=True)
    assert "Không tìm thấy hồ sơ nào." in html and older.display_number not in html


def test_a_bad_cursor_or_filter_is_refused_with_a_message_not_a_crash(client, world):
    _cases(world)
    login(client, "officer_a")
    resp = client.get("/worklist?cursor=garbage&kind=nope")
    assert resp.status_code == 200
    assert "không hợp lệ" in resp.get_data(as_text=True)


def test_english_is_one_switch_away(client, world):
    _cases(world)
    login(client, "officer_a")
    client.get("/lang/en")
    html = client.get("/worklist").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert f"<td>{svc.state_labels('en')['received']}</td>" in html
    assert svc.state_labels("en")["received"] != svc.state_labels("vi")["received"]
