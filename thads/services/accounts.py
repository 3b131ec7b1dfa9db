"""Units, users, sign-in sessions and API tokens — used by the web, the API and the CLI alike.

Sign-in sessions end on logout, after ``SESSION_IDLE_MINUTES`` without a request and
``SESSION_MAX_HOURS`` after sign-in; sensitive administration wants the password again after
``REAUTH_MINUTES``. API tokens are stored hashed, named, and expire. Functions that depend on the
time take ``now`` (timezone-aware UTC; default :func:`thads.services.clock.utcnow`).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from thads.extensions import db
from thads.models import ROLES, ApiToken, LoginSession, Unit, User, UserRole
from thads.models.units import UNIT_KINDS
from thads.services import clock
from thads.services.errors import InvalidInput, NotFound
from thads.services.passwords import require_password_policy

# ``last_seen_at`` / ``last_used_at`` are written at most this often (not on every request).
TOUCH_INTERVAL = timedelta(minutes=1)


def create_unit(code: str, name: str, kind: str | None = None, parent_code: str | None = None) -> Unit:
    parent = None
    if parent_code:
        parent = db.session.scalars(select(Unit).where(Unit.code == parent_code)).first()
        if parent is None:
            raise NotFound(f"Không có đơn vị mã {parent_code}.")
    if db.session.scalars(select(Unit).where(Unit.code == code)).first():
        raise InvalidInput(f"Đơn vị mã {code} đã tồn tại.", fields={"code": "Mã đã tồn tại."})
    kind = kind or ("regional" if parent and parent.kind == "province" else "province" if parent else "province")
    if kind not in UNIT_KINDS:
        raise InvalidInput(f"Loại đơn vị không hợp lệ: {kind}.", fields={"kind": "Không hợp lệ."})
    unit = Unit(code=code, name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    db.session.flush()
    return unit


def unit_by_code(code: str) -> Unit:
    unit = db.session.scalars(select(Unit).where(Unit.code == code)).first()
    if unit is None:
        raise NotFound(f"Không có đơn vị mã {code}.")
    return unit


def create_user(
    username: str, password: str, unit_code: str, roles: list[str], full_name: str | None = None,
    email: str | None = None,
) -> User:
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise InvalidInput(
            f"Vai trò không hợp lệ: {', '.join(bad) or '(trống)'}. Hợp lệ: {', '.join(ROLES)}.",
            fields={"role": "Không hợp lệ."},
        )
    if db.session.scalars(select(User).where(User.username == username)).first():
        raise InvalidInput(f"Tên đăng nhập {username} đã tồn tại.", fields={"username": "Đã tồn tại."})
    require_password_policy(password, username)
    user = User(username=username, full_name=full_name or username, email=email,
                unit=unit_by_code(unit_code), active=True)
    user.set_password(password)
    user.role_rows = [UserRole(role=r) for r in dict.fromkeys(roles)]
    db.session.add(user)
    db.session.flush()
    return user


def user_by_username(username: str) -> User:
    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"Không có người dùng {username}.")
    return user


def set_password(user: User, password: str, now: datetime | None = None) -> None:
    """Give ``user`` a new password (policy checked); their other sign-ins end. For a future
    password-change page (behind ``reauth_required``) and administrators' resets."""
    require_password_policy(password, user.username)
    user.set_password(password)
    now = now or clock.utcnow()
    for row in db.session.scalars(select(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))):
        if row.token != user.current_session:
            row.revoked_at = now
    db.session.flush()


