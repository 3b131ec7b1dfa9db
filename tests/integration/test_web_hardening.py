"""Web hardening (issue 9): security headers and caching, no inline script anywhere, same-site
redirects only, no enumeration across offices, ids beyond PostgreSQL's integer answer 404, and
Excel exports that never turn text into formulas."""
from __future__ import annotations

import io
import os
import re
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from tests.conftest import csrf_token_from
from tests.factories import decided_cases, login, make_case
from thads.extensions import db

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


# --------------------------------------------------------------------------- 5. headers


def test_every_page_carries_the_security_headers(client, world):
    for resp in (client.get("/login"), client.get("/no-such-page"), client.get("/api/v1/openapi.json")):
        assert resp.headers["Content-Security-Policy"] == CSP
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in resp.headers  # only with SECURE_COOKIES (HTTPS)


def test_signed_in_pages_and_the_api_are_never_stored_but_static_files_may_be(client, world):
    from tests.factories import api_token

    login(client, "officer_a")
    for path in ("/cases", "/worklist", "/notifications/"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    api = client.get("/api/v1/cases", headers=api_token(world.officer_a))
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/cases").headers["Cache-Control"] == "no-store"  # the 401 too
    for path in ("/static/thads.js", "/static/thads.css"):
        static = client.get(path)
        assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
        static.close()
    bootstrap = re.search(r'href="(/bootstrap/static/[^"]+\.css)"', client.get("/cases").get_data(as_text=True))
    resp = client.get(bootstrap.group(1))
    assert resp.status_code == 200 and "no-store" not in resp.headers.get("Cache-Control", "")
    resp.close()


def test_with_secure_cookies_the_session_cookie_is_secure_and_https_is_pinned(app, world):
    from tests.conftest import _config
    from thads import create_app

    secure = create_app({**_config(app.config["DATABASE_URL"], None), "SECURE_COOKIES": True})
    try:
        c = secure.test_client()
        page = c.get("/login", base_url="https://localhost")
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
        # Over HTTPS Flask-WTF also wants a same-site Referer.
        resp = c.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"}, data={
            "username": "officer_a", "password": "secret-pass-1",
            "csrf_token": csrf_token_from(page.get_data(as_text=True))})
        assert resp.status_code == 302
        cookies = resp.headers.getlist("Set-Cookie")
        assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
        assert secure.config["REMEMBER_COOKIE_SECURE"] is True
    finally:
        with secure.app_context():
            db.session.remove()
            db.engine.dispose()


