"""Sign-in (throttled), sign-out (ends the server-side session) and language choice."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from thads.auth import bp
from thads.auth.forms import LoginForm
from thads.extensions import db, limiter, login_manager
from thads.i18n import LOCALES, N_
from thads.services import accounts


@login_manager.user_loader
def load_user(value: str):
    return accounts.load_session_user(value)


login_manager.login_view = "auth.login"
login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")
login_manager.localize_callback = _
login_manager.login_message_category = "warning"


def _failed(response) -> bool:
    # Only failed sign-ins count against the limit: success redirects (302).
    return request.method == "POST" and response.status_code != 302


def _username_key() -> str:
    return "user:" + (request.form.get("username") or "").strip().lower()


def _login_limit() -> str:
    cfg = current_app.config
    return f"{cfg['LOGIN_MAX_FAILURES']} per {cfg['LOGIN_WINDOW_MINUTES']} minutes"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, key_func=_username_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cases.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            # A fresh session (no fixation), keeping the language chosen on the sign-in page.
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            accounts.start_session(user)
            db.session.commit()
            login_user(user)
            nxt = request.args.get("next") or ""
            # Only local paths: an open redirect would let a link send users elsewhere.
            if not nxt.startswith("/") or nxt.startswith("//"):
                nxt = url_for("cases.home")
            return redirect(nxt)
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.end_session(current_user.current_session)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
def set_language(code: str):
    if code in LOCALES:
        session["lang"] = code
    ref = request.referrer or ""
    host = request.host_url
    return redirect(ref if ref.startswith(host) else url_for("cases.home"))