# A hash of a random password: an unknown username costs the same work as a wrong password,
# so response times do not tell which usernames exist.
_DUMMY_HASH: dict[str, str] = {}


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, else ``None``. A hash of an older
    method or weaker parameters is replaced now that the password is known."""
    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        from thads.models.users import hash_password, verify_password

        method = str(current_app.config.get("PASSWORD_HASH_METHOD") or "argon2id")
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = hash_password(secrets.token_hex(16))
        verify_password(_DUMMY_HASH[method], password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    if user.password_needs_rehash():
        user.set_password(password)
        db.session.flush()
    return user


# --------------------------------------------------------------------------- sign-in sessions


def start_session(user: User, now: datetime | None = None) -> str:
    """A new server-side session; the password was just given, so it counts as re-authenticated."""
    now = now or clock.utcnow()
    token = secrets.token_hex(32)
    db.session.add(LoginSession(token=token, user_id=user.id, created_at=now, last_seen_at=now, reauth_at=now))
    db.session.flush()
    user.current_session = token
    return token


@dataclass
class SessionCheck:
    """What :func:`check_session` found: the user, or why there is none."""

    user: User | None = None
    expired: bool = False  # this request found the session too old or idle too long (and ended it)
    changed: bool = False  # a row was written (touched or revoked): the caller commits


def check_session(value: str, now: datetime | None = None) -> SessionCheck:
    """Flask-Login's value ``"<user id>:<session token>"`` → the user, while the session is open:
    not logged out, used within ``SESSION_IDLE_MINUTES``, younger than ``SESSION_MAX_HOURS``.
    A session found expired is revoked; ``last_seen_at`` moves at most once a minute."""
    now = now or clock.utcnow()
    user_id, _, token = (value or "").partition(":")
    if not user_id.isdigit() or not token:
        return SessionCheck()
    row = db.session.scalars(
        select(LoginSession).where(LoginSession.token == token, LoginSession.revoked_at.is_(None))
    ).first()
    if row is None or row.user_id != int(user_id):
        return SessionCheck()
    cfg = current_app.config
    idle_since = row.last_seen_at or row.created_at
    if (now - idle_since > timedelta(minutes=int(cfg["SESSION_IDLE_MINUTES"]))
            or now - row.created_at > timedelta(hours=int(cfg["SESSION_MAX_HOURS"]))):
        row.revoked_at = now
        db.session.flush()
        return SessionCheck(expired=True, changed=True)
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return SessionCheck()
    changed = False
    if row.last_seen_at is None or now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
        db.session.flush()
        changed = True
    user.current_session = token
    return SessionCheck(user=user, changed=changed)


def load_session_user(value: str, now: datetime | None = None) -> User | None:
    """The user of an open session (see :func:`check_session`), else ``None``."""
    return check_session(value, now).user


def end_session(token: str | None, now: datetime | None = None) -> None:
    if not token:
        return
    row = db.session.scalars(select(LoginSession).where(LoginSession.token == token)).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now or clock.utcnow()
        db.session.flush()


def _open_session(token: str | None) -> LoginSession | None:
    if not token:
        return None
    return db.session.scalars(
        select(LoginSession).where(LoginSession.token == token, LoginSession.revoked_at.is_(None))
    ).first()


def recently_authenticated(token: str | None, now: datetime | None = None) -> bool:
    """Whether the password was given in this session within ``REAUTH_MINUTES``."""
    now = now or clock.utcnow()
    row = _open_session(token)
    window = timedelta(minutes=int(current_app.config["REAUTH_MINUTES"]))
    return row is not None and row.reauth_at is not None and now - row.reauth_at <= window


def reauthenticate(user: User, token: str | None, password: str, now: datetime | None = None) -> bool:
    """Check ``user``'s password again for the session ``token``; on success note the time."""
    row = _open_session(token)
    if row is None or row.user_id != user.id or not user.active or not user.check_password(password):
        return False
    row.reauth_at = now or clock.utcnow()
    db.session.flush()
    return True


# --------------------------------------------------------------------------- API tokens

TOKEN_NAME_MAX = 100


@dataclass
class IssuedToken:
    """A new token: ``raw`` is shown once (only its hash is kept); ``replaced`` are the tokens of
    the same name that it revoked."""

    raw: str
    row: ApiToken
    replaced: list[ApiToken] = field(default_factory=list)


def create_token(user: User, *, name: str = "default", days: int | None = None,
                 now: datetime | None = None) -> IssuedToken:
    """A new bearer token for ``user``, valid ``days`` (default ``TOKEN_DAYS``). A token of the
    same name still in force is revoked: a name is one integration, with one token at a time."""
    now = now or clock.utcnow()
    name = (name or "").strip()
    if not name or len(name) > TOKEN_NAME_MAX:
        raise InvalidInput(f"Tên mã truy cập phải có từ 1 đến {TOKEN_NAME_MAX} ký tự.",
                           fields={"name": "Không hợp lệ."})
    days = int(current_app.config["TOKEN_DAYS"]) if days is None else int(days)
    if not 1 <= days <= 3660:
        raise InvalidInput("Thời hạn mã truy cập phải từ 1 đến 3660 ngày.", fields={"days": "Không hợp lệ."})
    replaced = list(db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.name == name, ApiToken.revoked_at.is_(None))))
    for old in replaced:
        old.revoked_at = now
    raw = "thads_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_hash(raw), name=name, created_at=now,
                   expires_at=now + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    return IssuedToken(raw=raw, row=row, replaced=replaced)


def issue_token(user: User, *, name: str = "default", days: int | None = None,
                now: datetime | None = None) -> str:
    """Shorthand of :func:`create_token` that returns only the raw token."""
    return create_token(user, name=name, days=days, now=now).raw


def list_tokens(user: User) -> list[ApiToken]:
    """Every token of ``user``, newest first (revoked and expired ones too)."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token(token_id: int, now: datetime | None = None) -> ApiToken:
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"Không có mã truy cập số {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = now or clock.utcnow()
        db.session.flush()
    return row


@dataclass
class TokenCheck:
    """What :func:`check_token` found: the user, or ``problem`` (unknown, expired, revoked)."""

    user: User | None = None
    problem: str | None = None
    changed: bool = False  # ``last_used_at`` was written: the caller commits


def check_token(raw: str, now: datetime | None = None) -> TokenCheck:
    """The user of a bearer token in force; ``last_used_at`` moves at most once a minute."""
    now = now or clock.utcnow()
    if not raw:
        return TokenCheck(problem="unknown")
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(raw))).first()
    if row is None or not row.user.active:
        return TokenCheck(problem="unknown")
    if row.revoked_at is not None:
        return TokenCheck(problem="revoked")
    if row.expires_at <= now:
        return TokenCheck(problem="expired")
    changed = False
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL:
        row.last_used_at = now
        db.session.flush()
        changed = True
    return TokenCheck(user=row.user, changed=changed)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
