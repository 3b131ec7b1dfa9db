"""Sign-in hardening (issue 9): the throttle per username and per address, trusted proxies,
session timeouts, re-authentication, API tokens (expiry, names, revocation, CLI), the password
policy everywhere a password is set, and Argon2id with the upgrade of older hashes.

Time is never the wall clock: services get ``now``; the web goes through ``clock_at``.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import _config, csrf_token_from
from tests.factories import PASSWORD, login
from thads.extensions import db


def attempt(client, username: str, password: str, address: str = "127.0.0.1", **headers):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}, headers=headers)
    if page.status_code != 200:
        return page
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


# --------------------------------------------------------------------------- 1. throttle


def test_the_eleventh_failure_for_one_username_is_refused_while_a_colleague_at_the_same_address_signs_in(
        app, world):
    attacker = app.test_client()
    for _ in range(10):
        assert attempt(attacker, "officer_a", "wrong-password-x").status_code == 200
    refused = attempt(attacker, "officer_a", "wrong-password-x")
    assert refused.status_code == 429 and "quá nhiều lần" in refused.get_data(as_text=True)
    assert attempt(app.test_client(), "officer_a", PASSWORD).status_code == 429  # the username is locked
    # Another username from the same address is not: the address has its own, larger limit.
    colleague = app.test_client()
    assert attempt(colleague, "officer_a2", PASSWORD).status_code == 302
    assert colleague.get("/cases").status_code == 200
    # The username's lock is case-insensitive.
    assert attempt(app.test_client(), "OFFICER_A", "wrong-password-x").status_code == 429


def test_only_failures_count_so_a_person_who_signs_in_every_time_is_never_throttled(app, world):
    for _ in range(15):
        c = app.test_client()
        assert attempt(c, "officer_a", PASSWORD).status_code == 302


def test_failures_from_one_address_are_limited_by_their_own_setting(app, world):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 5
    for i in range(5):
        assert attempt(app.test_client(), f"nobody{i}", "wrong-password-x", "198.51.100.7").status_code == 200
    assert attempt(app.test_client(), "officer_a", PASSWORD, "198.51.100.7").status_code == 429
    assert attempt(app.test_client(), "officer_a", PASSWORD, "198.51.100.8").status_code == 302


def _second_app(app, tmp_path, **overrides):
    from thads import create_app

    config = _config(app.config["DATABASE_URL"], tmp_path)
    config.update(overrides)
    return create_app(config)


def test_x_forwarded_for_is_ignored_unless_trusted_proxies_is_set(app, world, tmp_path):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    # Default: the header is the client's to write, so it must not pick the throttle's address.
    for i in range(3):
        assert attempt(app.test_client(), f"nobody{i}", "wrong-password-x",
                       **{"X-Forwarded-For": f"203.0.113.{i}"}).status_code == 200
    assert attempt(app.test_client(), "nobody9", "wrong-password-x",
                   **{"X-Forwarded-For": "203.0.113.99"}).status_code == 429

    proxied = _second_app(app, tmp_path, TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    try:
        for _ in range(3):
            assert attempt(proxied.test_client(), "nobody", "wrong-password-x", "10.1.1.1",
                           **{"X-Forwarded-For": "203.0.113.1"}).status_code == 200
        # Behind our one proxy the client is the last X-Forwarded-For address, not the proxy's.
        assert attempt(proxied.test_client(), "nobody", "wrong-password-x", "10.1.1.1",
                       **{"X-Forwarded-For": "203.0.113.1"}).status_code == 429
        assert attempt(proxied.test_client(), "officer_a", PASSWORD, "10.1.1.1",
                       **{"X-Forwarded-For": "203.0.113.2"}).status_code == 302
        # A client that forges a first hop still gets its real (last) address.
        assert attempt(proxied.test_client(), "officer_b", PASSWORD, "10.1.1.1",
                       **{"X-Forwarded-For": "203.0.113.2, 203.0.113.1"}).status_code == 429
    finally:
        with proxied.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_throttle_uses_the_brokers_redis_unless_told_otherwise():
    from thads.config import configure_limiter

    def storage(**cfg) -> str:
        cfg = {"RATELIMIT_STORAGE_URI": "", "BROKER_URL": "stub://", **cfg}
        configure_limiter(cfg)
        return cfg["RATELIMIT_STORAGE_URI"]

    assert storage() == "memory://"
    assert storage(BROKER_URL="redis://redis:6379/0") == "redis://redis:6379/0"
    assert storage(BROKER_URL="rediss://redis:6380/0") == "rediss://redis:6380/0"
    assert storage(BROKER_URL="redis://redis:6379/0", RATELIMIT_STORAGE_URI="redis://other:6379/3") == \
        "redis://other:6379/3"
    assert storage(BROKER_URL="amqp://guest:guest@mq:5672/") == "memory://"


# --------------------------------------------------------------------------- 2. sessions


def _session_value(user, token: str) -> str:
    return f"{user.id}:{token}"


def test_a_session_ends_after_the_idle_time_and_last_seen_is_written_at_most_once_a_minute(app, world, clock_at):
    from thads.models import LoginSession
    from thads.services import accounts

    t0 = clock_at.now
    token = accounts.start_session(world.officer_a, now=t0)
    db.session.commit()
    value = _session_value(world.officer_a, token)
    row = db.session.scalars(select(LoginSession).where(LoginSession.token == token)).one()

    seen = accounts.check_session(value, now=t0 + timedelta(seconds=40))
    assert seen.user == world.officer_a and not seen.changed and row.last_seen_at == t0
    seen = accounts.check_session(value, now=t0 + timedelta(minutes=59))
    assert seen.user == world.officer_a and seen.changed and row.last_seen_at == t0 + timedelta(minutes=59)
    # 60 minutes after the last request seen (not after sign-in): still open.
    assert accounts.check_session(value, now=t0 + timedelta(minutes=118)).user == world.officer_a
    late = accounts.check_session(value, now=t0 + timedelta(minutes=118 + 61))
    assert late.user is None and late.expired and row.revoked_at == t0 + timedelta(minutes=179)
    db.session.commit()
    # Revoked: even a request "back in time" no longer finds it.
    assert accounts.check_session(value, now=t0 + timedelta(minutes=120)).user is None


def test_a_session_ends_after_the_maximum_hours_however_busy(app, world, clock_at):
    from thads.services import accounts

    t0 = clock_at.now
    token = accounts.start_session(world.officer_a, now=t0)
    value = _session_value(world.officer_a, token)
    for minutes in range(30, 12 * 60 + 1, 30):
        assert accounts.check_session(value, now=t0 + timedelta(minutes=minutes)).user == world.officer_a
    ended = accounts.check_session(value, now=t0 + timedelta(hours=12, minutes=1))
    assert ended.user is None and ended.expired


def test_an_idle_browser_is_sent_to_sign_in_with_a_vietnamese_message(app, world, client, clock_at):
    from thads.models import LoginSession

    assert login(client, "officer_a").status_code == 302
    assert client.get("/cases").status_code == 200
    clock_at.advance(minutes=61)
    resp = client.get("/cases?state=received")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next=")
    assert "next=/cases?state%3Dreceived" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại." in page
    db.session.expire_all()
    assert db.session.scalars(select(LoginSession)).one().revoked_at == clock_at.now
    # Signing in again returns to the page asked for.
    again = client.post(resp.headers["Location"], data={"username": "officer_a", "password": PASSWORD,
                                                        "csrf_token": csrf_token_from(page)})
    assert again.status_code == 302 and again.headers["Location"] == "/cases?state=received"


def test_a_browser_in_use_stays_signed_in_until_the_maximum_then_must_sign_in(app, world, client, clock_at):
    assert login(client, "officer_a").status_code == 302
    for _ in range(23):  # every 30 minutes for 11.5 hours
        clock_at.advance(minutes=30)
        assert client.get("/worklist").status_code == 200
    clock_at.advance(minutes=31)
    resp = client.get("/worklist")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


# --------------------------------------------------------------------------- 2b. re-authentication


def _targets_post(client, token: str, **extra):
    data = {"csrf_token": token, "stat_year": "2026", "unit": "P-A", "cases": "85", "money": "47", **extra}
    return client.post("/reports/targets", data=data, headers={"Referer": "http://localhost/reports/targets"})


def test_changing_targets_asks_for_the_password_again_after_ten_minutes(app, world, client, clock_at):
    from thads.models import Target

    assert login(client, "admin").status_code == 302
    token = csrf_token_from(client.get("/reports/targets").get_data(as_text=True))
    # Just signed in: the password was given moments ago.
    assert _targets_post(client, token).status_code == 302
    clock_at.advance(minutes=11)
    assert client.get("/reports/targets").status_code == 200  # reading needs no password
    asked = _targets_post(client, token, cases="90")
    assert asked.status_code == 302 and asked.headers["Location"] == "/reauth?next=/reports/targets"
    db.session.expire_all()
    assert db.session.query(Target).filter_by(stat_year=2026, unit_id=world.office_a.id).one().cases_bp == 8500

    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Vui lòng nhập lại mật khẩu để tiếp tục thao tác quản trị." in page
    assert 'data-testid="reauth-form"' in page
    wrong = client.post(asked.headers["Location"], data={"csrf_token": csrf_token_from(page), "password": "nope-nope"})
    assert wrong.status_code == 200 and "Mật khẩu không đúng." in wrong.get_data(as_text=True)
    ok = client.post(asked.headers["Location"], data={"csrf_token": csrf_token_from(page), "password": PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"] == "/reports/targets"
    assert _targets_post(client, token, cases="90").status_code == 302
    db.session.expire_all()
    assert db.session.query(Target).filter_by(stat_year=2026, unit_id=world.office_a.id).one().cases_bp == 9000


def test_retrying_a_failed_reminder_asks_for_the_password_again(app, world, client, clock_at):
    assert login(client, "admin").status_code == 302
    token = csrf_token_from(client.get("/admin/reminders/failed").get_data(as_text=True))
    clock_at.advance(minutes=10, seconds=1)
    resp = client.post("/admin/reminders/12345/retry", data={"csrf_token": token},
                       headers={"Referer": "http://localhost/admin/reminders/failed"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/reauth?next=/admin/reminders/failed"
    # An outside referrer is never a target.
    resp = client.post("/admin/reminders/12345/retry", data={"csrf_token": token},
                       headers={"Referer": "https://evil.example/admin/reminders/failed"})
    assert resp.headers["Location"] == "/reauth?next=/"


def test_reauthentication_failures_count_against_the_username(app, world, client):
    login(client, "admin")
    page = client.get("/reauth?next=/admin/").get_data(as_text=True)
    for _ in range(10):
        assert client.post("/reauth", data={"csrf_token": csrf_token_from(page), "password": "x"}).status_code == 200
    assert client.post("/reauth", data={"csrf_token": csrf_token_from(page), "password": PASSWORD}).status_code == 429
    assert attempt(app.test_client(), "admin", PASSWORD).status_code == 429


def test_the_reauth_page_only_sends_back_to_this_site(app, world, client):
    login(client, "admin")
    page = client.get("/reauth").get_data(as_text=True)
    resp = client.post("/reauth?next=https://evil.example/", data={"csrf_token": csrf_token_from(page),
                                                                    "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


# --------------------------------------------------------------------------- 3. API tokens


def test_a_token_expires_records_its_last_use_at_most_once_a_minute_and_can_be_revoked(app, world, clock_at):
    from thads.services import accounts

    t0 = clock_at.now
    issued = accounts.create_token(world.clerk_a, name="sổ thụ lý", days=1, now=t0)
    db.session.commit()
    assert issued.row.expires_at == t0 + timedelta(days=1) and issued.row.name == "sổ thụ lý"
    assert accounts.check_token(issued.raw, now=t0).changed and issued.row.last_used_at == t0
    assert not accounts.check_token(issued.raw, now=t0 + timedelta(seconds=59)).changed
    assert issued.row.last_used_at == t0
    assert accounts.check_token(issued.raw, now=t0 + timedelta(seconds=60)).changed
    assert accounts.check_token(issued.raw, now=t0 + timedelta(days=1, seconds=-1)).user == world.clerk_a
    assert accounts.check_token(issued.raw, now=t0 + timedelta(days=1)).problem == "expired"
    accounts.revoke_token(issued.row.id, now=t0)
    assert accounts.check_token(issued.raw, now=t0).problem == "revoked"


def test_an_expired_or_revoked_token_gets_401_json(app, world, client, clock_at):
    from thads.services import accounts

    raw = accounts.issue_token(world.clerk_a, days=2)
    other = accounts.create_token(world.clerk_a, name="other")
    db.session.commit()
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/cases", headers=auth).status_code == 200
    clock_at.advance(days=2)
    expired = client.get("/api/v1/cases", headers=auth)
    assert expired.status_code == 401 and expired.is_json
    assert expired.get_json()["error"] == "token_expired"
    assert "invalid_token" in expired.headers["WWW-Authenticate"]
    accounts.revoke_token(other.row.id)
    db.session.commit()
    revoked = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {other.raw}"})
    assert revoked.status_code == 401 and revoked.get_json()["error"] == "token_revoked"
    missing = client.get("/api/v1/cases")
    assert missing.status_code == 401 and missing.get_json()["error"] == "unauthorized"


def test_the_cli_issues_named_tokens_replaces_one_of_the_same_name_lists_and_revokes(app, world, clock_at):
    runner = app.test_cli_runner()
    client = app.test_client()

    def ok(raw):
        return client.get("/api/v1/cases", headers={"Authorization": f"Bearer {raw}"}).status_code

    first = runner.invoke(args=["users", "token", "clerk_a", "--name", "import", "--days", "30"])
    assert first.exit_code == 0, first.output
    first_raw = first.output.strip().splitlines()[-1]
    default_raw = runner.invoke(args=["users", "token", "clerk_a"]).output.strip().splitlines()[-1]
    assert ok(first_raw) == 200 and ok(default_raw) == 200

    second = runner.invoke(args=["users", "token", "clerk_a", "--name", "import"])
    assert second.exit_code == 0
    lines = second.output.strip().splitlines()
    assert re.match(r"revoked token \d+ named 'import' of clerk_a \(replaced by this one\)", lines[0])
    second_raw = lines[-1]
    assert second_raw.startswith("thads_")
    assert ok(first_raw) == 401 and ok(second_raw) == 200 and ok(default_raw) == 200

    listing = runner.invoke(args=["users", "tokens", "clerk_a"])
    assert listing.exit_code == 0
    rows = listing.output.strip().splitlines()
    assert rows[0].split() == ["id", "name", "created", "expires", "last", "used", "revoked"]
    assert len(rows) == 4 and "thads_" not in listing.output
    revoked_rows = [r for r in rows[1:] if not r.rstrip().endswith("-")]
    assert len(revoked_rows) == 1 and " import " in revoked_rows[0]
    # Local dates: issued on 04/05/2026 (clock_at), expiring 30 days later.
    assert "2026-05-04 08:00" in rows[-1] and "2026-06-03 08:00" in rows[-1]

    token_id = rows[1].split()[0]
    revoke = runner.invoke(args=["users", "revoke-token", token_id])
    assert revoke.exit_code == 0 and "revoked" in revoke.output
    assert ok(second_raw) == 401
    missing = runner.invoke(args=["users", "revoke-token", "999999"])
    assert missing.exit_code == 1 and "Không có mã truy cập" in missing.output


# --------------------------------------------------------------------------- 4. passwords

WEAK = ["12345678", "password", " " * 8, "{u}", "{u}2026abcd", "x" * 100_000, "qwerty123456"]


@pytest.mark.parametrize("template", WEAK, ids=["digits", "password", "spaces", "username", "username+",
                                                "100k", "common-12"])
def test_the_service_refuses_a_weak_password_with_a_message(app, world, template):
    from thads.services import accounts
    from thads.services.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        accounts.create_user("newclerk", template.format(u="newclerk"), "P-A", ["clerk"])
    assert refused.value.fields["password"].startswith("Mật khẩu")


@pytest.mark.parametrize("template", WEAK, ids=["digits", "password", "spaces", "username", "username+",
                                                "100k", "common-12"])
def test_flask_users_create_refuses_a_weak_password_with_a_message(app, world, template):
    from thads.models import User

    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--username", "newclerk", "--password", template.format(u="newclerk"),
        "--unit", "P-A", "--role", "clerk"])
    assert result.exit_code == 1
    assert "Lỗi: Mật khẩu không đạt yêu cầu." in result.output and "password: Mật khẩu" in result.output
    assert db.session.scalars(select(User).where(User.username == "newclerk")).first() is None


def test_a_password_change_follows_the_policy_and_ends_the_other_sign_ins(app, world, client):
    from thads.services import accounts
    from thads.services.errors import InvalidInput

    login(client, "officer_a")
    with pytest.raises(InvalidInput):
        accounts.set_password(world.officer_a, "officer_a-2026-xyz")
    accounts.set_password(world.officer_a, "a much better pass 7")
    db.session.commit()
    assert client.get("/cases").status_code == 302
    assert attempt(app.test_client(), "officer_a", "a much better pass 7").status_code == 302


@pytest.mark.parametrize("old_method", ["scrypt", "pbkdf2:sha256:1000"])
def test_argon2id_is_used_and_an_older_hash_is_upgraded_at_the_next_sign_in(app, world, old_method):
    from thads.models import User
    from thads.services import accounts

    app.config["PASSWORD_HASH_METHOD"] = old_method
    accounts.create_user("legacy_user", "legacy pass 12345", "P-A", ["clerk"])
    db.session.commit()
    user = db.session.scalars(select(User).where(User.username == "legacy_user")).one()
    assert user.password_hash.startswith(old_method.split(":")[0] + ":")

    app.config["PASSWORD_HASH_METHOD"] = "argon2id"
    assert attempt(app.test_client(), "legacy_user", "wrong password 1").status_code == 200
    db.session.expire_all()
    assert user.password_hash.startswith(old_method.split(":")[0] + ":")  # unchanged by a failure
    assert attempt(app.test_client(), "legacy_user", "legacy pass 12345").status_code == 302
    db.session.expire_all()
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert attempt(app.test_client(), "legacy_user", "legacy pass 12345").status_code == 302
    assert attempt(app.test_client(), "legacy_user", "wrong password 1").status_code == 200


def test_with_its_redis_unreachable_sign_in_still_works_and_is_still_throttled(app, world, tmp_path):
    dead = _second_app(app, tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6390/14")  # nothing listens
    try:
        assert dead.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
        assert attempt(dead.test_client(), "officer_a2", PASSWORD).status_code == 302
        for _ in range(10):
            assert attempt(dead.test_client(), "officer_a", "wrong-password-x").status_code == 200
        assert attempt(dead.test_client(), "officer_a", "wrong-password-x").status_code == 429
    finally:
        from thads.extensions import limiter

        # The limiter object is shared by every app of this test process and remembers the dead
        # storage; the apps of later tests must start from their own storage.
        limiter._storage_dead = False
        with dead.app_context():
            db.session.remove()
            db.engine.dispose()
