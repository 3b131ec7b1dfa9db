"""The sign-in throttle on the production set-up: ``gunicorn -w 2`` (two processes) on
PostgreSQL, counting in the broker's Redis (``THADS_BROKER_URL=redis://…`` and no
``THADS_RATELIMIT_STORAGE_URI``). With per-process ``memory://`` counters the penetration test
saw the first refusal only at the 18th failure; with the shared storage it is the 11th.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from tests.conftest import _config, _truncate_pg, require_service
from tests.factories import PASSWORD, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
THROTTLE_REDIS_URL = "redis://127.0.0.1:6379/14"  # this module's own Redis database
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pg_world(request, tmp_path):
    """The run's PostgreSQL database, emptied, with the factory world committed."""
    require_service("Redis", "127.0.0.1", 6379)
    url = request.getfixturevalue("pg_migrated")
    _truncate_pg(url)
    import redis

    client = redis.Redis.from_url(THROTTLE_REDIS_URL)
    client.flushdb()
    from thads import create_app
    from thads.extensions import db

    app = create_app(_config(url, tmp_path))
    with app.app_context():
        build_world()
        db.session.remove()
        db.engine.dispose()
    yield url, client
    client.flushdb()
    client.close()


@pytest.fixture
def gunicorn(pg_world, tmp_path):
    """``gunicorn -w 2 wsgi:app`` in a subprocess; yields (port, access log path)."""
    url, _redis = pg_world
    port = _free_port()
    access = tmp_path / "access.log"
    env = {**os.environ, "THADS_DATABASE_URL": url, "THADS_BROKER_URL": THROTTLE_REDIS_URL,
           "THADS_SECRET_KEY": "gunicorn-test-secret", "THADS_EMBEDDED_WORKER": "false",
           "THADS_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("THADS_RATELIMIT_STORAGE_URI", None)  # the default must follow the broker
    gunicorn_bin = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    with open(tmp_path / "gunicorn.log", "w") as log:
        proc = subprocess.Popen(
            [gunicorn_bin, "-w", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", str(access),
             "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/login")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                conn.close()
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
        yield port, access
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def sign_in(port: int, username: str, password: str, pause: float = 0.0) -> int:
    """One browser's sign-in: GET the form (cookie + CSRF token), POST it; the status code.
    With ``pause`` the POST body arrives in two halves that far apart: a sync gunicorn worker
    waits for it, so requests made meanwhile go to the other worker."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/login")
        page = conn.getresponse()
        html = page.read().decode()
    finally:
        conn.close()
    if page.status != 200:
        return page.status
    cookie = SimpleCookie()
    for header in page.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    body = urlencode({"username": username, "password": password, "csrf_token": CSRF_RE.search(html).group(1)})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("POST", "/login")
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.putheader("Content-Length", str(len(body)))
        conn.putheader("Cookie", "; ".join(f"{k}={v.value}" for k, v in cookie.items()))
        conn.endheaders()
        half = len(body) // 2
        conn.send(body[:half].encode())
        time.sleep(pause)
        conn.send(body[half:].encode())
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_with_two_gunicorn_workers_and_redis_the_eleventh_failure_is_refused(gunicorn, pg_world):
    port, access = gunicorn
    _url, redis_client = pg_world
    statuses: list[int] = []
    lock = threading.Lock()

    def fail_once(delay: float, pause: float) -> None:
        time.sleep(delay)
        status = sign_in(port, "officer_a", "wrong-password-x", pause=pause)
        with lock:
            statuses.append(status)

    # Ten failures in pairs: one slow POST holds a worker while the other is served by the second
    # worker, so both processes count failures (as they would under real load).
    for _ in range(5):
        pair = [threading.Thread(target=fail_once, args=(0.0, 0.6)),
                threading.Thread(target=fail_once, args=(0.2, 0.0))]
        for t in pair:
            t.start()
        for t in pair:
            t.join(timeout=60)
    assert statuses == [200] * 10

    assert sign_in(port, "officer_a", "wrong-password-x") == 429
    assert sign_in(port, "officer_a", PASSWORD) == 429  # locked for the window, right password or not
    assert sign_in(port, "officer_a2", PASSWORD) == 302  # a colleague at the same address is not

    # gunicorn logs a request after answering it: wait for the last lines.
    deadline = time.monotonic() + 10
    while True:
        posts = [line.split() for line in access.read_text().splitlines() if " POST /login " in line]
        if len(posts) >= 13 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(posts) == 13
    assert len({pid for pid, *_ in posts}) == 2, "both worker processes should have served failures"
    # The counters live in Redis (Flask-Limiter keys under the "thads" prefix), shared by both.
    assert any(b"login-user" in key for key in redis_client.keys("*thads*"))
