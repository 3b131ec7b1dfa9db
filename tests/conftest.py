"""Shared fixtures. Flask is imported lazily so ``tests/unit/workflows`` runs without it.

Database tests run twice: on SQLite (the embedded default) and on PostgreSQL (production).
A missing PostgreSQL/Redis skips locally and FAILS under ``CI=true``.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket

import pytest

# The server the PostgreSQL tests use; each pytest run makes its own database on it (dropped at
# the end), so concurrent runs on one machine do not truncate each other's tables.
PG_SERVER_URL = os.environ.get("THADS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_URL = PG_SERVER_URL.rsplit("/", 1)[0] + f"/thads_test_{os.getpid()}"
REDIS_URL = os.environ.get("THADS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"


@contextlib.contextmanager
def closed_port(host: str = "127.0.0.1"):
    """A port on which nothing can listen while the block runs: a socket is bound to it (so no
    other process can take it) but never listens, so every connection is refused at once."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        holder.bind((host, 0))
        yield holder.getsockname()[1]
    finally:
        holder.close()


def pytest_configure(config):
    """``THADS_TEST_NOW=2026-12-01T23:30:00Z`` runs the whole suite with the wall clock moved
    there (ticking on from it): the proof that no test depends on the hour it runs at — between
    17:00 and 24:00 UTC the app's today (Asia/Ho_Chi_Minh) is a day ahead of the machine's date.
    time-machine moves ``time.time``/``datetime.now``/``date.today`` in this process (not the
    monotonic clock, so thread waits and timeouts keep working — libfaketime 0.9.10 hangs there);
    subprocesses a test starts keep the real clock."""
    now = os.environ.get("THADS_TEST_NOW")
    if now:
        from datetime import datetime

        import time_machine

        traveller = time_machine.travel(datetime.fromisoformat(now.replace("Z", "+00:00")), tick=True)
        traveller.start()
        config.stash[_TRAVELLER] = traveller


def pytest_report_header(config):
    if _TRAVELLER in config.stash:
        from datetime import UTC, datetime

        return f"clock moved by THADS_TEST_NOW: now {datetime.now(UTC).isoformat(timespec='seconds')}"
    return None


def pytest_unconfigure(config):
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


_TRAVELLER = pytest.StashKey()


def require_service(name: str, host: str, port: int) -> None:
    """Skip (locally) or fail (CI) when a service's port does not answer."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as exc:
        msg = f"{name} at {host}:{port} is not reachable ({exc})"
        if IN_CI:
            pytest.fail(msg + " — under CI=true a missing service is a failure")
        pytest.skip(msg)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test (migrations run once per session)."""
    from flask_migrate import upgrade

    from thads import create_app

    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    app = create_app(_config(f"sqlite:///{path}", tmp_path_factory.mktemp("inst")))
    with app.app_context():
        upgrade()
        from thads.extensions import db

        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_migrated(tmp_path_factory):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from thads import create_app

    name = PG_URL.rsplit("/", 1)[1]
    server = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    app = create_app(_config(PG_URL, tmp_path_factory.mktemp("inst")))
    with app.app_context():
        upgrade()
        from thads.extensions import db

        db.engine.dispose()
    yield PG_URL
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def _config(url: str, instance) -> dict:
    return {
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
        "EMBEDDED_WORKER": False, "BROKER_URL": "stub://", "SMTP_URL": "",
        "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request):
    return request.param


@pytest.fixture
def app(backend, request, tmp_path):
    from thads import create_app
    from thads.extensions import db

    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "thads.sqlite3"
        shutil.copy(template, target)
        url = f"sqlite:///{target}"
    else:
        url = request.getfixturevalue("pg_migrated")
        _truncate_pg(url)
    app = create_app(_config(url, tmp_path))
    app.test_client_class = _fresh_context_client()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    # Collect now, so a leaked connection is reported by the test that leaked it
    # (filterwarnings=error), not by whichever later test the collector happens to run in.
    import gc

    gc.collect()


def _fresh_context_client():
    from flask.testing import FlaskClient

    class _Client(FlaskClient):
        """Each request gets its own app context (its own ``g`` and database session), as in
        production; otherwise the test's long-lived context would be reused and cache the user."""

        def open(self, *args, **kwargs):
            with self.application.app_context():
                return super().open(*args, **kwargs)

    return _Client


def _truncate_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app):
    """A province with two regional offices and users of each role."""
    from tests.factories import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _no_real_outbound(monkeypatch):
    """Fail any SMTP connection the test did not set up (a real send must be to aiosmtpd)."""
    import smtplib

    real_init = smtplib.SMTP.__init__

    def guarded(self, host="", port=0, *args, **kwargs):
        allowed = os.environ.get("THADS_TEST_SMTP_ALLOWED", "")
        if host and f"{host}:{port}" != allowed:
            raise AssertionError(f"unexpected outbound SMTP to {host}:{port}")
        return real_init(self, host, port, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "__init__", guarded)


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "page has no CSRF token"
    return m.group(1)


class SettableClock:
    """The time ``thads.services.clock.utcnow`` answers while a test runs (see ``clock_at``)."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def clock_at(monkeypatch):
    """A controllable clock for what the web boundary times (sign-in sessions, tokens): starts at
    Monday 04/05/2026 08:00 in Hà Nội and moves only by ``clock_at.advance(minutes=…)``."""
    from datetime import datetime

    from thads.services import clock

    fake = SettableClock(datetime.fromisoformat("2026-05-04T08:00:00+07:00").astimezone(clock.UTC))
    monkeypatch.setattr(clock, "utcnow", fake)
    return fake
