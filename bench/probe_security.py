"""Security probe (issue 9, acceptance point 5): the penetration test's attack battery, re-run
over real HTTP against ``gunicorn -w 2`` on PostgreSQL and Redis, plus the audit-trail
tamperings through the CLI. Prints the table ``category | tried | refused | accepted | leaked |
other`` and every leak with its request and response; exit code 1 if anything leaked.

    .venv/bin/python -m bench.probe_security             # ~3 minutes on an idle 2-core machine
    .venv/bin/python -m bench.probe_security --keep      # keep the database afterwards
    .venv/bin/python -m bench.probe_security --only input,headers   # some categories (setup is the same)

Needs PostgreSQL on 127.0.0.1:5432 (trust authentication, user ``postgres``) and Redis on
127.0.0.1:6379; Redis database 13 is the probe's (flushed at start and end). The database
``thads_probe_<pid>`` is created, migrated (``flask db upgrade``), loaded with the demo data
(``flask demo load``) and dropped at the end, as is its audit clone ``…_keyed``.

Each attempt ends as one of:

* **refused** — a clear 4xx (the expected JSON error code under ``/api``, a Vietnamese page or a
  form re-shown with its errors on the web) and nothing changed in the database;
* **accepted** — a request that is right to accept (a valid request, the control of a pair);
* **leaked** — a 5xx, an HTML answer on an API path, data changed that should not have, another
  office's data shown, a redirect off-site, a missing header, a formula in an Excel cell, a
  tampering ``flask audit verify`` did not report…;
* **other** — refused where it should have been accepted, or an answer the probe cannot judge:
  not a leak, but printed so that the probe stays honest.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import urlencode, urljoin, urlsplit
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
DEMO_PASSWORD = "thads-demo-2026"  # README.md, "Demo accounts"
BROKER_URL = "redis://127.0.0.1:6379/13"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_ID = 2**31 - 1
REFUSED, ACCEPTED, LEAKED, OTHER = "refused", "accepted", "leaked", "other"
CATEGORIES = ("input", "races", "idempotency", "audit", "sessions", "headers", "redirects", "enumeration",
              "excel", "scope")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
VERSION_RE = re.compile(r'name="version"[^>]*?value="(\d*)"')
SEEN_RE = re.compile(r'name="seen_seq"[^>]*?value="(\d*)"')
FORM_ERROR_MARKERS = ("invalid-feedback", "is-invalid", "alert-danger", "alert-warning", 'data-testid="stale"')
# Tokens and users the probe needs: username → token name.
# One per role: admin, head + supervisor (truongkv1/2), deputy (photruong), inspector, accountant,
# officer (one per office), clerk.
TOKEN_USERS = ("admin", "photruong", "thamtra", "ketoan", "truongkv1", "truongkv2", "chv1a", "chv2a", "thuky1")
EVIL = "https://evil.example/phish"


# ------------------------------------------------------------------------------------- results


@dataclass
class Attempt:
    category: str
    name: str
    outcome: str
    request: str
    answer: str
    detail: str = ""


@dataclass
class Recorder:
    attempts: list[Attempt] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, category: str, name: str, outcome: str, request: str, answer: str = "", detail: str = "") -> None:
        with self.lock:
            self.attempts.append(Attempt(category, name, outcome, request, answer, detail))

    def table(self) -> str:
        rows = []
        totals = Counter()
        for cat in CATEGORIES:
            mine = [a for a in self.attempts if a.category == cat]
            if not mine:
                continue
            c = Counter(a.outcome for a in mine)
            totals.update(c)
            rows.append((cat, len(mine), c[REFUSED], c[ACCEPTED], c[LEAKED], c[OTHER]))
        rows.append(("total", sum(totals.values()), totals[REFUSED], totals[ACCEPTED], totals[LEAKED], totals[OTHER]))
        head = ("category", "tried", "refused", "accepted (correctly)", "leaked", "other")
        widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
        line = lambda r: " | ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w)  # noqa: E731
                                    for i, (v, w) in enumerate(zip(r, widths, strict=True)))
        sep = "-+-".join("-" * w for w in widths)
        return "\n".join([line(head), sep, *[line(r) for r in rows[:-1]], sep, line(rows[-1])])


def snippet(resp) -> str:
    if resp is None:
        return "(no response)"
    ctype = resp.headers.get("Content-Type", "")
    if "spreadsheet" in ctype:
        body = f"<{len(resp.content)} bytes of xlsx>"
    else:
        body = re.sub(r"\s+", " ", resp.text or "")[:220]
    loc = f" Location: {resp.headers['Location']}" if resp.headers.get("Location") else ""
    return f"{resp.status_code} {ctype.split(';')[0]}{loc} {body}".strip()


def describe(method: str, path: str, body=None) -> str:
    if body is None:
        return f"{method} {path}"
    if isinstance(body, bytes):
        shown = body[:140].decode("utf-8", "replace")
        more = f"… ({len(body):,} bytes)" if len(body) > 140 else ""
    else:
        text_ = json.dumps(body, ensure_ascii=False) if not isinstance(body, str) else body
        shown, more = text_[:140], (f"… ({len(text_):,} chars)" if len(text_) > 140 else "")
    return f"{method} {path} {shown}{more}"


# ------------------------------------------------------------------------------------- judging


def _is_json(resp) -> bool:
    return resp.headers.get("Content-Type", "").split(";")[0].strip() == "application/json"


def _json(resp):
    try:
        return resp.json()
    except ValueError:
        return None


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def judge_api_error(resp, status, code, field_=None, changed: str | None = None) -> tuple[str, str]:
    """An API request that must be refused with ``status`` and the JSON ``error`` ``code``."""
    if resp.status_code >= 500:
        return LEAKED, "5xx on an API path"
    if changed:
        return LEAKED, f"data changed: {changed}"
    if not _is_json(resp):
        return LEAKED, f"non-JSON answer ({resp.headers.get('Content-Type')}) on an API path"
    body = _json(resp) or {}
    if resp.status_code < 400:
        return LEAKED, f"accepted ({resp.status_code}) where a refusal was due"
    got = body.get("error")
    if resp.status_code in _as_tuple(status) and got in _as_tuple(code):
        if field_ and not any(field_ in k for k in (body.get("fields") or {})):
            return REFUSED, f"refused, but `fields` does not name {field_!r}: {body.get('fields')}"
        return REFUSED, ""
    return REFUSED, f"refused as {resp.status_code} {got!r}, expected {status} {code!r}"


def judge_web_refusal(resp, statuses=(400, 403, 404, 409, 413, 422), changed: str | None = None,
                      form_ok: bool = False) -> tuple[str, str]:
    """A page request that must be refused: a Vietnamese error page with a 4xx, or (``form_ok``)
    the form shown again with its errors; nothing changed."""
    if resp.status_code >= 500:
        return LEAKED, "5xx"
    if changed:
        return LEAKED, f"data changed: {changed}"
    loc = resp.headers.get("Location")
    if loc and off_site(loc, resp.url):
        return LEAKED, f"redirect off-site: {loc}"
    html = resp.text or ""
    if resp.status_code in statuses:
        if 'lang="vi"' not in html[:400]:
            return REFUSED, "refused, but not with the Vietnamese error page"
        return REFUSED, ""
    if form_ok and resp.status_code == 200 and any(m in html for m in FORM_ERROR_MARKERS):
        return REFUSED, ""
    if form_ok and resp.status_code == 200:
        return REFUSED, "form shown again without a visible error"
    return OTHER, f"unexpected answer {resp.status_code}"


def off_site(location: str, base: str) -> bool:
    """Whether a browser following ``location`` (from a page at ``base``) would leave the site:
    browsers drop tabs/newlines, strip leading spaces/controls and read ``\\`` as ``/``."""
    host = urlsplit(base).netloc
    cleaned = re.sub(r"[\t\n\r]", "", location).lstrip("".join(chr(i) for i in range(33)))
    if re.match(r"(?i)\s*(javascript|data|vbscript):", cleaned):
        return True
    for candidate in (cleaned, cleaned.replace("\\", "/")):
        target = urljoin(base, candidate)
        if urlsplit(target).netloc != host:
            return True
    return False


# ------------------------------------------------------------------------------------- the deployment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Deployment:
    """A throw-away database, the CLI against it, and ``gunicorn -w 2`` serving it."""

    def __init__(self, pg: str, name: str, workdir: str) -> None:
        self.pg, self.name, self.workdir = pg, name, workdir
        self.url = f"{pg}/{name}"
        self.env = {**os.environ, "THADS_DATABASE_URL": self.url, "THADS_BROKER_URL": BROKER_URL,
                    "THADS_EMBEDDED_WORKER": "false", "THADS_SECRET_KEY": secrets.token_hex(32),
                    "THADS_INSTANCE_PATH": os.path.join(workdir, "instance"), "FLASK_APP": "wsgi",
                    "THADS_SMTP_URL": ""}
        for var in ("THADS_RATELIMIT_STORAGE_URI", "THADS_AUDIT_KEY", "THADS_TRUSTED_PROXIES"):
            self.env.pop(var, None)  # the production defaults: the throttle follows the broker's Redis
        self.engine = None
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.access_log = os.path.join(workdir, "access.log")

    # -- database
    def admin(self, sql: str) -> None:
        engine = create_engine(f"{self.pg}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def create(self) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        self.admin(f'CREATE DATABASE "{self.name}"')
        self.engine = create_engine(self.url, poolclass=NullPool)

    def drop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
        self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def sql(self, statement: str, **params):
        with self.engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else result.rowcount

    def scalar(self, statement: str, **params):
        rows = self.sql(statement, **params)
        return rows[0][0] if rows else None

    # -- CLI
    def flask(self, *args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run([os.path.join(BIN, "flask"), *args], cwd=ROOT, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)

    def flask_ok(self, *args: str) -> str:
        done = self.flask(*args)
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    # -- gunicorn
    def start(self) -> None:
        self.port = free_port()
        log = open(os.path.join(self.workdir, "gunicorn.log"), "w")  # noqa: SIM115 — closed by the child's exit
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{self.port}", "--timeout", "60",
             "--access-logfile", self.access_log, "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.base}/login", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + open(os.path.join(self.workdir, "gunicorn.log")).read())
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def server_errors(self) -> list[str]:
        """Tracebacks gunicorn logged (the 500s' causes)."""
        with open(os.path.join(self.workdir, "gunicorn.log")) as f:
            log = f.read()
        return [m.strip() for m in re.findall(r"(?m)^\S*Traceback.*?(?=^\[|\Z)", log, re.S)]


class Browser:
    """One signed-in person: a cookie jar and the CSRF token of the pages."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.s = requests.Session()
        self.csrf = ""

    def login(self, username: str, password: str = DEMO_PASSWORD, next_: str | None = None):
        page = self.s.get(f"{self.base}/login", timeout=30)
        token = CSRF_RE.search(page.text).group(1)
        path = "/login" + (f"?{urlencode({'next': next_})}" if next_ is not None else "")
        resp = self.s.post(f"{self.base}{path}", data={"username": username, "password": password,
                                                       "csrf_token": token}, allow_redirects=False, timeout=30)
        if resp.status_code == 302 and next_ is None:
            self.refresh_csrf()
        return resp

    def refresh_csrf(self, path: str = "/notifications/") -> str:
        page = self.get(path)
        m = CSRF_RE.search(page.text)
        self.csrf = m.group(1) if m else ""
        return page.text

    def get(self, path: str, **kw):
        return self.s.get(f"{self.base}{path}", allow_redirects=False, timeout=60, **kw)

    def post(self, path: str, data=None, csrf: bool = True, timeout: float = 60, **kw):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf
        return self.s.post(f"{self.base}{path}", data=data, allow_redirects=False, timeout=timeout, **kw)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.s.cookies)


# ------------------------------------------------------------------------------------- the probe


def b64(value) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def set_path(body: dict, path: str, value) -> dict:
    body = json.loads(json.dumps(body))
    node = body
    parts = path.split(".")
    for p in parts[:-1]:
        node = node[int(p)] if p.isdigit() else node[p]
    last = parts[-1]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return body


class Probe:
    def __init__(self, dep: Deployment, rec: Recorder, tokens: dict[str, str], setup: dict) -> None:
        self.dep, self.rec, self.tokens, self.setup = dep, rec, tokens, setup
        self.base = dep.base
        self.today = datetime.now(TZ).date()
        self.browsers: dict[str, Browser] = {}
        self.created: dict[str, dict] = {}

    # -- helpers
    def d(self, days: int) -> str:
        return (self.today + timedelta(days=days)).isoformat()

    def dmy(self, day: date | None = None) -> str:
        return (day or self.today).strftime("%d/%m/%Y")

    def browser(self, username: str) -> Browser:
        if username not in self.browsers:
            b = Browser(self.base)
            resp = b.login(username)
            if resp.status_code != 302:
                raise RuntimeError(f"sign-in of {username} failed: {snippet(resp)}")
            self.browsers[username] = b
        return self.browsers[username]

    def api(self, method: str, path: str, user: str | None, body=None, *, raw: bytes | None = None,
            headers: dict | None = None, ctype: str | None = "application/json"):
        h = {}
        if user is not None:
            h["Authorization"] = f"Bearer {self.tokens.get(user, user)}"
        if ctype:
            h["Content-Type"] = ctype
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
        resp = requests.request(method, f"{self.base}/api/v1{path}", data=data, headers=h, timeout=60,
                                allow_redirects=False)
        return resp, describe(method, f"/api/v1{path}", raw if raw is not None else body)

    def count_cases(self) -> int:
        return self.dep.scalar("SELECT count(*) FROM enforcement_case")

    def case_state(self, case_id: int) -> tuple:
        return tuple(self.dep.sql(
            "SELECT c.version, c.state, (SELECT count(*) FROM case_event e WHERE e.case_id = c.id), "
            "(SELECT count(*) FROM payment p WHERE p.case_id = c.id), c.collected, c.reduced, c.paid_out "
            "FROM enforcement_case c WHERE c.id = :i", i=case_id)[0])

    def watch(self, snap: Callable[[], object], send: Callable[[], tuple]):
        before = snap()
        resp, req = send()
        after = snap()
        return resp, req, (None if before == after else f"{before} → {after}")

    def api_refused(self, cat, name, method, path, user, body=None, *, status=422, code="invalid_input",
                    field_=None, snap=None, **kw):
        snap = snap or self.count_cases
        resp, req, changed = self.watch(snap, lambda: self.api(method, path, user, body, **kw))
        outcome, detail = judge_api_error(resp, status, code, field_, changed)
        self.rec.add(cat, name, outcome, req, snippet(resp), detail)
        return resp

    def web_refused(self, cat, name, send: Callable, req: str, *, snap=None, statuses=(400, 403, 404, 409, 413, 422),
                    form_ok=False):
        snap = snap or self.count_cases
        before = snap()
        resp = send()
        after = snap()
        changed = None if before == after else f"{before} → {after}"
        outcome, detail = judge_web_refusal(resp, statuses, changed, form_ok)
        self.rec.add(cat, name, outcome, req, snippet(resp), detail)
        return resp

    def accept(self, cat, name, req, resp, ok: bool, why: str = "") -> None:
        if resp is not None and resp.status_code >= 500:
            self.rec.add(cat, name, LEAKED, req, snippet(resp), "5xx")
        elif ok:
            self.rec.add(cat, name, ACCEPTED, req, snippet(resp) if resp is not None else "", why)
        else:
            self.rec.add(cat, name, OTHER, req, snippet(resp) if resp is not None else "",
                         why or "a valid request was not accepted")

    def case_body(self, **over) -> dict:
        body = {
            "kind": "on_request", "received_on": self.d(-10),
            "judgment": {"court": "Tòa án nhân dân thành phố Việt Trì", "number": "15/2026/DS-ST",
                         "date": self.d(-40)},
            "parties": [{"role": "creditor", "kind": "organisation", "name": "Công ty TNHH Thử Nghiệm"},
                        {"role": "debtor", "name": "Nguyễn Văn Bình", "id_number": "025123456789",
                         "address": "Phường Gia Cẩm, Việt Trì"}],
            "obligations": [{"description": "Trả tiền nợ gốc", "amount": 50_000_000}],
        }
        body.update(over)
        return body

    def new_case(self, user: str = "thuky1", **over) -> dict:
        resp, req = self.api("POST", "/cases", user, self.case_body(**over))
        if resp.status_code != 201:
            raise RuntimeError(f"could not register a case for the probe: {req} → {snippet(resp)}")
        return resp.json()

    def demo_case(self, unit_code: str, state: str, *, min_remaining: int = 0, skip: int = 0) -> int:
        return self.dep.scalar(
            "SELECT c.id FROM enforcement_case c JOIN unit u ON u.id = c.unit_id WHERE u.code = :u AND c.state = :s "
            "AND c.amount_total - c.collected - c.reduced >= :m ORDER BY c.id OFFSET :k LIMIT 1",
            u=unit_code, s=state, m=min_remaining, k=skip)

    # ================================================================================ input
    def input_api(self) -> None:
        cat = "input"
        resp, req = self.api("POST", "/cases", "thuky1", self.case_body())
        self.accept(cat, "valid registration (control)", req, resp, resp.status_code == 201)
        # Every string field exactly at its column length (Vietnamese letters) is accepted.
        at_max = self.case_body()
        at_max = set_path(at_max, "judgment.number", "Số" + "ệ" * 62)
        at_max = set_path(at_max, "judgment.court", "Tòa" + "ữ" * 197)
        at_max = set_path(at_max, "parties.1.name", "Ư" * 200)
        at_max = set_path(at_max, "parties.1.id_number", "9" * 32)
        at_max = set_path(at_max, "parties.1.address", "Đ" * 300)
        at_max = set_path(at_max, "obligations.0.description", "ỗ" * 500)
        resp, req = self.api("POST", "/cases", "thuky1", at_max)
        self.accept(cat, "every string at its column length (control)", req, resp, resp.status_code == 201)

        over = [("judgment.number", 64), ("judgment.court", 200), ("parties.1.name", 200),
                ("parties.1.id_number", 32), ("parties.1.address", 300), ("obligations.0.description", 500)]
        for path, n in over:
            self.api_refused(cat, f"{path} of {n + 1} characters", "POST", "/cases", "thuky1",
                             set_path(self.case_body(), path, "x" * (n + 1)), field_=path)
        # Characters that NFC-normalisation expands (U+0958 → 2 code points, U+FB2C → 3).
        self.api_refused(cat, "party name of 101 × U+0958 (202 after NFC)", "POST", "/cases", "thuky1",
                         set_path(self.case_body(), "parties.1.name", "\u0958" * 101), field_="parties.1.name")
        self.api_refused(cat, "judgment number of 30 × U+FB2C (90 after NFC)", "POST", "/cases", "thuky1",
                         set_path(self.case_body(), "judgment.number", "\ufb2c" * 30), field_="judgment.number")
        self.api_refused(cat, "NUL byte in a party name", "POST", "/cases", "thuky1",
                         set_path(self.case_body(), "parties.1.name", "Nguyễn\x00Văn"), field_="parties.1.name")
        self.api_refused(cat, "NUL byte in the court", "POST", "/cases", "thuky1",
                         set_path(self.case_body(), "judgment.court", "\x00"), field_="judgment.court")
        # Lone surrogates: raw JSON text (json.dumps would refuse to write them).
        for path in ("parties.1.name", "judgment.number", "parties.1.address", "obligations.0.description"):
            raw = json.dumps(set_path(self.case_body(), path, "@@SURROGATE@@"), ensure_ascii=True)
            raw = raw.replace("@@SURROGATE@@", "abc\\ud800def").encode()
            self.api_refused(cat, f"lone surrogate \\ud800 in {path}", "POST", "/cases", "thuky1", raw=raw,
                             status=(400, 422), code=("invalid_input", "malformed_json"), field_=None)
        raw = json.dumps(self.case_body(), ensure_ascii=True).replace('"kind"', '"ki\\udfffnd"', 1).encode()
        self.api_refused(cat, "lone surrogate in a key", "POST", "/cases", "thuky1", raw=raw)
        # Wrong JSON types.
        for fld, val in (("unit", 5), ("unit", {"code": "PT-KV1"}), ("officer", 7), ("officer", {"$ne": ""}),
                         ("officer", ["chv1a"]), ("interim", "yes"), ("parties", {"0": {}}), ("received_on", 20260101),
                         ("judgment", "15/2026"), ("obligations", [{"description": "x", "amount": 1.5}]),
                         ("obligations", [{"description": "x", "amount": True}])):
            self.api_refused(cat, f"{fld} as {type(val).__name__} {json.dumps(val)}", "POST", "/cases", "thuky1",
                             self.case_body(**{fld: val}), field_=fld)
        # Money.
        self.api_refused(cat, "1,000 obligations of 10^16 đồng", "POST", "/cases", "thuky1",
                         self.case_body(obligations=[{"description": "x", "amount": 10**16}] * 1000),
                         field_="obligations")
        self.api_refused(cat, "100 obligations of 10^15 (total 10^17)", "POST", "/cases", "thuky1",
                         self.case_body(obligations=[{"description": "x", "amount": 10**15}] * 100),
                         field_="obligations")
        self.api_refused(cat, "obligation of 2^63 đồng", "POST", "/cases", "thuky1",
                         self.case_body(obligations=[{"description": "x", "amount": 2**63}]), field_="obligations")
        self.api_refused(cat, "negative obligation", "POST", "/cases", "thuky1",
                         self.case_body(obligations=[{"description": "x", "amount": -5}]), field_="obligations")
        for label, digits in (("full-width", "１０００"), ("Arabic-Indic", "١٠٠٠"), ("Devanagari", "१०००"),
                              ("superscript", "¹⁰⁰⁰")):
            self.api_refused(cat, f"{label} digits as an obligation amount", "POST", "/cases", "thuky1",
                             self.case_body(obligations=[{"description": "x", "amount": digits}]),
                             field_="obligations")
        self.api_refused(cat, "a 5,000-digit integer amount", "POST", "/cases", "thuky1",
                         raw=json.dumps(self.case_body()).replace("50000000", "9" * 5000).encode(),
                         status=(400, 422), code=("malformed_json", "invalid_input"))
        # Dates.
        for fld, val in (("received_on", "9999-12-31"), ("received_on", "0001-01-01"), ("received_on", "2026-02-30"),
                         ("received_on", "+2026-01-01"), ("received_on", "２０２６-01-01")):
            self.api_refused(cat, f"{fld} = {val}", "POST", "/cases", "thuky1", self.case_body(**{fld: val}),
                             field_=fld)
        self.api_refused(cat, "judgment date 1900-01-01", "POST", "/cases", "thuky1",
                         set_path(self.case_body(), "judgment.date", "1900-01-01"), field_="judgment.date")

        # Transitions and payments on cases of office 1.
        s1 = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=0)
        snap = lambda: self.case_state(s1)  # noqa: E731
        for val in ("9999-12-31", "0001-01-01", self.d(-400), "2026-13-01", self.d(365 * 11)):
            self.api_refused(cat, f"suspend with ground_ends_on {val}", "POST", f"/cases/{s1}/transitions",
                             "truongkv1", {"trigger": "suspend", "inputs": {"ground": "Tòa án đề nghị",
                                                                           "ground_ends_on": val}},
                             field_="ground_ends_on", snap=snap)
        self.api_refused(cat, "decision_number of 65 characters", "POST", f"/cases/{self.created['received']['id']}"
                         "/transitions", "truongkv1", {"trigger": "decide", "inputs": {
                             "decision_number": "Q" * 65, "officer": "chv1a"}}, field_="decision_number",
                         snap=lambda: self.case_state(self.created["received"]["id"]))
        self.api_refused(cat, "lone surrogate in a transition input", "POST", f"/cases/{s1}/transitions",
                         "truongkv1", raw=b'{"trigger": "suspend", "inputs": {"ground": "x\\udc00y"}}',
                         field_="ground", snap=snap)
        self.api_refused(cat, "lone surrogate as a transition input's name", "POST", f"/cases/{s1}/transitions",
                         "truongkv1", raw=b'{"trigger": "suspend", "inputs": {"ground": "ok", "\\ud800": "x"}}',
                         snap=snap, status=(400, 422), code=("invalid_input", "malformed_json"))
        for label, body in (
            ("transition input as an object", {"trigger": "suspend", "inputs": {"ground": {"a": 1}}}),
            ("21 transition inputs", {"trigger": "suspend", "inputs": {f"k{i}": "x" for i in range(21)}}),
            ("a 2,001-character transition input", {"trigger": "suspend", "inputs": {"ground": "g" * 2001}}),
            ("officer input of 2^31", {"trigger": "suspend", "inputs": {"ground": "x", "officer": 2**31}}),
            ("unknown trigger", {"trigger": "drop_table"}),
            ("version 2^31", {"trigger": "suspend", "version": 2**31, "inputs": {"ground": "x"}}),
            ("version as a string", {"trigger": "suspend", "version": "1", "inputs": {"ground": "x"}}),
            ("version -1", {"trigger": "suspend", "version": -1, "inputs": {"ground": "x"}}),
            ("on = 9999-12-31", {"trigger": "suspend", "on": "9999-12-31", "inputs": {"ground": "x"}}),
        ):
            self.api_refused(cat, label, "POST", f"/cases/{s1}/transitions", "truongkv1", body, snap=snap)

        p = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=1)
        snap = lambda: self.case_state(p)  # noqa: E731
        pay = f"/cases/{p}/payments"
        for label, body, fld in (
            ("receipt_number of 65 characters", {"amount": 1000, "receipt_number": "R" * 65}, "receipt_number"),
            ("receipt_number as an object", {"amount": 1000, "receipt_number": {"a": 1}}, "receipt_number"),
            ("receipt_number with NUL", {"amount": 1000, "receipt_number": "BL\x001"}, "receipt_number"),
            ("full-width digits money １０００", {"amount": "１０００"}, "amount"),
            ("Arabic-Indic digits money ١٠٠٠", {"amount": "١٠٠٠"}, "amount"),
            ("money 10^16", {"amount": 10**16}, "amount"),
            ("money 0", {"amount": 0}, "amount"),
            ("money -1000", {"amount": -1000}, "amount"),
            ("money 1.5", {"amount": 1.5}, "amount"),
            ("money \"1,5\"", {"amount": "1,5"}, "amount"),
            ("money as true", {"amount": True}, "amount"),
            ("payment kind 'gift'", {"amount": 1000, "kind": "gift"}, "kind"),
            ("payment dated 0001-01-01", {"amount": 1000, "on": "0001-01-01"}, "on"),
            ("payment dated 9999-12-31", {"amount": 1000, "on": "9999-12-31"}, "on"),
            ("payment above the remaining amount", {"amount": 10**15}, "amount"),
            ("unknown field", {"amount": 1000, "approved": True}, "approved"),
        ):
            self.api_refused(cat, label, "POST", pay, "ketoan", body, field_=fld, snap=snap)

        # Bodies.
        big = json.dumps(self.case_body(parties=[{"role": "debtor", "name": "x" * 190}] * 6000)).encode()
        self.api_refused(cat, f"JSON body of {len(big) / 2**20:.1f} MiB", "POST", "/cases", "thuky1", raw=big,
                         status=413, code="payload_too_large")
        for label, raw in (("NaN", b'{"amount": NaN}'), ("Infinity", b'{"amount": Infinity}'),
                           ("-Infinity", b'{"amount": -Infinity}'), ("nesting 100,000 deep", b"[" * 100_000),
                           ("invalid UTF-8", b'{"amount": "\xff\xfe"}'), ("truncated JSON", b'{"amount": 10'),
                           ("empty body", b"")):
            self.api_refused(cat, f"{label} in a payment body", "POST", pay, "ketoan", raw=raw, status=400,
                             code="malformed_json", snap=snap)
        self.api_refused(cat, "a JSON array as the body", "POST", pay, "ketoan", [1000], snap=snap)
        self.api_refused(cat, "nesting 5,000 deep inside a valid object", "POST", pay, "ketoan",
                         raw=b'{"amount": 1000, "x": ' + b"[" * 5000 + b"]" * 5000 + b"}", snap=snap,
                         status=(400, 422), code=("malformed_json", "invalid_input"))
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                      "application/xml"):
            self.api_refused(cat, f"Content-Type {ctype}", "POST", pay, "ketoan", {"amount": 1000}, ctype=ctype,
                             status=415, code="unsupported_media_type", snap=snap)

        # Cursors and query strings of the API.
        for label, cur in (("[]", b64([])), ("[true]", b64([True])), ("[2^31]", b64([2**31])), ("[0]", b64([0])),
                           ("[-1]", b64([-1])), ("[\"1\"]", b64(["1"])), ("[1.5]", b64([1.5])),
                           ("nested 1,500 deep", b64(b"[" * 1500 + b"1" + b"]" * 1500)),
                           ("Infinity", b64(b"[Infinity]")), ("NaN", b64(b"NaN")), ("{}", b64({})),
                           ("not base64", "!!!"), ("not JSON", b64(b"\xff\xfe")), ("201 characters", "A" * 201)):
            self.api_refused(cat, f"?cursor= {label} on /api/v1/cases", "GET",
                             f"/cases?{urlencode({'cursor': cur})}", "thuky1", ctype=None, field_="cursor")
        for label, q in (("limit=0", "limit=0"), ("limit=100000", "limit=100000"), ("limit=abc", "limit=abc"),
                         ("unknown parameter", "sort=id;drop"), ("overdue=maybe", "overdue=maybe"),
                         ("state=<script>", "state=%3Cscript%3E"), ("q with NUL", "q=a%00b"),
                         ("q of 201 characters", "q=" + "a" * 201)):
            self.api_refused(cat, f"/api/v1/cases?{label}", "GET", f"/cases?{q}", "thuky1", ctype=None)
        for val in ("2147483648", "99999999999999999999", "-1", "0", "abc", "１２"):
            self.api_refused(cat, f"/api/v1/notifications?cursor={val}", "GET",
                             f"/notifications?{urlencode({'cursor': val})}", "truongkv1", ctype=None,
                             field_="cursor")
        for path in ("/cases/2147483648", "/cases/99999999999999999999", "/cases/0", "/cases/2147483648/payments"):
            method = "POST" if path.endswith("payments") else "GET"
            self.api_refused(cat, f"id above 2^31 in the path {path}", method, path, "thuky1",
                             {"amount": 1} if method == "POST" else None, status=404, code="not_found")

    def input_web(self) -> None:
        cat = "input"
        head = self.browser("truongkv1")
        for label, path in (("/cases/2147483648", "/cases/2147483648"),
                            ("/cases/99999999999999999999", "/cases/99999999999999999999"),
                            ("/cases/2147483648/payments", "/cases/2147483648/payments"),
                            ("/cases/2147483648/transitions/decide", "/cases/2147483648/transitions/decide"),
                            ("/supervision/proposals/2147483648", "/supervision/proposals/2147483648"),
                            ("/supervision/reassign?case=2147483648", "/supervision/reassign?case=2147483648"),
                            ("/supervision/cases/2147483648/propose/suspend",
                             "/supervision/cases/2147483648/propose/suspend")):
            self.web_refused(cat, f"id above 2^31 in the page path {label}", lambda p=path: head.get(p),
                             f"GET {path}", statuses=(404,))
        self.web_refused(cat, "POST /notifications/2147483648/ack",
                         lambda: head.post("/notifications/2147483648/ack"), "POST /notifications/2147483648/ack",
                         statuses=(404,))
        for param in ("unit", "officer"):
            for val in ("2147483648", "99999999999999999999", "-1", "0", "１２", "1e3", "0x10"):
                path = f"/supervision/?{param}={val}"
                self.web_refused(cat, f"/supervision/?{param}={val}", lambda p=path: head.get(p), f"GET {path}",
                                 statuses=(404,))
        drill = "/reports/drill?unit=PT-KV1&figure=total&measure=cases&scope=tree"
        for val in ("2147483648", "99999999999999999999", "-5", "abc"):
            path = f"{drill}&after={val}"
            self.web_refused(cat, f"reports drill-down ?after={val}", lambda p=path: head.get(p), f"GET {path}",
                             statuses=(404,))
        for label, cur in (("[]", b64([])), ("[true]", b64([True])), ("[2^31]", b64([2**31])),
                           ("nested 1,500 deep", b64(b"[" * 1500 + b"]" * 1500)), ("Infinity", b64(b"Infinity"))):
            path = f"/cases?{urlencode({'cursor': cur})}"
            self.web_refused(cat, f"/cases?cursor= {label}", lambda p=path: head.get(p), f"GET {path}",
                             statuses=(400, 404, 422))
        for label, cur in (("[date, 2^31]", b64(["2026-01-01", 2**31])), ("[9999-99-99, 1]", b64(["9999-99-99", 1])),
                           ("[true, true]", b64([True, True])), ("Infinity", b64(b"[Infinity, 1]"))):
            path = f"/supervision/?{urlencode({'cursor': cur})}"
            self.web_refused(cat, f"/supervision/?cursor= {label}", lambda p=path: head.get(p), f"GET {path}",
                             statuses=(400, 404, 422))
        for base_path in ("/worklist?", "/search?q=a&"):
            for label, cur in (("[date, 2^31]", b64(["2026-01-01", 2**31])), ("[2^31]", b64([2**31])),
                               ("nested 1,500 deep", b64(b"[" * 1500 + b"]" * 1500)), ("Infinity", b64(b"Infinity"))):
                path = f"{base_path}{urlencode({'cursor': cur})}"
                self.web_refused(cat, f"{base_path.split('?')[0]}?cursor= {label}", lambda p=path: head.get(p),
                                 f"GET {path}", statuses=(400, 404, 422), form_ok=True)
        for q in ("year=99999999999999999999", "year=-1", "months=13", "months=0", "as_of=0001-01-01",
                  "as_of=31/02/2026", "unit=%00"):
            path = f"/reports/?{q}"
            self.web_refused(cat, f"/reports/?{q}", lambda p=path: head.get(p), f"GET {path}",
                             statuses=(400, 404, 422))
        self.web_refused(cat, "NUL in a query string (/search?q=)", lambda: head.get("/search?q=a%00b"),
                         "GET /search?q=a%00b", statuses=(400,))

        # Web forms of office 1: the same limits as the API.
        p = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=2)
        acct = self.browser("ketoan")
        page = acct.get(f"/cases/{p}/payments").text
        base = {"csrf_token": CSRF_RE.search(page).group(1), "kind": "collection", "amount": "1.000",
                "on": self.dmy(), "receipt_number": "BL-1", "version": VERSION_RE.search(page).group(1),
                "seen_seq": SEEN_RE.search(page).group(1)}
        snap = lambda: self.case_state(p)  # noqa: E731
        for label, change in (("receipt_number of 65 characters", {"receipt_number": "R" * 65}),
                              ("full-width digits money １０００", {"amount": "１０００"}),
                              ("Arabic-Indic digits money ١٠٠٠", {"amount": "١٠٠٠"}),
                              ("money 10^16", {"amount": "10000000000000000"}),
                              ("money -1.000", {"amount": "-1.000"}),
                              ("date 31/12/9999", {"on": "31/12/9999"}), ("date 01/01/0001", {"on": "01/01/0001"}),
                              ("kind 'gift'", {"kind": "gift"}), ("NUL in receipt_number", {"receipt_number": "a\x00"}),
                              ("version 99999999999999999999", {"version": "99999999999999999999"}),
                              ("seen_seq 2147483648 with a stale version", {"version": "0", "seen_seq": "2147483648"}),
                              ("seen_seq 99999999999999999999 with a stale version",
                               {"version": "0", "seen_seq": "99999999999999999999"}),
                              ("seen_seq -1 with a stale version", {"version": "0", "seen_seq": "-1"})):
            form = {**base, **change}
            self.web_refused(cat, f"web payment form: {label}", lambda f=form: acct.post(f"/cases/{p}/payments", f),
                             describe("POST", f"/cases/{p}/payments", form), snap=snap, form_ok=True)
        # Invalid UTF-8 in a form field (a CESU-8 surrogate): werkzeug keeps the undecodable bytes
        # percent-encoded, so the payment is valid and recorded; no surrogate reaches PostgreSQL.
        data = urlencode({k: v for k, v in base.items() if k != "receipt_number"}) + "&receipt_number=BL%ED%A0%80"
        before = snap()
        resp = acct.s.post(f"{self.base}/cases/{p}/payments", data=data, allow_redirects=False, timeout=60,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        stored = self.dep.scalar("SELECT receipt_number FROM payment WHERE case_id = :c ORDER BY id DESC LIMIT 1", c=p)
        req = f"POST /cases/{p}/payments receipt_number=BL%ED%A0%80 (invalid UTF-8)"
        if resp.status_code >= 500:
            self.rec.add(cat, "web payment form: invalid UTF-8 in receipt_number", LEAKED, req, snippet(resp), "5xx")
        elif resp.status_code == 302:
            self.rec.add(cat, "web payment form: invalid UTF-8 in receipt_number", ACCEPTED, req, snippet(resp),
                         f"stored as {stored!r}: werkzeug keeps undecodable bytes percent-encoded")
        else:
            self.web_refused(cat, "web payment form: invalid UTF-8 in receipt_number", lambda: resp, req,
                             snap=lambda: before, form_ok=True)

        head = self.browser("truongkv1")
        r = self.created["received_web"]["id"]
        page = head.get(f"/cases/{r}/transitions/decide").text
        form = {"csrf_token": CSRF_RE.search(page).group(1), "version": VERSION_RE.search(page).group(1),
                "seen_seq": SEEN_RE.search(page).group(1), "on": self.dmy(), "in_decision_number": "Q" * 65,
                "in_officer": "chv1a"}
        self.web_refused(cat, "web transition form: decision_number of 65 characters",
                         lambda: head.post(f"/cases/{r}/transitions/decide", form),
                         describe("POST", f"/cases/{r}/transitions/decide", form),
                         snap=lambda: self.case_state(r), form_ok=True)
        s = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=3)
        page = head.get(f"/cases/{s}/transitions/suspend").text
        for seen in ("2147483648", "99999999999999999999"):
            form = {"csrf_token": CSRF_RE.search(page).group(1), "version": "0", "seen_seq": seen, "on": self.dmy(),
                    "in_ground": "Tòa án đề nghị"}
            self.web_refused(cat, f"web suspend form: seen_seq {seen} with a stale version",
                             lambda f=form: head.post(f"/cases/{s}/transitions/suspend", f),
                             describe("POST", f"/cases/{s}/transitions/suspend", form),
                             snap=lambda: self.case_state(s), form_ok=True)
        for val in ("31/12/9999", "01/01/0001", "9999-12-31"):
            form = {"csrf_token": CSRF_RE.search(page).group(1), "version": VERSION_RE.search(page).group(1),
                    "seen_seq": SEEN_RE.search(page).group(1), "on": self.dmy(), "in_ground": "Tòa án đề nghị",
                    "in_ground_ends_on": val}
            self.web_refused(cat, f"web suspend form: ground_ends_on {val}",
                             lambda f=form: head.post(f"/cases/{s}/transitions/suspend", f),
                             describe("POST", f"/cases/{s}/transitions/suspend", form),
                             snap=lambda: self.case_state(s), form_ok=True)

        clerk = self.browser("thuky1")
        page = clerk.get("/cases/new").text
        key = re.search(r'name="submission_key"[^>]*?value="([^"]*)"', page).group(1)
        good = {"csrf_token": CSRF_RE.search(page).group(1), "submission_key": key, "kind": "on_request",
                "received_on": self.dmy(self.today - timedelta(days=5)), "court": "TAND Việt Trì",
                "judgment_number": "1/2026/DS", "judgment_date": self.dmy(self.today - timedelta(days=30)),
                "parties-0-role": "debtor", "parties-0-kind": "person", "parties-0-name": "Lê Văn C",
                "obligations-0-description": "Trả tiền", "obligations-0-amount": "1.000.000", "obligations-0-rank": "3"}
        for label, change in (("court of 201 characters", {"court": "c" * 201}),
                              ("judgment number of 65 characters", {"judgment_number": "n" * 65}),
                              ("party name of 201 characters", {"parties-0-name": "p" * 201}),
                              ("id_number of 33 characters", {"parties-0-id_number": "1" * 33}),
                              ("address of 301 characters", {"parties-0-address": "a" * 301}),
                              ("description of 501 characters", {"obligations-0-description": "d" * 501}),
                              ("full-width money", {"obligations-0-amount": "１０００"}),
                              ("money 10^16", {"obligations-0-amount": "10000000000000000"}),
                              ("received 31/12/9999", {"received_on": "31/12/9999"}),
                              ("NUL in the court", {"court": "TAND\x00"})):
            form = {**good, **change}
            self.web_refused(cat, f"web registration form: {label}", lambda f=form: clerk.post("/cases/new", f),
                             describe("POST", "/cases/new", change), form_ok=True,
                             statuses=(400, 413, 422))
        huge = {**good, "parties-99999999999999999999-name": "Vũ Văn D", "parties-99999999999999999999-role": "debtor"}
        resp = clerk.post("/cases/new", huge)
        self.accept(cat, "web registration form: party row index 10^20 (a valid form otherwise)",
                    describe("POST", "/cases/new", {"parties-99999999999999999999-name": "Vũ Văn D"}), resp,
                    resp.status_code in (200, 302), "registered; the row index is only an ordering key")
        # Bodies above the 1 MiB limit: 413 with the Vietnamese page, signed in or not.
        big = {**good, "court": "c" * 1_100_000}
        self.web_refused(cat, "web registration form above 1 MiB", lambda: clerk.post("/cases/new", big),
                         "POST /cases/new (court of 1,100,000 characters)", statuses=(413,))
        for label, ctype in (("form", "application/x-www-form-urlencoded"), ("JSON", "application/json")):
            body = b"username=" + b"a" * 1_100_000 if ctype.endswith("urlencoded") else b'"' + b"a" * 1_100_000 + b'"'
            self.web_refused(cat, f"anonymous POST /login of 1.1 MB ({label})",
                             lambda b=body, c=ctype: requests.post(f"{self.base}/login", data=b, timeout=60,
                                                                   headers={"Content-Type": c}, allow_redirects=False),
                             f"POST /login Content-Type: {ctype} (1,100,000 bytes)", statuses=(413,))
        # Administration: statistics targets (admin, re-authenticated at sign-in).
        admin = self.browser("admin")
        page = admin.get("/reports/targets").text
        token = CSRF_RE.search(page).group(1) if CSRF_RE.search(page) else admin.csrf
        targets = lambda: self.dep.sql("SELECT id, stat_year, unit_id, cases_bp, money_bp FROM target ORDER BY id")  # noqa: E731
        for val in ("2147483648", "abc", "1.5", "-1"):
            self.web_refused(cat, f"admin: POST /reports/targets delete={val}",
                             lambda v=val: admin.post("/reports/targets", {"delete": v, "csrf_token": token}),
                             f"POST /reports/targets delete={val}", snap=targets, form_ok=True)
        started = time.perf_counter()
        try:
            resp = admin.post("/reports/targets", {"stat_year": "2026", "cases": "1e300000", "money": "50",
                                                   "csrf_token": token}, timeout=120)
        except requests.RequestException as exc:
            resp = None
            answer = repr(exc)[:200]
        spent = time.perf_counter() - started
        req = "POST /reports/targets stat_year=2026&cases=1e300000&money=50 (13 bytes of input)"
        if resp is None or resp.status_code >= 500 or spent > 2:
            self.rec.add(cat, "admin: target percentage 1e300000", LEAKED, req,
                         (snippet(resp) if resp is not None else answer) + f" after {spent:.1f} s",
                         f"one request held a worker for {spent:.1f} s of CPU (Decimal → int of 10^300002)")
        else:
            outcome, detail = judge_web_refusal(resp, (400, 422), None, True)
            self.rec.add(cat, "admin: target percentage 1e300000", outcome, req, snippet(resp), detail)

    # ================================================================================ races
    def fire(self, n: int, send: Callable[[], requests.Response]) -> list:
        barrier = threading.Barrier(n)
        out: list = []
        lock = threading.Lock()

        def one():
            barrier.wait()
            try:
                resp = send()
            except requests.RequestException as exc:
                resp = exc
            with lock:
                out.append(resp)

        threads = [threading.Thread(target=one) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return out

    def judge_race(self, label: str, req: str, results: list, changes: int, ok_first: int,
                   ok_rest: Callable[[requests.Response], bool], rest_label: str) -> None:
        cat = "races"
        firsts = 0
        for resp in results:
            if not isinstance(resp, requests.Response):
                self.rec.add(cat, label, OTHER, req, repr(resp), "no answer")
            elif resp.status_code >= 500:
                self.rec.add(cat, label, LEAKED, req, snippet(resp), "5xx under a race")
            elif resp.status_code == ok_first and firsts == 0 and not ok_rest(resp):
                firsts += 1
                self.rec.add(cat, label, ACCEPTED, req, snippet(resp), "the one that did the work")
            elif ok_rest(resp):
                self.rec.add(cat, label, REFUSED if rest_label == "refused" else ACCEPTED, req, snippet(resp))
            else:
                self.rec.add(cat, label, OTHER, req, snippet(resp), "unexpected answer")
        statuses = Counter(r.status_code if isinstance(r, requests.Response) else "error" for r in results)
        self.rec.add(cat, f"{label}: exactly one change", ACCEPTED if changes == 1 else LEAKED, req,
                     f"statuses {dict(statuses)}", f"{changes} changes")

    def races(self) -> None:
        n = 20
        head = self.browser("truongkv1")
        # 20 identical web transition forms.
        r = self.created["received_race"]["id"]
        page = head.get(f"/cases/{r}/transitions/decide").text
        form = {"csrf_token": CSRF_RE.search(page).group(1), "version": VERSION_RE.search(page).group(1),
                "seen_seq": SEEN_RE.search(page).group(1), "on": self.dmy(), "in_decision_number": "99/QĐ-PROBE",
                "in_officer": "chv1a"}
        cookies = head.cookie_header()
        body = urlencode(form)
        hdr = {"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"}
        before = self.case_state(r)
        results = self.fire(n, lambda: requests.post(f"{self.base}/cases/{r}/transitions/decide", data=body,
                                                     headers=hdr, allow_redirects=False, timeout=60))
        after = self.case_state(r)
        self.judge_race("20 concurrent identical web transition forms",
                        describe("POST", f"/cases/{r}/transitions/decide", form), results, after[2] - before[2], 302,
                        lambda x: x.status_code in (200, 409) and 'data-testid="stale"' in x.text, "refused")
        # 20 identical web payment forms.
        p = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=4)
        acct = self.browser("ketoan")
        page = acct.get(f"/cases/{p}/payments").text
        form = {"csrf_token": CSRF_RE.search(page).group(1), "kind": "collection", "amount": "1.000.000",
                "on": self.dmy(), "receipt_number": "BL-RACE", "version": VERSION_RE.search(page).group(1),
                "seen_seq": SEEN_RE.search(page).group(1)}
        body = urlencode(form)
        hdr = {"Cookie": acct.cookie_header(), "Content-Type": "application/x-www-form-urlencoded"}
        before = self.case_state(p)
        results = self.fire(n, lambda: requests.post(f"{self.base}/cases/{p}/payments", data=body, headers=hdr,
                                                     allow_redirects=False, timeout=60))
        after = self.case_state(p)
        self.judge_race("20 concurrent identical web payment forms", describe("POST", f"/cases/{p}/payments", form),
                        results, after[3] - before[3], 302,
                        lambda x: x.status_code in (200, 409) and 'data-testid="stale"' in x.text, "refused")
        # 20 identical web registration forms (one submission key).
        clerk = self.browser("thuky1")
        page = clerk.get("/cases/new").text
        form = {"csrf_token": CSRF_RE.search(page).group(1),
                "submission_key": re.search(r'name="submission_key"[^>]*?value="([^"]*)"', page).group(1),
                "kind": "on_request", "received_on": self.dmy(self.today - timedelta(days=5)), "court": "TAND Phú Thọ",
                "judgment_number": "2/2026/DS-ST", "judgment_date": self.dmy(self.today - timedelta(days=30)),
                "parties-0-role": "debtor", "parties-0-kind": "person", "parties-0-name": "Đua Biểu Mẫu",
                "obligations-0-description": "Trả tiền", "obligations-0-amount": "2.000.000", "obligations-0-rank": "3"}
        body = urlencode(form)
        hdr = {"Cookie": clerk.cookie_header(), "Content-Type": "application/x-www-form-urlencoded"}
        before = self.count_cases()
        results = self.fire(n, lambda: requests.post(f"{self.base}/cases/new", data=body, headers=hdr,
                                                     allow_redirects=False, timeout=60))
        after = self.count_cases()
        self.judge_race("20 concurrent identical web registration forms", describe("POST", "/cases/new", form),
                        results, after - before, 302, lambda x: x.status_code in (200, 302), "accepted")
        where = {x.headers.get("Location") for x in results if isinstance(x, requests.Response) and x.status_code == 302}
        if len(where) > 1:
            self.rec.add("races", "one submission key, one case page for every answer", LEAKED,
                         describe("POST", "/cases/new", form), str(where), "the answers point at different cases")
        # 20 registrations with one Idempotency-Key.
        key = "probe-race-" + secrets.token_hex(6)
        case_body = self.case_body(parties=[{"role": "debtor", "name": "Đua Cùng Khóa"}])
        before = self.count_cases()
        results = self.fire(n, lambda: self.api("POST", "/cases", "thuky1", case_body,
                                                headers={"Idempotency-Key": key})[0])
        after = self.count_cases()
        ids = {x.json().get("id") for x in results if isinstance(x, requests.Response) and x.status_code == 201}
        self.judge_race("20 concurrent POST /api/v1/cases with one Idempotency-Key",
                        describe("POST", "/api/v1/cases", case_body) + f" [Idempotency-Key: {key}]", results,
                        after - before, 201,
                        lambda x: (x.status_code == 201 and x.headers.get("Idempotent-Replayed") == "true")
                        or (x.status_code == 409 and _is_json(x)), "accepted")
        if len(ids) > 1:
            self.rec.add("races", "one Idempotency-Key, one case id in every 201", LEAKED, key, str(ids))
        # 20 API payments with one key.
        p = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=5)
        key = "probe-pay-" + secrets.token_hex(6)
        pay = {"amount": 2_000_000, "receipt_number": "BL-KEY"}
        before = self.case_state(p)
        results = self.fire(n, lambda: self.api("POST", f"/cases/{p}/payments", "ketoan", pay,
                                                headers={"Idempotency-Key": key})[0])
        after = self.case_state(p)
        self.judge_race("20 concurrent API payments with one Idempotency-Key",
                        describe("POST", f"/api/v1/cases/{p}/payments", pay) + f" [Idempotency-Key: {key}]",
                        results, after[3] - before[3], 201,
                        lambda x: (x.status_code == 201 and x.headers.get("Idempotent-Replayed") == "true")
                        or (x.status_code == 409 and _is_json(x)), "accepted")
        # 20 API payments without a key but with the version seen.
        p = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=6)
        before = self.case_state(p)
        pay = {"amount": 1000, "version": before[0]}
        results = self.fire(n, lambda: self.api("POST", f"/cases/{p}/payments", "ketoan", pay)[0])
        after = self.case_state(p)
        self.judge_race("20 concurrent API payments with one version, no key",
                        describe("POST", f"/api/v1/cases/{p}/payments", pay), results, after[3] - before[3], 201,
                        lambda x: x.status_code == 409 and _is_json(x) and x.json().get("error") == "conflict",
                        "refused")

    # ================================================================================ idempotency
    def idempotency(self) -> None:
        cat = "idempotency"
        key = "probe-idem-" + secrets.token_hex(6)
        body = self.case_body(parties=[{"role": "debtor", "name": "Trần Thị Khóa"}])
        hk = {"Idempotency-Key": key}
        before = self.count_cases()
        first, req = self.api("POST", "/cases", "thuky1", body, headers=hk)
        self.accept(cat, "first request with a key", req + f" [Idempotency-Key: {key}]", first,
                    first.status_code == 201)
        again, req = self.api("POST", "/cases", "thuky1", body, headers=hk)
        same = (again.status_code == first.status_code and again.json() == first.json()
                and again.headers.get("Idempotent-Replayed") == "true")
        self.accept(cat, "same key + same body → the first response replayed", req, again, same,
                    "" if same else "not the same response")
        if self.count_cases() - before != 1:
            self.rec.add(cat, "same key + same body → one case", LEAKED, req, "",
                         f"{self.count_cases() - before} cases registered")
        # Key order and whitespace do not make another request.
        reordered = json.dumps(dict(reversed(list(body.items()))), ensure_ascii=False, indent=2).encode()
        again2, req = self.api("POST", "/cases", "thuky1", raw=reordered, headers=hk)
        self.accept(cat, "same key + same body with other key order/whitespace → replayed", req, again2,
                    again2.status_code == 201 and again2.json().get("id") == first.json().get("id"))
        self.api_refused(cat, "same key + different body → 422", "POST", "/cases", "thuky1",
                         set_path(body, "parties.0.name", "Người Khác"), headers=hk, status=422,
                         code="idempotency_key_reused")
        # Office 2 reuses office 1's key: a separate case, nothing of office 1 shown.
        first_json = first.json()
        other, req = self.api("POST", "/cases", "chv2a", body, headers=hk)
        oj = _json(other) or {}
        leak = [what for what, bad in (
            ("office 1's case id", oj.get("id") == first_json.get("id")),
            ("office 1's unit", oj.get("unit") == first_json.get("unit")),
            ("office 1's unit code in the answer", "PT-KV1" in other.text),
            ("a replay", other.headers.get("Idempotent-Replayed") == "true"),
        ) if bad]
        if other.status_code >= 500 or leak:
            self.rec.add(cat, "office 1's key reused by office 2", LEAKED, req + f" [Idempotency-Key: {key}]",
                         snippet(other), ", ".join(leak) or "5xx")
        else:
            self.accept(cat, "office 1's key reused by office 2 → a separate case of office 2",
                        req + f" [Idempotency-Key: {key}]", other, other.status_code == 201 and oj.get("unit") == "PT-KV2")
        # Payments and transitions.
        p = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=7)
        pkey = {"Idempotency-Key": "probe-pk-" + secrets.token_hex(6)}
        pay = {"amount": 3000, "receipt_number": "BL-IDEM"}
        before = self.case_state(p)
        r1, req = self.api("POST", f"/cases/{p}/payments", "ketoan", pay, headers=pkey)
        self.accept(cat, "payment with a key", req, r1, r1.status_code == 201)
        r2, req = self.api("POST", f"/cases/{p}/payments", "ketoan", pay, headers=pkey)
        self.accept(cat, "payment: same key + same body → replayed, collected once", req, r2,
                    r2.status_code == 201 and r2.headers.get("Idempotent-Replayed") == "true"
                    and self.case_state(p)[3] - before[3] == 1)
        self.api_refused(cat, "payment: same key + different amount → 422", "POST", f"/cases/{p}/payments", "ketoan",
                         {"amount": 4000, "receipt_number": "BL-IDEM"}, headers=pkey, status=422,
                         code="idempotency_key_reused", snap=lambda: self.case_state(p))
        self.api_refused(cat, "payment key reused on the transitions path → 422", "POST", f"/cases/{p}/transitions",
                         "ketoan", {"trigger": "suspend", "inputs": {"ground": "x"}},
                         headers=pkey, status=(403, 422), code=("idempotency_key_reused", "forbidden"),
                         snap=lambda: self.case_state(p))
        c = self.created["received_idem"]["id"]
        tkey = {"Idempotency-Key": "probe-tk-" + secrets.token_hex(6)}
        tbody = {"trigger": "decide", "inputs": {"decision_number": "7/QĐ-IDEM", "officer": "chv1a"}}
        t1, req = self.api("POST", f"/cases/{c}/transitions", "truongkv1", tbody, headers=tkey)
        self.accept(cat, "transition with a key", req, t1, t1.status_code == 200)
        t2, req = self.api("POST", f"/cases/{c}/transitions", "truongkv1", tbody, headers=tkey)
        self.accept(cat, "transition: same key + same body → replayed (not 409/422)", req, t2,
                    t2.status_code == 200 and t2.headers.get("Idempotent-Replayed") == "true")
        self.api_refused(cat, "transition: same key + different body → 422", "POST", f"/cases/{c}/transitions",
                         "truongkv1", {**tbody, "inputs": {"decision_number": "8/QĐ", "officer": "chv1a"}},
                         headers=tkey, status=422, code="idempotency_key_reused", snap=lambda: self.case_state(c))
        for label, k in (("7 characters", "short12"), ("65 characters", "k" * 65), ("a space", "key with space"),
                         ("non-ASCII (UTF-8 bytes)", "khóa-chống-trùng".encode().decode("latin-1"))):
            self.api_refused(cat, f"Idempotency-Key of {label}", "POST", f"/cases/{p}/payments", "ketoan", pay,
                             headers={"Idempotency-Key": k}, snap=lambda: self.case_state(p), field_="Idempotency-Key")

    # ================================================================================ sessions
    def sign_in_raw(self, username: str, password: str, pause: float = 0.0) -> int:
        """A sign-in over http.client; with ``pause`` the body arrives in two halves (a sync
        gunicorn worker waits for it, so a request made meanwhile goes to the other worker)."""
        port = self.dep.port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/login")
        page = conn.getresponse()
        html = page.read().decode()
        conn.close()
        cookie = SimpleCookie()
        for h in page.headers.get_all("Set-Cookie") or []:
            cookie.load(h)
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
            resp = conn.getresponse()
            resp.read()
            return resp.status
        finally:
            conn.close()

    def sessions(self) -> None:
        cat = "sessions"
        user = "chv1b"
        statuses: list[int] = []
        lock = threading.Lock()

        def fail(delay: float, pause: float) -> None:
            time.sleep(delay)
            st = self.sign_in_raw(user, "wrong-password-probe", pause)
            with lock:
                statuses.append(st)

        for _ in range(5):
            pair = [threading.Thread(target=fail, args=(0.0, 0.6)), threading.Thread(target=fail, args=(0.2, 0.0))]
            for t in pair:
                t.start()
            for t in pair:
                t.join()
        req = f"POST /login username={user} password=wrong (×10, in pairs across both workers)"
        for st in statuses:
            self.rec.add(cat, "bad password 1–10", REFUSED if st == 200 else (LEAKED if st >= 500 else OTHER), req,
                         str(st), "" if st == 200 else "expected the sign-in page again (200)")
        st = self.sign_in_raw(user, "wrong-password-probe")
        self.rec.add(cat, "11th bad password → 429", REFUSED if st == 429 else LEAKED,
                     f"POST /login username={user} (11th failure)", str(st),
                     "" if st == 429 else "the 11th failure was not throttled")
        st = self.sign_in_raw(user, DEMO_PASSWORD)
        self.rec.add(cat, "right password while locked → 429", REFUSED if st == 429 else LEAKED,
                     f"POST /login username={user} (right password, locked)", str(st),
                     "" if st == 429 else "the locked username signed in")
        st = self.sign_in_raw("chv1a", DEMO_PASSWORD)
        self.rec.add(cat, "a colleague's right password from the same address still works",
                     ACCEPTED if st == 302 else OTHER, "POST /login username=chv1a (right password)", str(st))
        time.sleep(0.5)
        pids = {line.split()[0] for line in open(self.dep.access_log) if " POST /login " in line}
        if len(pids) < 2:
            self.rec.add(cat, "failures served by both workers", OTHER, req, f"pids {pids}",
                         "only one worker served the sign-ins: the shared counter was not exercised")
        # Tokens.
        for label, token, code in (("expired API token (aged by SQL)", self.setup["expired_token"], "token_expired"),
                                   ("revoked API token (replaced by a new one of the same name)",
                                    self.setup["revoked_token"], "token_revoked"),
                                   ("unknown token", "thads_" + secrets.token_urlsafe(32), "unauthorized"),
                                   ("empty bearer", "", "unauthorized")):
            resp, req = self.api("GET", "/cases", None, headers={"Authorization": f"Bearer {token}"}, ctype=None)
            outcome, detail = judge_api_error(resp, 401, code)
            if outcome == REFUSED and "Bearer" not in resp.headers.get("WWW-Authenticate", ""):
                outcome, detail = REFUSED, "refused, but without WWW-Authenticate: Bearer"
            self.rec.add(cat, label, outcome, req + f" [Authorization: Bearer {token[:12]}…]", snippet(resp), detail)
        for label, hdr in (("no Authorization", {}), ("Basic scheme", {"Authorization": "Basic YWRtaW46YWRtaW4="}),
                           ("token in the query string", {})):
            path = "/cases" + (f"?access_token={self.tokens['admin']}" if "query" in label else "")
            self.api_refused(cat, label, "GET", path, None, headers=hdr, ctype=None, status=(401, 422),
                             code=("unauthorized", "invalid_input"))
        resp, req = self.api("GET", "/cases?limit=1", "thuky1", ctype=None)
        self.accept(cat, "a valid token (control)", req, resp, resp.status_code == 200)
        # Sessions: absolute and idle timeouts, logout.
        for label, sql in (("a session started 400 days ago", "created_at = now() - interval '400 days', "
                                                               "last_seen_at = now()"),
                           ("a session idle for 2 hours", "last_seen_at = now() - interval '2 hours'")):
            b = Browser(self.base)
            b.login("photruong")
            self.dep.sql(f"UPDATE login_session SET {sql} WHERE id = (SELECT max(s.id) FROM login_session s "
                         "JOIN user_account u ON u.id = s.user_id WHERE u.username = 'photruong')")
            resp = b.get("/worklist")
            ok = resp.status_code == 302 and urlsplit(resp.headers.get("Location", "")).path == "/login"
            self.rec.add(cat, label, REFUSED if ok else LEAKED, "GET /worklist (session aged by SQL)", snippet(resp),
                         "" if ok else "the expired session still works")
        b = Browser(self.base)
        b.login("photruong")
        b.refresh_csrf()
        stolen = b.cookie_header()
        b.post("/logout")
        resp = requests.get(f"{self.base}/worklist", headers={"Cookie": stolen}, allow_redirects=False, timeout=30)
        ok = resp.status_code == 302 and urlsplit(resp.headers.get("Location", "")).path == "/login"
        self.rec.add(cat, "the session cookie replayed after logout", REFUSED if ok else LEAKED,
                     "GET /worklist with the cookie of a signed-out session", snippet(resp),
                     "" if ok else "a signed-out session still works")
        # Passwords (CLI, run during set-up).
        for label, done, created in (f.result() for f in self.setup["passwords"]):
            req = f"flask users create --password {label}"
            out = (done.stdout + done.stderr).strip().splitlines()
            tail = out[-1][:200] if out else ""
            if label.startswith("a strong"):
                self.rec.add(cat, f"password: {label} (control)", ACCEPTED if done.returncode == 0 and created else OTHER,
                             req, f"exit {done.returncode}: {tail}")
            elif done.returncode != 0 and not created:
                self.rec.add(cat, f"password: {label}", REFUSED, req, f"exit {done.returncode}: {tail}")
            else:
                self.rec.add(cat, f"password: {label}", LEAKED, req, f"exit {done.returncode}: {tail}",
                             "the user was created" if created else "exit code 0")

    # ================================================================================ headers
    def headers(self) -> None:
        cat = "headers"
        head = self.browser("truongkv1")
        case_id = self.demo_case("PT-KV1", "enforcing")
        anon = requests.get(f"{self.base}/login", timeout=30)
        pages = (
            ("case page", f"GET /cases/{case_id}", head.get(f"/cases/{case_id}"), True),
            ("API case", f"GET /api/v1/cases/{case_id}", self.api("GET", f"/cases/{case_id}", "thuky1", ctype=None)[0],
             True),
            ("sign-in page", "GET /login", anon, True),
            ("404 page", "GET /cases/2147483000", head.get("/cases/2147483000"), True),
            ("API 401", "GET /api/v1/cases (no token)", self.api("GET", "/cases", None, ctype=None)[0], True),
            ("workflow diagram page (Mermaid)", "GET /workflow", head.get("/workflow"), True),
            ("statistics page", "GET /reports/", head.get("/reports/"), True),
        )
        for label, req, resp, no_store in pages:
            h = resp.headers
            csp = h.get("Content-Security-Policy", "")
            directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
            script = directives.get("script-src") or directives.get("default-src") or ""
            checks = [
                ("Content-Security-Policy present", bool(csp)),
                ("script-src without 'unsafe-inline'/'unsafe-eval'", bool(script) and "unsafe-inline" not in script
                 and "unsafe-eval" not in script),
                ("frame-ancestors 'none'", directives.get("frame-ancestors") == "frame-ancestors 'none'"),
                ("X-Frame-Options: DENY", h.get("X-Frame-Options") == "DENY"),
                ("X-Content-Type-Options: nosniff", h.get("X-Content-Type-Options") == "nosniff"),
                ("Referrer-Policy: same-origin", h.get("Referrer-Policy") == "same-origin"),
            ]
            if no_store:
                checks.append(("Cache-Control: no-store", "no-store" in h.get("Cache-Control", "")))
            for what, ok in checks:
                name = what.split(":")[0] if ":" in what else "Content-Security-Policy"
                self.rec.add(cat, f"{label}: {what}", REFUSED if ok else LEAKED, req,
                             f"{resp.status_code} {name}: {h.get(name)}",
                             "" if ok else "header missing or weaker than required")
            if "text/html" in h.get("Content-Type", ""):
                inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", resp.text) + \
                    re.findall(r"<[^>]+\son[a-z]+\s*=", resp.text)
                self.rec.add(cat, f"{label}: no inline script or on…= handler", REFUSED if not inline else LEAKED, req,
                             f"{len(inline)} found: {inline[:2]}", "" if not inline else "inline script under CSP")
        # Cookies.
        b = Browser(self.base)
        page = b.s.get(f"{self.base}/login", timeout=30)
        resp = b.s.post(f"{self.base}/login", data={"username": "thamtra", "password": DEMO_PASSWORD,
                                                     "csrf_token": CSRF_RE.search(page.text).group(1)},
                        allow_redirects=False, timeout=30)
        cookies = [c for c in resp.raw.headers.getlist("Set-Cookie")] or [resp.headers.get("Set-Cookie", "")]
        session_cookie = next((c for c in cookies if c.startswith("session=")), "")
        for what in ("HttpOnly", "SameSite=Lax"):
            ok = what.lower() in session_cookie.lower()
            self.rec.add(cat, f"session cookie {what}", REFUSED if ok else LEAKED, "POST /login (thamtra)",
                         session_cookie[:120], "" if ok else "cookie flag missing")
        static = requests.get(f"{self.base}/static/thads.css", timeout=30)
        self.rec.add(cat, "static files keep nosniff", REFUSED if static.headers.get("X-Content-Type-Options") == "nosniff"
                     else LEAKED, "GET /static/thads.css", f"{static.status_code} {static.headers.get('X-Content-Type-Options')}")

    # ================================================================================ redirects
    def redirects(self) -> None:
        cat = "redirects"
        head = self.browser("truongkv1")
        page = head.refresh_csrf()
        ids = [r[0] for r in self.dep.sql(
            "SELECT n.id FROM notification n JOIN user_account u ON u.id = n.user_id WHERE u.username = 'truongkv1' "
            "ORDER BY n.id LIMIT 12")]
        nexts = [EVIL, "//evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
                 "\t//evil.example", " //evil.example", "/%09/evil.example", "https:evil.example", "javascript:alert(1)",
                 "http://127.0.0.1@evil.example/", "///evil.example", "/%2F%2Fevil.example", "\x00//evil.example"]
        for i, nxt in enumerate(nexts):
            nid = ids[i % len(ids)]
            path = f"/notifications/{nid}/ack"
            resp = head.post(path, {"next": nxt})
            loc = resp.headers.get("Location", "")
            if resp.status_code >= 500:
                outcome, detail = LEAKED, "5xx"
            elif loc and off_site(loc, f"{self.base}{path}"):
                outcome, detail = LEAKED, f"redirect off-site: {loc!r}"
            elif resp.status_code in (302, 303) or resp.status_code in (400, 404):
                outcome, detail = REFUSED, ""
            else:
                outcome, detail = OTHER, "unexpected answer"
            self.rec.add(cat, f"ack with next={nxt!r}", outcome, describe("POST", path, {"next": nxt}), snippet(resp),
                         detail)
        resp = head.post(f"/notifications/{ids[0]}/ack", {"next": "/cases?state=enforcing"})
        self.accept(cat, "ack with next=/cases?state=enforcing (control)", f"POST /notifications/{ids[0]}/ack",
                    resp, resp.headers.get("Location", "").endswith("/cases?state=enforcing"))
        for nxt in (EVIL, "//evil.example", "/\\evil.example", "javascript:alert(1)"):
            b = Browser(self.base)
            resp = b.login("chv2b", next_=nxt)
            loc = resp.headers.get("Location", "")
            bad = resp.status_code >= 500 or (loc and off_site(loc, f"{self.base}/login"))
            self.rec.add(cat, f"sign-in with ?next={nxt!r}", LEAKED if bad else (REFUSED if resp.status_code == 302 else OTHER),
                         f"POST /login?next={nxt}", snippet(resp), f"Location {loc!r}" if bad else "")
        b = Browser(self.base)
        resp = b.login("chv2b", next_="/worklist?x=1")
        self.accept(cat, "sign-in with ?next=/worklist?x=1 (control)", "POST /login?next=/worklist?x=1", resp,
                    resp.headers.get("Location", "").endswith("/worklist?x=1"))
        for ref in (EVIL, "//evil.example/x"):
            resp = requests.get(f"{self.base}/lang/en", headers={"Referer": ref}, allow_redirects=False, timeout=30)
            loc = resp.headers.get("Location", "")
            bad = resp.status_code >= 500 or (loc and off_site(loc, f"{self.base}/lang/en"))
            self.rec.add(cat, f"language switch with Referer {ref}", LEAKED if bad else REFUSED,
                         f"GET /lang/en [Referer: {ref}]", snippet(resp), f"Location {loc!r}" if bad else "")
        page = head.get(f"/reauth?{urlencode({'next': EVIL})}")
        m = CSRF_RE.search(page.text)
        if m:
            resp = head.post(f"/reauth?{urlencode({'next': EVIL})}", {"password": DEMO_PASSWORD,
                                                                      "csrf_token": m.group(1)})
            loc = resp.headers.get("Location", "")
            bad = resp.status_code >= 500 or (loc and off_site(loc, f"{self.base}/reauth"))
            self.rec.add(cat, "re-authentication with ?next=https://evil.example/phish", LEAKED if bad else REFUSED,
                         f"POST /reauth?next={EVIL}", snippet(resp), f"Location {loc!r}" if bad else "")

    # ================================================================================ enumeration
    def enumeration(self) -> None:
        cat = "enumeration"
        head = self.browser("truongkv1")
        head.refresh_csrf()
        other = self.dep.sql("SELECT id, full_name FROM user_account WHERE username = 'chv2a'")[0]
        prov = self.dep.sql("SELECT id, full_name FROM user_account WHERE username = 'ketoan'")[0]
        missing = head.get("/supervision/?officer=2147483000")
        for label, (uid, name) in (("an officer of another office", other), ("a user of the province", prov)):
            resp = head.get(f"/supervision/?officer={uid}")
            bad = []
            if resp.status_code >= 500:
                bad.append("5xx")
            if resp.status_code != missing.status_code:
                bad.append(f"status {resp.status_code} vs {missing.status_code} for a missing id")
            if name in resp.text:
                bad.append(f"shows the name {name!r}")
            self.rec.add(cat, f"/supervision/?officer= {label} vs a missing id", LEAKED if bad else REFUSED,
                         f"GET /supervision/?officer={uid} (and ?officer=2147483000)", snippet(resp), "; ".join(bad))
        theirs = self.dep.sql("SELECT n.id, n.read_at, n.snoozed_until FROM notification n JOIN user_account u "
                              "ON u.id = n.user_id WHERE u.username = 'truongkv2' AND n.read_at IS NULL "
                              "ORDER BY n.id LIMIT 1")[0]
        for action, data in (("ack", {}), ("snooze", {"until": self.d(3)})):
            snap = lambda: tuple(self.dep.sql("SELECT read_at, snoozed_until FROM notification WHERE id = :i",  # noqa: E731
                                              i=theirs[0])[0])
            before = snap()
            r_other = head.post(f"/notifications/{theirs[0]}/{action}", data)
            r_missing = head.post(f"/notifications/2147483000/{action}", data)
            changed = snap() != before
            bad = []
            if r_other.status_code >= 500 or r_missing.status_code >= 500:
                bad.append("5xx")
            if r_other.status_code != r_missing.status_code:
                bad.append(f"status {r_other.status_code} (another's) vs {r_missing.status_code} (missing)")
            if changed:
                bad.append("another person's notification changed")
            self.rec.add(cat, f"{action} another user's notification vs a missing one", LEAKED if bad else REFUSED,
                         f"POST /notifications/{theirs[0]}/{action} (truongkv2's, as truongkv1) and /2147483000/{action}",
                         snippet(r_other), "; ".join(bad))
        kv2_case = self.demo_case("PT-KV2", "enforcing")
        a, _ = self.api("GET", f"/cases/{kv2_case}", "thuky1", ctype=None)
        b, _ = self.api("GET", "/cases/2147483000", "thuky1", ctype=None)
        same = a.status_code == b.status_code == 404 and a.json() == b.json()
        self.rec.add(cat, "API: another office's case vs a missing one", REFUSED if same else LEAKED,
                     f"GET /api/v1/cases/{kv2_case} vs /api/v1/cases/2147483000", snippet(a),
                     "" if same else f"different answers: {snippet(b)}")
        a, b = head.get(f"/cases/{kv2_case}"), head.get("/cases/2147483000")
        same = a.status_code == b.status_code == 404
        self.rec.add(cat, "web: another office's case vs a missing one", REFUSED if same else LEAKED,
                     f"GET /cases/{kv2_case} vs /cases/2147483000", snippet(a), "" if same else snippet(b))
        x, y = Browser(self.base), Browser(self.base)
        ra, rb = x.login("chv3b", "wrong-password-x1"), y.login("no-such-user-probe", "wrong-password-x1")
        ta = re.sub(r'value="[^"]*"', "", ra.text)
        tb = re.sub(r'value="[^"]*"', "", rb.text)
        same = ra.status_code == rb.status_code and ta.replace("chv3b", "") == tb.replace("no-such-user-probe", "")
        self.rec.add(cat, "sign-in: wrong password vs unknown username", REFUSED if same else LEAKED,
                     "POST /login chv3b/wrong vs no-such-user-probe/wrong", snippet(ra),
                     "" if same else "the two answers differ")

    # ================================================================================ excel
    def excel(self) -> None:
        cat = "excel"
        from openpyxl import load_workbook

        prov = self.browser("thutruong")
        for path in ("/reports/export.xlsx?unit=PT", "/reports/export.xlsx"):
            resp = prov.get(path)
            if resp.status_code != 200:
                self.rec.add(cat, f"export {path}", LEAKED if resp.status_code >= 500 else OTHER, f"GET {path}",
                             snippet(resp))
                continue
            wb = load_workbook(io.BytesIO(resp.content))
            found = {}
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        v = cell.value
                        if isinstance(v, str) and any(m in v for m in ("HYPERLINK", "cmd|", "SUM(")):
                            found[v] = (cell.coordinate, cell.data_type)
            for name in self.setup["evil_units"]:
                hit = next(((v, c) for v, c in found.items() if name in v), None)
                if hit is None:
                    self.rec.add(cat, f"unit {name!r} in {path}", OTHER, f"GET {path}", f"{len(found)} suspicious cells",
                                 "the unit's name is not in the export (not a formula either)")
                    continue
                v, (coord, dtype) = hit
                self.rec.add(cat, f"unit {name!r} in {path}", REFUSED if dtype == "s" else LEAKED, f"GET {path}",
                             f"cell {coord} data_type {dtype!r}: {v[:60]}",
                             "" if dtype == "s" else "written as a formula")
        head = self.browser("truongkv1")
        resp = head.get("/reports/?unit=PT-KV1")
        self.accept(cat, "statistics page of office 1 (control)", "GET /reports/?unit=PT-KV1", resp,
                    resp.status_code == 200)

    # ================================================================================ scope
    def scope(self) -> None:
        cat = "scope"
        b2 = self.browser("truongkv2")
        b2.refresh_csrf()
        kv1 = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=8)
        snap = lambda: self.case_state(kv1)  # noqa: E731
        for path in (f"/cases/{kv1}", f"/cases/{kv1}/payments", f"/cases/{kv1}/transitions/suspend",
                     f"/supervision/cases/{kv1}/propose/suspend", f"/supervision/reassign?case={kv1}",
                     "/reports/?unit=PT-KV1", "/reports/drill?unit=PT-KV2&row=PT-KV1&figure=total&measure=cases",
                     "/reports/export.xlsx?unit=PT-KV1", "/reports/drill.xlsx?unit=PT-KV1&figure=total&measure=cases",
                     "/supervision/?unit=2"):
            self.web_refused(cat, f"head of office 2: GET {path}", lambda p=path: b2.get(p), f"GET {path}",
                             statuses=(403, 404), snap=snap)
        for path, data in ((f"/cases/{kv1}/payments", {"kind": "collection", "amount": "1.000", "on": self.dmy()}),
                           (f"/cases/{kv1}/transitions/suspend", {"on": self.dmy(), "in_ground": "x"}),
                           (f"/cases/{kv1}/acts/case_file", {"on": self.dmy()})):
            self.web_refused(cat, f"head of office 2: POST {path}", lambda p=path, d=data: b2.post(p, d),
                             describe("POST", path, data), statuses=(403, 404), snap=snap)
        for method, path, body in (("GET", f"/cases/{kv1}", None),
                                   ("POST", f"/cases/{kv1}/payments", {"amount": 1000}),
                                   ("POST", f"/cases/{kv1}/transitions", {"trigger": "suspend", "inputs": {"ground": "x"}}),
                                   ("POST", f"/cases/{kv1}/acts", {"kind": "case_file"})):
            self.api_refused(cat, f"head of office 2: {method} /api/v1{path}", method, path, "truongkv2", body,
                             status=404, code="not_found", snap=snap, ctype="application/json" if body else None)
        self.api_refused(cat, "head of office 2 registers into office 1 (unit=PT-KV1)", "POST", "/cases", "truongkv2",
                         self.case_body(unit="PT-KV1"), field_="unit")
        resp, req = self.api("GET", "/cases?officer=chv1a&limit=200", "truongkv2", ctype=None)
        items = (_json(resp) or {}).get("items", [])
        bad = [i["id"] for i in items if i.get("unit") != "PT-KV2"]
        self.rec.add(cat, "office 2 lists office 1's officer's cases", LEAKED if bad or resp.status_code >= 500 else
                     ACCEPTED, req, snippet(resp), f"cases of another office: {bad[:5]}" if bad else
                     f"{len(items)} items, all of office 2")
        marker, marker_case = self.created["marker"], self.created["marker_case"]
        for path in (f"/search?q={marker}", f"/cases?q={marker}"):
            resp = b2.get(path)
            shown = f'/cases/{marker_case}"' in resp.text
            self.rec.add(cat, f"office 2 searches an office-1 party name ({path.split('?')[0]})",
                         LEAKED if shown or resp.status_code >= 500 else ACCEPTED, f"GET {path}", snippet(resp),
                         f"links to office 1's case {marker_case}" if shown else "no case of office 1 listed")
        resp = self.browser("truongkv1").get(f"/search?q={marker}")
        self.accept(cat, "office 1 finds its own party by name (control of the two above)", f"GET /search?q={marker}",
                    resp, f'/cases/{marker_case}"' in resp.text)
        resp, req = self.api("GET", f"/cases?q={marker}", "truongkv2", ctype=None)
        self.rec.add(cat, "office 2 searches an office-1 party name (API)",
                     LEAKED if (_json(resp) or {}).get("items") else ACCEPTED, req, snippet(resp))
        # Roles.
        s = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=9)
        for user, method, path, body in (
            ("thuky1", "POST", f"/cases/{s}/transitions", {"trigger": "suspend", "inputs": {"ground": "x"}}),
            ("chv1a", "POST", f"/cases/{s}/transitions", {"trigger": "suspend", "inputs": {"ground": "x"}}),
            ("thamtra", "POST", f"/cases/{s}/payments", {"amount": 1000}),
            ("ketoan", "POST", "/cases", self.case_body(unit="PT-KV1")),
        ):
            self.api_refused(cat, f"role: {user} {method} {path}", method, path, user, body, status=403,
                             code="forbidden", snap=lambda: (self.case_state(s), self.count_cases()))
        # CSRF.
        b1 = self.browser("truongkv1")
        b1.refresh_csrf()
        p = self.demo_case("PT-KV1", "enforcing", min_remaining=10_000_000, skip=10)
        snap = lambda: self.case_state(p)  # noqa: E731
        acct = self.browser("ketoan")
        page = acct.get(f"/cases/{p}/payments").text
        form = {"kind": "collection", "amount": "1.000", "on": self.dmy(), "version": VERSION_RE.search(page).group(1),
                "seen_seq": SEEN_RE.search(page).group(1)}
        self.web_refused(cat, "CSRF token missing (payment form)", lambda: acct.post(f"/cases/{p}/payments", form,
                                                                                      csrf=False),
                         describe("POST", f"/cases/{p}/payments", form), statuses=(400,), snap=snap)
        self.web_refused(cat, "CSRF token of another session (payment form)",
                         lambda: acct.post(f"/cases/{p}/payments", {**form, "csrf_token": b1.csrf}),
                         describe("POST", f"/cases/{p}/payments", {**form, "csrf_token": "<truongkv1's>"}),
                         statuses=(400,), snap=snap)
        self.web_refused(cat, "CSRF token forged", lambda: acct.post(f"/cases/{p}/payments",
                                                                     {**form, "csrf_token": "IjEyMyI.forged.sig"}),
                         describe("POST", f"/cases/{p}/payments", {**form, "csrf_token": "forged"}), statuses=(400,),
                         snap=snap)
        unread = lambda: self.dep.scalar("SELECT count(*) FROM notification n JOIN user_account u ON u.id = n.user_id "  # noqa: E731
                                         "WHERE u.username = 'truongkv1' AND n.read_at IS NULL")
        self.web_refused(cat, "CSRF token missing (acknowledge all)", lambda: b1.post("/notifications/ack-all", {},
                                                                                       csrf=False),
                         "POST /notifications/ack-all", statuses=(400,), snap=unread)
        self.web_refused(cat, "CSRF token missing (transition)",
                         lambda: b1.post(f"/cases/{p}/transitions/suspend", {"on": self.dmy(), "in_ground": "x"},
                                         csrf=False),
                         f"POST /cases/{p}/transitions/suspend", statuses=(400,), snap=snap)
        self.web_refused(cat, "CSRF token missing (sign-out)", lambda: b1.post("/logout", {}, csrf=False),
                         "POST /logout", statuses=(400,), snap=lambda: None)
        # XSS.
        xss = self.created["xss"]
        resp = b1.get(f"/cases/{xss['id']}")
        raw_ok = "<script>alert(" not in resp.text and "<img src=x onerror" not in resp.text
        self.rec.add(cat, "XSS in a party name, case page", REFUSED if raw_ok and "&lt;script&gt;" in resp.text else
                     (LEAKED if not raw_ok else OTHER), f"GET /cases/{xss['id']}", snippet(resp),
                     "" if raw_ok else "rendered unescaped")
        for path in ("/search?q=%3Cscript%3Ealert(1)%3C/script%3E", "/cases?q=%3Cscript%3Ealert(1)%3C/script%3E",
                     "/reports/?as_of=%3Cscript%3Ealert(1)%3C/script%3E",
                     "/worklist?state=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"):
            resp = b1.get(path)
            bad = "<script>alert(1)" in resp.text or resp.status_code >= 500
            self.rec.add(cat, f"reflected XSS {path.split('?')[0]}", LEAKED if bad else REFUSED, f"GET {path}",
                         snippet(resp), "rendered unescaped" if bad else "")
        # SQL injection, path traversal.
        resp, req = self.api("GET", "/cases?q=%27%20OR%20%271%27%3D%271", "truongkv2", ctype=None)
        self.accept(cat, "SQL injection in ?q= (answered as a search)", req, resp,
                    resp.status_code == 200 and not (resp.json().get("items")))
        for raw_path in ("/static/../wsgi.py", "/static/..%2f..%2fwsgi.py", "/static/%2e%2e/thads/config.py",
                         "/bootstrap/static/../../../../etc/passwd"):
            conn = http.client.HTTPConnection("127.0.0.1", self.dep.port, timeout=30)
            conn.request("GET", raw_path)
            r = conn.getresponse()
            body = r.read().decode("utf-8", "replace")
            conn.close()
            bad = r.status >= 500 or "import" in body[:500] or "root:" in body
            self.rec.add(cat, f"path traversal {raw_path}", LEAKED if bad else REFUSED, f"GET {raw_path}",
                         f"{r.status} {re.sub(chr(10), ' ', body[:100])}", "file served" if bad else "")

    # ================================================================================ set-up data
    def prepare(self) -> None:
        """Cases the probe creates through the API (valid requests, recorded as accepted)."""
        for name in ("received", "received_web", "received_race", "received_idem"):
            self.created[name] = self.new_case(parties=[{"role": "debtor", "name": f"Thử Nghiệm {name}"}])
        self.created["marker"] = "Zqxprobe" + secrets.token_hex(3)
        m = self.new_case(parties=[{"role": "debtor", "name": f"{self.created['marker']} Một"}])
        self.created["marker_case"] = m["id"]
        self.created["xss"] = self.new_case(parties=[
            {"role": "debtor", "name": '<script>alert("x")</script><img src=x onerror=alert(1)>'}])


# ------------------------------------------------------------------------------------- audit (CLI)


def audit_probe(dep: Deployment, rec: Recorder, workdir: str) -> None:
    """Tamper with the database by SQL and check that ``flask audit verify`` names the case."""
    from thads.models.events import chain_hash, event_payload

    cat = "audit"

    def verify(env: dict | None = None) -> tuple[int, str]:
        done = dep.flask("audit", "verify", env=env)
        return done.returncode, done.stdout + done.stderr

    def expect_named(name: str, case_id: int, env: dict | None = None, request: str = "") -> None:
        rc, out = verify(env)
        named = re.search(rf"\bcase {case_id}\b", out) is not None
        tail = " | ".join(line for line in out.splitlines() if f"case {case_id}" in line)[:300] or out[-300:]
        if rc == 1 and named:
            rec.add(cat, name, REFUSED, request, f"exit {rc}: {tail}")
        else:
            rec.add(cat, name, LEAKED, request, f"exit {rc}: {tail}",
                    "not detected" if rc == 0 else f"exit {rc} without naming case {case_id}")

    def cases(n: int) -> list[int]:
        return [r[0] for r in dep.sql(
            "SELECT c.id FROM enforcement_case c JOIN unit u ON u.id = c.unit_id WHERE u.code = 'PT-KV3' "
            "AND c.state = 'enforcing' AND (SELECT count(*) FROM case_event e WHERE e.case_id = c.id) >= 3 "
            "ORDER BY c.id LIMIT :n", n=n)]

    def rewrite(target: Deployment, case_id: int, seq: int) -> None:
        """An attacker's rewrite: event ``seq`` edited, every later hash recomputed with plain
        SHA-256, the head on the case row moved to match; MACs are left (the key is not known)."""
        rows = target.sql("SELECT * FROM case_event WHERE case_id = :c ORDER BY seq", c=case_id)
        prev = None
        with target.engine.begin() as conn:
            for row in rows:
                e = SimpleNamespace(**row._mapping)
                if e.seq < seq:
                    continue
                prev = e.prev_hash if prev is None else prev
                if e.seq == seq:
                    e.legal_basis = (e.legal_basis or "") + " (sửa lại)"
                e.prev_hash = prev
                e.hash = chain_hash(prev, event_payload(e))
                conn.execute(text("UPDATE case_event SET legal_basis = :lb, prev_hash = :p, hash = :h WHERE id = :i"),
                             {"lb": e.legal_basis, "p": e.prev_hash, "h": e.hash, "i": e.id})
                prev = e.hash
            conn.execute(text("UPDATE enforcement_case SET chain_hash = :h WHERE id = :c"), {"h": prev, "c": case_id})

    rc, out = verify()
    rec.add(cat, "verify on the data left by the whole battery (control)", ACCEPTED if rc == 0 else LEAKED,
            "flask audit verify", f"exit {rc}: {out.strip().splitlines()[-1][:200] if out.strip() else ''}",
            "" if rc == 0 else "the trail does not verify after the attacks: " + out[:300])
    # A clone before any tampering, for the keyed part.
    keyed = Deployment(dep.pg, dep.name + "_keyed", workdir)
    keyed.env = {**dep.env, "THADS_DATABASE_URL": keyed.url}
    dep.engine.dispose()  # NullPool: no connection stays open on the template
    dep.admin(f'DROP DATABASE IF EXISTS "{keyed.name}"')
    dep.admin(f'CREATE DATABASE "{keyed.name}" TEMPLATE "{dep.name}"')
    keyed.engine = create_engine(keyed.url, poolclass=NullPool)
    a, b, c, d = cases(4)
    key = {"THADS_AUDIT_KEY": secrets.token_hex(32)}

    def without_key() -> None:
        last = dep.scalar("SELECT id FROM case_event WHERE case_id = :c ORDER BY seq DESC LIMIT 1", c=a)
        # The deadlines the event opened or closed point at it: an attacker unlinks them first.
        dep.sql("UPDATE deadline SET opened_by_event_id = NULL WHERE opened_by_event_id = :e", e=last)
        dep.sql("UPDATE deadline SET closed_by_event_id = NULL WHERE closed_by_event_id = :e", e=last)
        dep.sql("DELETE FROM case_event WHERE id = :e", e=last)
        expect_named("the last event of a case deleted", a,
                     request=f"DELETE FROM case_event WHERE case_id={a} AND seq=max (deadline links unset first)")
        dep.sql("UPDATE enforcement_case SET state = 'completed' WHERE id = :c", c=b)
        expect_named("a case's state set to 'completed' by SQL", b,
                     request=f"UPDATE enforcement_case SET state='completed' WHERE id={b}")
        anchor = dep.flask("audit", "anchor")
        dep.sql("DELETE FROM enforcement_case WHERE id = :c", c=c)
        expect_named("a whole case deleted after `flask audit anchor`", c,
                     request=f"flask audit anchor ({anchor.stdout.strip()[:60]}); DELETE FROM enforcement_case WHERE id={c}")
        rewrite(dep, d, 2)
        expect_named("events rewritten with recomputed SHA-256, anchored case, no key", d,
                     request=f"case {d}: event 2 edited, hashes recomputed, head moved (after the anchor)")

    def with_key() -> None:
        done = keyed.flask("audit", "sign", env=key)
        rec.add(cat, "`flask audit sign` with a new THADS_AUDIT_KEY on untouched data (control)",
                ACCEPTED if done.returncode == 0 else OTHER, "THADS_AUDIT_KEY=… flask audit sign (a copy of the database)",
                f"exit {done.returncode}: {(done.stdout + done.stderr).strip().splitlines()[-1][:160]}")
        e = keyed.scalar("SELECT c.id FROM enforcement_case c JOIN unit u ON u.id = c.unit_id WHERE u.code = 'PT-KV3' "
                         "AND c.state = 'enforcing' ORDER BY c.id DESC LIMIT 1")
        rewrite(keyed, e, 1)
        done = keyed.flask("audit", "verify", env=key)
        named = re.search(rf"\bcase {e}\b", done.stdout) is not None
        tail = " | ".join(line for line in done.stdout.splitlines() if f"case {e}" in line)[:300]
        rec.add(cat, "events rewritten with recomputed SHA-256 under THADS_AUDIT_KEY",
                REFUSED if done.returncode == 1 and named else LEAKED,
                f"case {e}: event 1 edited, hashes recomputed, head moved; THADS_AUDIT_KEY=… flask audit verify",
                f"exit {done.returncode}: {tail or done.stdout[-200:]}",
                "" if done.returncode == 1 and named else "not detected")
        done = keyed.flask("audit", "sign", env=key)
        rec.add(cat, "`flask audit sign` refuses to bless the rewritten chain",
                REFUSED if done.returncode == 1 else LEAKED, "THADS_AUDIT_KEY=… flask audit sign (after the rewrite)",
                f"exit {done.returncode}: {(done.stdout + done.stderr).strip().splitlines()[-1][:160]}")

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:  # two databases, two independent sequences
            for fut in [pool.submit(without_key), pool.submit(with_key)]:
                fut.result()
    finally:
        keyed.drop()


# ------------------------------------------------------------------------------------- set-up


def setup(dep: Deployment, log: Callable[[str], None]) -> tuple[dict[str, str], dict]:
    """Database, migrations, demo data, tokens, a unit named like a formula, notifications. Every
    ``flask`` call costs ~2 s of imports (far more while the machine is busy), so they are few and
    run three at a time."""
    dep.create()
    dep.flask_ok("db", "upgrade")
    log("migrated")
    dep.flask_ok("demo", "load")
    log("demo data loaded")
    extra: dict = {"evil_units": ['=HYPERLINK("http://evil.example","x")']}

    def token(user: str, *args: str) -> str:
        return dep.flask_ok("users", "token", user, *args).strip().splitlines()[-1].strip()

    def rotated() -> tuple[str, str]:
        # A second token of the same name replaces (revokes) the first.
        old = token("chv1a", "--name", "probe")
        return old, token("chv1a", "--name", "probe")

    with ThreadPoolExecutor(max_workers=3) as pool:
        futs = {u: pool.submit(token, u, "--name", "probe") for u in TOKEN_USERS if u != "chv1a"}
        rot = pool.submit(rotated)
        exp = pool.submit(token, "chv1b", "--name", "probe-expired", "--days", "1")
        units = [pool.submit(dep.flask_ok, "units", "create", "--code", f"PT-X{i}", "--name", name, "--parent", "PT")
                 for i, name in enumerate(extra["evil_units"], 1)]
        sweep = pool.submit(dep.flask_ok, "reminders", "sweep")
        tokens = {u: f.result() for u, f in futs.items()}
        extra["revoked_token"], tokens["chv1a"] = rot.result()
        extra["expired_token"] = exp.result()
        for u in units:
            u.result()
        sweep.result()
    dep.sql("UPDATE api_token SET expires_at = now() - interval '1 day' WHERE name = 'probe-expired'")
    log(f"{len(tokens)} tokens (one per role), an expired and a revoked one, a unit named like a formula, "
        "notifications swept")
    return tokens, extra


BAD_PASSWORDS = [("12345678", "probepw1", "12345678"), ("'password'", "probepw2", "password"),
                 ("eight spaces", "probepw3", " " * 8),
                 ("the username itself", "nguyenvanprobe", "nguyenvanprobe"),
                 ("containing the username", "tranthiprobe", "Tranthiprobe#2026!x"),
                 ("of 100,000 characters", "probepw6", "Zq9!" * 25_000),
                 ("a strong one", "probepw7", "tX9#vQ2!mLp7@Rz4-Kv1")]


def password_checks(dep: Deployment, pool: ThreadPoolExecutor) -> list:
    """``flask users create`` with each password, in the background while the battery runs."""

    def create_user(label: str, username: str, password: str):
        done = dep.flask("users", "create", "--username", username, "--password", password, "--unit", "PT-KV1",
                         "--role", "officer")
        created = dep.scalar("SELECT count(*) FROM user_account WHERE username = :u", u=username) == 1
        return (label, done, created)

    return [pool.submit(create_user, *args) for args in BAD_PASSWORDS]


def _template_file(name: str) -> str:
    return os.path.join(tempfile.gettempdir(), f"{name}.json")


def save_template(dep: Deployment, name: str, tokens: dict, extra: dict) -> None:
    dep.admin(f'DROP DATABASE IF EXISTS "{name}"')
    dep.admin(f'CREATE DATABASE "{name}" TEMPLATE "{dep.name}"')
    with open(_template_file(name), "w") as f:
        json.dump({"tokens": tokens, "extra": extra}, f)


def from_template(dep: Deployment, name: str, log) -> tuple[dict | None, dict | None]:
    if not os.path.exists(_template_file(name)):
        return None, None
    with open(_template_file(name)) as f:
        saved = json.load(f)
    dep.admin(f'DROP DATABASE IF EXISTS "{dep.name}"')
    dep.admin(f'CREATE DATABASE "{dep.name}" TEMPLATE "{name}"')
    dep.engine = create_engine(dep.url, poolclass=NullPool)
    extra = saved["extra"]
    log(f"database copied from the template {name}")
    return saved["tokens"], extra


def flush_redis() -> None:
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    client.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432", help="server URL, no database")
    ap.add_argument("--db", default=f"thads_probe_{os.getpid()}")
    ap.add_argument("--keep", action="store_true", help="keep the database (and the gunicorn log) afterwards")
    ap.add_argument("--only", default="", help="comma-separated categories (default: all)")
    ap.add_argument("--template", default=None, help="developing the probe: keep the database as set up under "
                    "this name (and the tokens beside it) and start later runs from a copy of it")
    args = ap.parse_args(argv)
    only = {c.strip() for c in args.only.split(",") if c.strip()} or set(CATEGORIES)
    started = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {msg}", flush=True)

    workdir = tempfile.mkdtemp(prefix="thads-probe-")
    dep = Deployment(args.pg, args.db, workdir)
    rec = Recorder()
    tracebacks: list[str] = []
    flush_redis()
    try:
        tokens, extra = from_template(dep, args.template, log) if args.template else (None, None)
        if tokens is None:
            tokens, extra = setup(dep, log)
            if args.template:
                save_template(dep, args.template, tokens, extra)
        dep.start()
        log(f"gunicorn -w 2 on {dep.base}, database {dep.name}")
        background = ThreadPoolExecutor(max_workers=2)
        extra["passwords"] = password_checks(dep, background)
        probe = Probe(dep, rec, tokens, extra)
        probe.prepare()
        steps = [("input", probe.input_api), ("input", probe.input_web), ("races", probe.races),
                 ("idempotency", probe.idempotency), ("sessions", probe.sessions), ("headers", probe.headers),
                 ("redirects", probe.redirects), ("enumeration", probe.enumeration), ("excel", probe.excel),
                 ("scope", probe.scope)]
        for cat, step in steps:
            if cat not in only:
                continue
            n = len(rec.attempts)
            try:
                step()
            except Exception as exc:  # a crash of the probe itself: say where, keep the rest
                import traceback

                rec.add(cat, f"probe step {step.__name__} crashed", OTHER, step.__name__, repr(exc)[:300],
                        traceback.format_exc()[-600:])
            log(f"{step.__name__}: {len(rec.attempts) - n} attempts")
        background.shutdown(wait=True)
        dep.stop()
        tracebacks = dep.server_errors()
        if "audit" in only:
            try:
                audit_probe(dep, rec, workdir)
            except Exception as exc:
                import traceback

                rec.add("audit", "probe step audit_probe crashed", OTHER, "audit_probe", repr(exc)[:300],
                        traceback.format_exc()[-600:])
            log("audit: done")
    finally:
        dep.stop()
        if not args.keep:
            dep.drop()
        flush_redis()

    print()
    print(rec.table())
    leaks = [a for a in rec.attempts if a.outcome == LEAKED]
    others = [a for a in rec.attempts if a.outcome == OTHER]
    notes = [a for a in rec.attempts if a.outcome == REFUSED and a.detail]
    print(f"\nLeaks ({len(leaks)}):" if leaks else "\nLeaks: none")
    for a in leaks:
        print(f"  [{a.category}] {a.name}\n      request:  {a.request}\n      response: {a.answer}\n      why:      {a.detail}")
    if others:
        print(f"\nOther ({len(others)}) — not leaks, but not the expected answer:")
        for a in others:
            print(f"  [{a.category}] {a.name}\n      request:  {a.request}\n      response: {a.answer}\n      note:     {a.detail}")
    if notes:
        print(f"\nRefused, with a remark ({len(notes)}):")
        for a in notes:
            print(f"  [{a.category}] {a.name}: {a.detail}  ({a.answer[:120]})")
    if tracebacks:
        causes = Counter(tb.strip().splitlines()[-1][:300] for tb in tracebacks)
        print(f"\nTracebacks in gunicorn's log ({len(tracebacks)}), by their last line:")
        for line, n in causes.most_common():
            print(f"  {n} × {line}")
    with open(os.path.join(workdir, "attempts.txt"), "w") as f:
        for a in rec.attempts:
            f.write(f"[{a.category}] {a.outcome.upper()} {a.name}\n    request:  {a.request}\n"
                    f"    response: {a.answer}\n" + (f"    detail:   {a.detail}\n" if a.detail else ""))
    print(f"\nEvery attempt with its request and response: {os.path.join(workdir, 'attempts.txt')}")
    print(f"\nRun time: {time.perf_counter() - started:.0f} s"
          + (f"; database kept: {dep.url}, logs in {workdir}" if args.keep else f"; logs in {workdir}"))
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
