"""A real server (werkzeug in a thread, SQLite file prepared by the migrations) and Chromium.

Each browser module gets its own database and server; pages are driven by Playwright's sync
API against Debian's Chromium. Screenshots go to ``test-artifacts/screenshots/`` (gitignored).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("THADS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """A migrated SQLite database and an app bound to it; the app context stays pushed."""
    from flask_migrate import upgrade

    from thads import create_app

    base = tmp_path_factory.mktemp("browser")
    app = create_app({
        "TESTING": True, "DATABASE_URL": f"sqlite:///{base / 'thads.sqlite3'}", "SECRET_KEY": "browser-secret",
        "EMBEDDED_WORKER": False, "BROKER_URL": "stub://", "SMTP_URL": "", "RATELIMIT_STORAGE_URI": "memory://",
    })
    with app.app_context():
        upgrade()
        yield app
        from thads.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def server(live_app):
    """``live_app`` served on 127.0.0.1 at a free port, in a thread; yields the base URL."""
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, name="thads-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        msg = f"Chromium not found at {CHROMIUM} (make test installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with _real_clock_for_children():
        manager = sync_playwright()
        p = manager.__enter__()
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    try:
        yield b
    finally:
        b.close()
        manager.__exit__(None, None, None)


@contextlib.contextmanager
def _real_clock_for_children():
    """Start Playwright's driver and Chromium without libfaketime: the suite may run under
    ``faketime`` (to prove it passes at any hour — the app's clock is what the tests use), but
    Chromium hangs with a faked clock, and the browser's clock plays no part in the tests."""
    saved = {k: os.environ.pop(k) for k in list(os.environ)
             if k.startswith("FAKETIME") or (k == "LD_PRELOAD" and "faketime" in os.environ[k])}
    try:
        yield
    finally:
        os.environ.update(saved)


class Session:
    """One signed-in person: a browser context, its page, and the outside requests it tried."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
        self.context.set_default_timeout(15_000)
        self.outside: list[str] = []
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        # Whatever the Content-Security-Policy blocked (an inline script, a style, an eval…).
        self.csp_violations: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def _only_local(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            self.outside.append(url)  # a CDN or any other host: the pages must not need one
            route.abort()

    def goto(self, path: str):
        return self.page.goto(self.base + path)

    def login(self, username: str, password: str):
        self.goto("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("form button[type=submit]")
        self.page.wait_for_selector("[data-testid=current-user]")

    def shot(self, name: str):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture
def session_for(browser, server):
    opened: list[Session] = []

    def make(username: str | None = None, password: str | None = None) -> Session:
        from tests.factories import PASSWORD

        s = Session(browser, server)
        opened.append(s)
        if username:
            s.login(username, password or PASSWORD)
        return s

    yield make
    for s in opened:
        assert s.outside == [], f"pages asked for outside resources: {s.outside}"
        assert s.csp_violations == [], f"the Content-Security-Policy blocked: {s.csp_violations}"
        s.close()
