"""Calendar additions move open deadlines (with a reason); the transition form's bad input."""
from __future__ import annotations

import json
from datetime import date

from tests.conftest import csrf_token_from
from tests.factories import login, make_case


def test_an_announced_extra_day_off_moves_open_deadlines_and_says_why(app, world):
    from thads.extensions import db
    from thads.models import Deadline

    case = make_case(world.clerk_a, received_on="2026-05-04")  # decision due Mon 11/05/2026
    runner = app.test_cli_runner()
    result = runner.invoke(args=["calendar", "add", "--date", "2026-05-07", "--kind", "off", "--note", "Nghỉ bù"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["deadlines_moved"] == 1
    db.session.expire_all()
    row = db.session.query(Deadline).filter_by(case_id=case.id, kind="decision").one()
    assert row.due_on == date(2026, 5, 12)
    assert "07/05/2026" in row.recomputed_reason and "2026-05-11 → 2026-05-12" in row.recomputed_reason
    again = runner.invoke(args=["calendar", "add", "--date", "2026-05-07", "--kind", "off"])
    assert again.exit_code == 1 and "đã có" in again.output


def test_the_transition_form_refuses_a_future_date_and_an_out_of_order_date_in_vietnamese(app, world):
    from thads.extensions import db
    from thads.models import CaseEvent

    case = make_case(world.clerk_a, received_on="2026-05-04")
    client = app.test_client()
    login(client, "head_a")
    url = f"/cases/{case.id}/transitions/decide"
    for typed, message in (("01/01/2099", "không được ở tương lai"),
                           ("01/05/2026", "không được trước ngày của bước trước"),
                           ("32/05/2026", "không hợp lệ")):
        page = client.get(url).get_data(as_text=True)
        resp = client.post(url, data={"csrf_token": csrf_token_from(page), "version": str(case.version),
                                      "seen_seq": "1", "on": typed, "in_decision_number": "5/QĐ",
                                      "in_officer": "officer_a"})
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        assert message in html, typed
        assert "5/QĐ" in html  # what was typed is kept
    assert db.session.query(CaseEvent).filter_by(case_id=case.id).count() == 1


def test_a_head_only_button_tried_by_an_officer_in_the_ui_is_refused_without_an_event(app, world):
    from thads.extensions import db
    from thads.models import CaseEvent

    case = make_case(world.clerk_a, received_on="2026-05-04")
    client = app.test_client()
    login(client, "officer_a")
    url = f"/cases/{case.id}/transitions/decide"
    page = client.get(url).get_data(as_text=True)
    resp = client.post(url, data={"csrf_token": csrf_token_from(page), "version": str(case.version), "seen_seq": "1",
                                  "on": "05/05/2026", "in_decision_number": "5/QĐ", "in_officer": "officer_a"})
    assert resp.status_code == 403 and "thẩm quyền của Thủ trưởng" in resp.get_data(as_text=True)
    assert db.session.query(CaseEvent).filter_by(case_id=case.id).count() == 1
    # …and the form itself is refused on opening, before anything is typed (issue 10).
    assert client.get(url).status_code == 403 and "thẩm quyền của Thủ trưởng" in page