class _InlineCode(HTMLParser):
    """Collects inline scripts, event-handler attributes and javascript: URLs of a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "script":
            if not names.get("src"):
                self.found.append("<script> without src")
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("code inside <script src>")


def inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def test_no_page_has_inline_script_or_event_handler_attributes(app, world, client):
    from thads.services import reminders

    case = decided_cases(world)[0]
    reminders.sweep(datetime.fromisoformat("2026-05-06T08:00+07:00"), enqueue=False)
    pages = {"/login": None, "/cases": "head_a", f"/cases/{case.id}": "head_a", "/workflow": "head_a",
             "/worklist": "officer_a", "/search?q=Nguyen": "officer_a", "/notifications/": "officer_a",
             "/supervision/": "head_a", f"/cases/{case.id}/payments": "officer_a",
             "/cases/new": "clerk_a", "/reports/": "head_p", "/reports/targets": "admin", "/admin/": "admin",
             "/admin/reminders/failed": "admin", "/reauth": "admin"}
    checked = 0
    for who in dict.fromkeys(pages.values()):
        c = app.test_client()
        if who:
            assert login(c, who).status_code == 302
        for path, user in pages.items():
            if user != who:
                continue
            resp = c.get(path)
            assert resp.status_code == 200, path
            html = resp.get_data(as_text=True)
            assert inline_code(html) == [], path
            checked += 1
    assert checked == len(pages)
    login(client, "head_a")
    printable = client.get(f"/cases/{case.id}/print").get_data(as_text=True)
    assert 'data-action="print"' in printable and inline_code(printable) == []


def test_no_template_writes_inline_script_or_handlers():
    offenders = []
    for folder, _dirs, files in os.walk(os.path.join(ROOT, "templates")):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text) \
                    or "javascript:" in text.lower():
                offenders.append(os.path.relpath(path, ROOT))
    assert offenders == []


# --------------------------------------------------------------------------- 6. open redirect

EVIL = ["https://evil.example/phish", "//evil.example/phish", "/\\evil.example/phish", "\t//evil.example",
        "javascript:alert(document.cookie)", "http:evil.example", " https://evil.example"]


def _my_notification(world):
    from thads.models import Notification
    from thads.services import reminders

    decided_cases(world)
    reminders.sweep(datetime.fromisoformat("2026-05-06T08:00+07:00"), enqueue=False)
    return db.session.query(Notification).filter_by(user_id=world.officer_a.id, channel="inapp").first()


@pytest.mark.parametrize("target", EVIL)
def test_acknowledging_a_notification_never_redirects_off_the_site(client, world, target):
    row = _my_notification(world)
    login(client, "officer_a")
    token = csrf_token_from(client.get("/notifications/").get_data(as_text=True))
    resp = client.post(f"/notifications/{row.id}/ack", data={"csrf_token": token, "next": target})
    assert resp.status_code == 302 and resp.headers["Location"] == "/notifications/"


def test_acknowledging_keeps_a_next_page_on_this_site(client, world):
    row = _my_notification(world)
    login(client, "officer_a")
    token = csrf_token_from(client.get("/notifications/").get_data(as_text=True))
    resp = client.post(f"/notifications/{row.id}/ack", data={"csrf_token": token, "next": "/worklist?kind=x"})
    assert resp.headers["Location"] == "/worklist?kind=x"


@pytest.mark.parametrize("target", EVIL)
def test_signing_in_never_redirects_off_the_site(client, world, target):
    from urllib.parse import quote

    page = client.get("/login").get_data(as_text=True)
    resp = client.post("/login?next=" + quote(target, safe=""), data={
        "username": "officer_a", "password": "secret-pass-1", "csrf_token": csrf_token_from(page)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_the_language_switch_returns_only_to_a_page_of_this_site(client, world):
    assert client.get("/lang/en", headers={"Referer": "http://localhost/cases?x=1"}).headers["Location"] == "/cases?x=1"
    for ref in ("https://evil.example/", "http://localhost.evil.example/x", "http://evil.example/http://localhost/",
                "javascript:alert(1)"):
        assert client.get("/lang/vi", headers={"Referer": ref}).headers["Location"] == "/", ref


# --------------------------------------------------------------------------- 7. enumeration


def test_the_board_answers_404_for_an_officer_of_another_office_as_for_a_missing_one(client, world):
    login(client, "head_a")
    assert client.get(f"/supervision/?officer={world.officer_a.id}").status_code == 200
    outside = client.get(f"/supervision/?officer={world.officer_b.id}")
    missing = client.get("/supervision/?officer=999999")
    assert outside.status_code == missing.status_code == 404
    assert "Officer B" not in outside.get_data(as_text=True)
    assert outside.get_data(as_text=True) == missing.get_data(as_text=True)


def test_someone_elses_notification_answers_404_like_a_missing_one(client, world):
    from thads.models import Notification

    _my_notification(world)
    theirs = db.session.query(Notification).filter_by(user_id=world.officer_a.id).first()
    login(client, "officer_a2")
    token = csrf_token_from(client.get("/notifications/").get_data(as_text=True))
    for path in (f"/notifications/{theirs.id}/ack", "/notifications/999999/ack"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    from thads.services import inbox
    from thads.services.errors import NotFound

    for notification_id in (theirs.id, 999999):
        with pytest.raises(NotFound):
            inbox.snooze(world.officer_a2, notification_id, date(2026, 5, 10), today=date(2026, 5, 6))
        with pytest.raises(NotFound):
            inbox.acknowledge(world.officer_a2, notification_id)


@pytest.mark.parametrize("query", ["unit=2147483648", "officer=2147483648", "unit=99999999999999999999",
                                   "officer=0", "unit=-1", "officer=1e3", "unit=%EF%BC%91"])
def test_board_ids_outside_the_integer_range_answer_404(client, world, query):
    login(client, "head_p")
    assert client.get(f"/supervision/?{query}").status_code == 404


def test_drill_down_after_outside_the_integer_range_answers_404(client, world):
    login(client, "head_p")
    base = "/reports/drill?unit=P&year=2026&months=12&figure=total&measure=cases&scope=tree"
    assert client.get(base).status_code == 200
    assert client.get(base + "&after=2147483647").status_code == 200
    for after in ("2147483648", "99999999999999999999", "-5"):
        assert client.get(base + f"&after={after}").status_code == 404, after


# --------------------------------------------------------------------------- 8. Excel exports

FORMULA = '=HYPERLINK("http://evil.example","x")'


def test_exports_write_text_that_looks_like_a_formula_as_text(client, world):
    from thads.services import accounts, lifecycle

    unit = accounts.create_unit("@EV", FORMULA, "regional", "P")
    clerk = accounts.create_user("clerk_ev", "secret-pass-1", "@EV", ["clerk"])
    head = accounts.create_user("head_ev", "secret-pass-1", "@EV", ["head"])
    accounts.create_user("officer_ev", "secret-pass-1", "@EV", ["officer"])
    db.session.commit()
    # No export lists party names today; formula-like ones are here so that one added later is
    # covered by the "no formula cell anywhere" checks below.
    case = make_case(clerk, today=date(2026, 5, 4), parties=[
        {"role": "creditor", "kind": "person", "name": "+cmd|' /C calc'!A0", "id_number": "001190000009"},
        {"role": "debtor", "kind": "person", "name": "-2+3", "id_number": "001085000008"}])
    lifecycle.apply_transition(head, case.id, "decide", on="2026-05-05",
                               inputs={"decision_number": "1/QĐ", "officer": "officer_ev"}, today=date(2026, 5, 5))
    db.session.commit()
    login(client, "head_p")

    report = client.get("/reports/export.xlsx?unit=P&year=2026&months=12&as_of=2026-05-31")
    assert report.status_code == 200
    ws = load_workbook(io.BytesIO(report.data)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    numbers = [c for row in ws.iter_rows(min_row=7) for c in row[2:] if c.value is not None]
    assert numbers and all(c.data_type == "n" for c in numbers)  # figures stay numbers

    drill = client.get("/reports/drill.xlsx?unit=P&year=2026&months=12&as_of=2026-05-31&figure=total"
                       "&measure=money&scope=own&row=@EV")
    assert drill.status_code == 200
    ws = load_workbook(io.BytesIO(drill.data)).active
    rows = list(ws.iter_rows(min_row=3))
    assert len(rows) == 1
    code = rows[0][3]
    assert code.value == "@EV" and code.data_type == "s"
    assert rows[0][0].data_type == "n" and rows[0][8].data_type == "n" and rows[0][8].value == 150_000_000
    assert rows[0][5].is_date
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert unit.name == FORMULA
