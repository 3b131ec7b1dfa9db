"""Sign-in (throttled), sign-out (ends the server-side session), re-authentication for sensitive
administration, and language choice."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from thads.auth import bp
from thads.auth.forms import LoginForm, ReauthForm
from thads.extensions import db, limiter, login_manager
from thads.i18n import LOCALES, N_
from thads.security import referrer_path, safe_next
from thads.services import accounts


@login_manager.user_loader
def load_user(value: str):
    # Runs at the start of each request (thads.security), before any view code: committing here
    # writes only this check's own change (last_seen_at, or the revocation of an expired session).
    check = accounts.check_session(value)
    if check.changed:
        db.session.commit()
    if check.expired:
        g.session_expired = True
    return check.user


@login_manager.unauthorized_handler
def unauthorized():
    if g.get("session_expired"):
        # The sign-in ended by a timeout: say so, rather than the plain "please sign in".
        flash(_("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), "warning")
    else:
        flash(_(login_manager.login_message), login_manager.login_message_category)
    return redirect(url_for("auth.login", next=safe_next(request.full_path.rstrip("?"), "") or None))


login_manager.login_view = "auth.login"
login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")
login_manager.localize_callback = _
login_manager.login_message_category = "warning"


# Throttling (Flask-Limiter): only failed attempts count (a success redirects with 302). Two
# separate limits, each with its own counter shared by the sign-in and re-authentication pages:
# per username (LOGIN_MAX_FAILURES) and per client address (LOGIN_MAX_FAILURES_PER_ADDRESS,
# larger: a whole office may sign in from one NAT address). A locked username therefore does not
# lock out a colleague at the next desk.


def _failed(response) -> bool:
    return request.method == "POST" and response.status_code != 302


def _username_key() -> str:
    if request.endpoint == "auth.reauth" and current_user.is_authenticated:
        name = current_user.username
    else:
        name = request.form.get("username") or ""
    # The form refuses more than 64 characters; the key never grows past that.
    return "user:" + name.strip().lower()[:64]


def _address_key() -> str:
    return "addr:" + (request.remote_addr or "unknown")


def _user_limit() -> str:
    cfg = current_app.config
    return f"{cfg['LOGIN_MAX_FAILURES']} per {cfg['LOGIN_WINDOW_MINUTES']} minutes"


def _address_limit() -> str:
    cfg = current_app.config
    return f"{cfg['LOGIN_MAX_FAILURES_PER_ADDRESS']} per {cfg['LOGIN_WINDOW_MINUTES']} minutes"


user_throttle = limiter.shared_limit(_user_limit, scope="login-user", key_func=_username_key,
                                     methods=["POST"], deduct_when=_failed)
address_throttle = limiter.shared_limit(_address_limit, scope="login-address", key_func=_address_key,
                                        methods=["POST"], deduct_when=_failed)


@bp.route("/login", methods=["GET", "POST"])
@user_throttle
@address_throttle
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
            return redirect(safe_next(request.args.get("next"), url_for("cases.home")))
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
@user_throttle
@address_throttle
def reauth():
    """Sensitive administration (``thads.security.reauth_required``) asks for the password again."""
    form = ReauthForm()
    target = safe_next(request.args.get("next"), url_for("cases.home"))
    if form.validate_on_submit():
        if accounts.reauthenticate(current_user, current_user.current_session, form.password.data):
            db.session.commit()
            return redirect(target)
        flash(_("Mật khẩu không đúng."), "danger")
    return render_template("auth/reauth.html", form=form)


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
    return redirect(referrer_path(url_for("cases.home")))
