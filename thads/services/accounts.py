"""Units, users, sign-in sessions and API tokens — used by the web, the API and the CLI alike."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from thads.extensions import db
from thads.models import ROLES, ApiToken, LoginSession, Unit, User, UserRole, utcnow
from thads.models.units import UNIT_KINDS
from thads.services.errors import InvalidInput, NotFound


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
    if len(password) < 8:
        raise InvalidInput("Mật khẩu cần ít nhất 8 ký tự.", fields={"password": "Quá ngắn."})
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


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def start_session(user: User) -> str:
    token = secrets.token_hex(32)
    db.session.add(LoginSession(token=token, user_id=user.id))
    db.session.flush()
    user.current_session = token
    return token


def load_session_user(value: str) -> User | None:
    """Flask-Login's loader: ``"<user id>:<session token>"``, valid until logout."""
    user_id, _, token = (value or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    row = db.session.scalars(
        select(LoginSession).where(LoginSession.token == token, LoginSession.revoked_at.is_(None))
    ).first()
    if row is None or row.user_id != int(user_id):
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    user.current_session = token
    return user


def end_session(token: str | None) -> None:
    if not token:
        return
    row = db.session.scalars(select(LoginSession).where(LoginSession.token == token)).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()


def issue_token(user: User, *, name: str = "default", days: int | None = None) -> str:
    """A new bearer token; only its hash is kept, so it is shown once."""
    from datetime import timedelta

    from flask import current_app

    raw = "thads_" + secrets.token_urlsafe(32)
    days = days or int(current_app.config["TOKEN_DAYS"])
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash(raw), name=name,
                            expires_at=utcnow() + timedelta(days=days)))
    db.session.flush()
    return raw


def user_for_token(raw: str) -> User | None:
    row = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == _hash(raw), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row.user.active:
        return None
    return row.user


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
