"""Request-level protections shared by every blueprint: response headers, trusted proxies,
sign-in session timeouts, re-authentication for sensitive actions, safe redirect targets and
safe integer query parameters (issue 9). See ``docs/security.md``.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

# ``script-src 'self'``: no inline script and no event-handler attribute anywhere (the templates
# load /static/*.js only). Styles allow 'unsafe-inline': Mermaid writes a <style> element into
# every diagram's SVG and a few templates size elements with style="…" attributes; inline CSS
# cannot run code under this policy.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

# PostgreSQL ``integer`` columns: an id outside 1…2^31−1 cannot exist (and would fail the query).
MAX_ID = 2**31 - 1


def init_app(app: Flask) -> None:
    """Bind the protections to ``app`` (called once from :func:`thads.create_app`)."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only this many X-Forwarded-* values (the ones our own proxies appended) are believed;
        # with 0 the socket's address is the client's and the headers are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    app.before_request(_check_session_first)
    app.after_request(_security_headers)


def _check_session_first() -> None:
    # Load the signed-in user before any view code runs, so the session check (timeouts, the
    # once-a-minute last_seen_at) and its commit happen at the start of the request.
    if request.endpoint != "static":
        current_user._get_current_object()


def _security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["SECURE_COOKIES"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Pages and API answers may carry case data: never stored by the browser or a shared cache.
    # Static files (CSS, JS, Bootstrap's) may be cached.
    if request.endpoint not in ("static", "bootstrap.static"):
        response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- redirect targets


def safe_next(value: str | None, default: str) -> str:
    """``value`` when it is a path on this site (``/cases/7?x=1``), else ``default``.

    Refused: anything with a scheme or host (``https://evil``, ``javascript:…``), a
    protocol-relative ``//evil``, backslashes (browsers read ``/\\evil`` as ``//evil``), and
    control characters or spaces (``\\t//evil`` becomes ``//evil`` once the tab is dropped).
    """
    if not value or len(value) > 2000:
        return default
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in value) or "\\" in value:
        return default
    if not value.startswith("/") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def referrer_path(default: str) -> str:
    """The page the request came from when it is on this site (path and query), else ``default``."""
    ref = request.referrer or ""
    parts = urlsplit(ref)
    if not ref or parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return default
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path, default)


# --------------------------------------------------------------------------- query parameters


def id_arg(name: str) -> int | None:
    """An id from the query string: ``None`` when absent; 404 when it is not a whole number in
    1…2^31−1 (nothing with such an id exists, and PostgreSQL would refuse the comparison)."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        abort(404)
    value = int(raw)
    if not 1 <= value <= MAX_ID:
        abort(404)
    return value


# --------------------------------------------------------------------------- re-authentication

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def reauth_required(view: Callable | None = None, *, methods: tuple[str, ...] = UNSAFE_METHODS):
    """Ask for the password again before ``view`` runs when it was last given more than
    ``REAUTH_MINUTES`` ago in this session (``/reauth?next=…``).

    By default only changes (POST…) are guarded, so a page that shows a form and saves it can be
    read freely; use ``@reauth_required(methods=("GET", "POST"))`` for a page that itself must
    not be shown without it (e.g. a user-management page). Put it below ``login_required`` /
    ``admin_required``. A refused POST is not replayed: after the password the person is sent
    back to the page the form was on and submits it again.
    """
    def decorate(fn: Callable) -> Callable:
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if request.method in methods:
                from thads.extensions import login_manager
                from thads.services import accounts

                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if not accounts.recently_authenticated(current_user.current_session):
                    if request.method == "GET":
                        target = safe_next(request.full_path.rstrip("?"), url_for("cases.home"))
                    else:
                        target = referrer_path(url_for("cases.home"))
                    flash(_("Vui lòng nhập lại mật khẩu để tiếp tục thao tác quản trị."), "warning")
                    return redirect(url_for("auth.reauth", next=target))
            return fn(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
