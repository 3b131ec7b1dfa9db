"""Foundation: configuration, migrations, sign-in, scope, CSRF, throttling, registration, audit."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import func, select, text

from tests.conftest import PG_SERVER_URL, csrf_token_from, require_service
from tests.factories import PASSWORD, api_token, case_input, login, make_case

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def count(model):
    from thads.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def test_a_bad_database_url_stops_start_up_with_one_sentence(tmp_path):
    env = dict(os.environ, THADS_DATABASE_URL="mysql://nowhere/x", THADS_INSTANCE_PATH=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "THADS_DATABASE_URL must start with sqlite:// or postgresql://" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_bad_broker_url_is_refused_with_a_clear_message(tmp_path):
    from thads import create_app
    from thads.config import ConfigError

    with pytest.raises(ConfigError, match="THADS_BROKER_URL"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "BROKER_URL": "kafka://x"})


@pytest.mark.postgres
def test_migrations_upgrade_from_empty_and_downgrade_to_base_on_postgresql(tmp_path):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import create_engine

    from thads import create_app

    admin = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    name = f"thads_migrations_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = PG_SERVER_URL.rsplit("/", 1)[0] + "/" + name
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "TESTING": True})
    try:
        with app.app_context():
            from thads.extensions import db

            upgrade()
            tables = set(db.session.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname='public'")).scalars())
            assert {"enforcement_case", "case_event", "deadline", "notification", "unit", "user_account"} <= tables
            db.session.remove()
            downgrade(revision="base")
            left = set(db.session.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname='public'")).scalars())
            assert left <= {"alembic_version"}
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_the_sign_in_page_is_vietnamese(client):
    html = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in html and "Mật khẩu" in html
    assert 'href="/bootstrap/static/css/bootstrap.min.css' in html or "/static/css/bootstrap" in html
    assert "cdn.jsdelivr" not in html


def test_a_user_signs_in_and_a_wrong_password_gets_a_message(client, world):
    bad = login(client, "officer_a", "wrong-password")
    assert bad.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in bad.get_data(as_text=True)
    good = login(client, "officer_a")
    assert good.status_code == 302
    assert client.get("/cases").status_code == 200


def test_after_logout_the_old_session_cookie_no_longer_works(app, client, world):
    login(client, "officer_a")
    cookie = client.get_cookie("session")
    assert cookie is not None and client.get("/cases").status_code == 200
    page = client.get("/cases").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token_from(page)})
    assert client.get("/cases").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)  # the copied cookie from before logout
    resp = thief.get("/cases")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_the_eleventh_bad_password_is_refused_by_the_throttle(client, world):
    for _ in range(10):
        assert login(client, "officer_a", "nope-nope").status_code == 200
    refused = login(client, "officer_a", "nope-nope")
    assert refused.status_code == 429
    assert "quá nhiều lần" in refused.get_data(as_text=True)
    # Even the right password is refused while the window lasts.
    assert login(client, "officer_a").status_code == 429


def test_a_post_without_csrf_token_is_refused_and_saves_nothing(client, world):
    from thads.models import Case

    login(client, "clerk_a")
    resp = client.post("/cases/new", data={"kind": "on_request", "court": "X"})
    assert resp.status_code == 400
    assert "mã bảo mật" in resp.get_data(as_text=True)
    assert count(Case) == 0


def _case_routes(app, case_id: int):
    for rule in app.url_map.iter_rules():
        if "case_id" not in rule.arguments:
            continue
        values = {"case_id": case_id}
        if "trigger" in rule.arguments:
            values["trigger"] = "decide"
        path = rule.rule
        for k, v in values.items():
            path = path.replace(f"<int:{k}>", str(v)).replace(f"<{k}>", str(v))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


def test_every_case_route_answers_404_to_a_user_of_another_office(app, world):
    case = make_case(world.clerk_a)
    routes = list(_case_routes(app, case.id))
    assert len(routes) >= 6
    ui = app.test_client()
    login(ui, "head_b")
    headers = api_token(world.head_b)
    page = ui.get("/cases").get_data(as_text=True)
    token = csrf_token_from(page)
    for method, path in routes:
        if path.startswith("/api/"):
            resp = ui.open(path, method=method, headers=headers, json={"trigger": "decide"} if method == "POST" else None)
        else:
            resp = ui.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert resp.status_code == 404, (method, path, resp.status_code)
    # …while the province sees it and the office's own user does too.
    own = app.test_client()
    login(own, "officer_a")
    assert own.get(f"/cases/{case.id}").status_code == 200
    prov = app.test_client()
    login(prov, "head_p")
    assert prov.get(f"/cases/{case.id}").status_code == 200


def test_case_lists_show_only_the_users_scope(app, world):
    make_case(world.clerk_a, kind="ex_officio", parties=[{"role": "debtor", "name": "Lê Văn Riêng"}])
    c = app.test_client()
    login(c, "officer_b")
    assert "Lê Văn Riêng" not in c.get("/cases").get_data(as_text=True)
    body = c.get("/api/v1/cases", headers=api_token(world.officer_b)).get_json()
    assert body["items"] == []


def _form_data(**over):
    data = {
        "kind": "on_request", "received_on": "04/05/2026", "court": "TAND tỉnh", "judgment_number": "1/2026/DS-ST",
        "judgment_date": "02/03/2026", "judgment_effective_on": "",
        "parties-0-role": "debtor", "parties-0-kind": "person", "parties-0-name": "Nguyễn Văn Nợ",
        "parties-1-role": "creditor", "parties-1-kind": "person", "parties-1-name": "Trần Thị Có",
        "obligations-0-description": "Trả nợ", "obligations-0-amount": "1.500.000", "obligations-0-rank": "3",
    }
    data.update(over)
    return data


@pytest.mark.parametrize("override, message", [
    ({"obligations-0-amount": "-5"}, "Số tiền không được âm."),
    ({"obligations-0-amount": "1500,5"}, "không có phần lẻ"),
    ({"obligations-0-amount": "12.5"}, "không có phần lẻ"),
    ({"obligations-0-amount": "mười triệu"}, "Số tiền không hợp lệ"),
    ({"received_on": "31/02/2026"}, "Ngày nhận bản án / đơn không hợp lệ"),
    ({"received_on": "01/01/2099"}, "không được ở tương lai"),
    ({"parties-0-role": "creditor"}, "Cần ít nhất một người phải thi hành án."),
    ({"obligations-0-description": "", "obligations-0-amount": ""}, "Cần ít nhất một nghĩa vụ"),
])
def test_the_register_form_rejects_bad_input_with_a_message_and_saves_nothing(client, world, override, message):
    from thads.models import Case, CaseEvent

    login(client, "clerk_a")
    token = csrf_token_from(client.get("/cases/new").get_data(as_text=True))
    resp = client.post("/cases/new", data=_form_data(csrf_token=token, **override))
    assert resp.status_code == 200
    assert message in resp.get_data(as_text=True)
    assert count(Case) == 0 and count(CaseEvent) == 0


def test_registering_through_the_form_accepts_vietnamese_thousands_and_writes_exactly_one_event(client, world):
    from thads.extensions import db
    from thads.models import Case, CaseEvent

    login(client, "clerk_a")
    token = csrf_token_from(client.get("/cases/new").get_data(as_text=True))
    resp = client.post("/cases/new", data=_form_data(csrf_token=token))
    assert resp.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert case.amount_total == 1_500_000 and case.unit_id == world.office_a.id
    assert case.display_number == "1/2026"
    events = db.session.scalars(select(CaseEvent)).all()
    assert len(events) == 1 and events[0].kind == "registered"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "1.500.000 ₫" in page and "04/05/2026" in page


def test_register_numbers_count_per_unit_and_statistical_year(world):
    a1 = make_case(world.clerk_a, received_on="2026-09-30")
    a2 = make_case(world.clerk_a, received_on="2026-10-01")
    a3 = make_case(world.clerk_a, received_on="2026-10-02")
    b1 = make_case(world.head_b, received_on="2026-10-02")
    assert [a1.display_number, a2.display_number, a3.display_number, b1.display_number] == \
        ["1/2026", "1/2027", "2/2027", "1/2027"]


def test_editing_an_event_row_directly_breaks_the_chain_and_the_check_reports_that_case(app, world):
    from thads.extensions import db
    from thads.services import lifecycle
    from thads.services.audit import verify_chain

    good = make_case(world.clerk_a)
    bad = make_case(world.clerk_a)
    lifecycle.apply_transition(world.head_a, bad.id, "decide", on="2026-05-06",
                               inputs={"decision_number": "9/QĐ", "officer": "officer_a"}, today=bad.received_on.replace(day=26))
    db.session.commit()
    assert verify_chain() == []
    db.session.execute(text("UPDATE case_event SET inputs = :v WHERE case_id = :c AND seq = 1"),
                       {"v": '{"amount_total": 1}', "c": bad.id})
    db.session.commit()
    db.session.expire_all()
    assert verify_chain() == [{"case_id": bad.id, "seq": 1}]
    assert good.id not in [b["case_id"] for b in verify_chain()]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN case {bad.id} at event 1" in result.output


def test_the_admin_cli_creates_units_and_users_and_prints_a_working_token(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["units", "create", "--code", "X", "--name", "THADS X"]).exit_code == 0
    assert runner.invoke(args=["units", "create", "--code", "X-1", "--name", "Phòng 1", "--parent", "X"]).exit_code == 0
    r = runner.invoke(args=["users", "create", "--username", "u1", "--password", PASSWORD, "--unit", "X-1",
                            "--role", "officer,head"])
    assert r.exit_code == 0, r.output
    bad = runner.invoke(args=["users", "create", "--username", "u2", "--password", PASSWORD, "--unit", "X-1",
                              "--role", "wizard"])
    assert bad.exit_code == 1 and "Vai trò không hợp lệ" in bad.output
    token = runner.invoke(args=["users", "token", "u1"]).output.strip().splitlines()[-1]
    client = app.test_client()
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_api_registers_a_case_and_refuses_bad_input_without_saving(app, world):
    from thads.models import Case

    client = app.test_client()
    headers = api_token(world.clerk_a)
    bad = client.post("/api/v1/cases", headers=headers, json=case_input(obligations=[{"description": "x", "amount": -1}]))
    assert bad.status_code == 422 and bad.get_json()["error"] == "invalid_input"
    assert "obligations.0.amount" in bad.get_json()["fields"]
    malformed = client.post("/api/v1/cases", headers={**headers, "Content-Type": "application/json"}, data="{nope")
    assert malformed.status_code == 400 and malformed.get_json()["error"] == "malformed_json"
    assert count(Case) == 0
    ok = client.post("/api/v1/cases", headers=headers, json=case_input())
    assert ok.status_code == 201
    body = ok.get_json()
    assert body["state"] == "received" and body["number"] == "1/2026" and body["money"]["amount_total"] == 150_000_000
    assert [d["kind"] for d in body["deadlines"]] == ["decision"]


def test_a_double_submitted_registration_form_creates_one_case_and_says_so(client, world):
    from thads.models import Case

    login(client, "clerk_a")
    page = client.get("/cases/new").get_data(as_text=True)
    token = csrf_token_from(page)
    key = re.search(r'name="submission_key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    first = client.post("/cases/new", data=_form_data(csrf_token=token, submission_key=key))
    second = client.post("/cases/new", data=_form_data(csrf_token=token, submission_key=key), follow_redirects=True)
    assert first.status_code == 302
    assert "lần gửi lặp lại không tạo hồ sơ mới" in second.get_data(as_text=True)
    assert count(Case) == 1


def test_an_api_retry_with_the_same_idempotency_key_registers_once_and_gets_the_first_answer(app, world):
    from thads.models import Case

    client = app.test_client()
    headers = {**api_token(world.clerk_a), "Idempotency-Key": "retry-key-0001"}
    first = client.post("/api/v1/cases", headers=headers, json=case_input())
    again = client.post("/api/v1/cases", headers=headers, json=case_input())
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert count(Case) == 1
    # The same key with another request is refused, and creates nothing.
    other = client.post("/api/v1/cases", headers=headers, json=case_input(kind="ex_officio"))
    assert other.status_code == 422 and other.get_json()["error"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.get_json()["fields"]
    assert count(Case) == 1


def test_idempotency_keys_belong_to_their_user(app, world):
    """Office B reusing office A's key registers its own case and learns nothing of A's."""
    from thads.models import Case

    client = app.test_client()
    a = client.post("/api/v1/cases", headers={**api_token(world.clerk_a), "Idempotency-Key": "shared-key-0001"},
                    json=case_input())
    b = client.post("/api/v1/cases", headers={**api_token(world.head_b), "Idempotency-Key": "shared-key-0001"},
                    json=case_input())
    assert a.status_code == b.status_code == 201
    assert b.get_json()["id"] != a.get_json()["id"] and b.get_json()["unit"] == "P-B"
    assert count(Case) == 2
