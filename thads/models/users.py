"""Users, their roles, server-side login sessions and hashed API tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from thads.extensions import db
from thads.models.base import UTCDateTime, check_in, utcnow

# officer = chấp hành viên, head = thủ trưởng, deputy = phó thủ trưởng, supervisor = người
# theo dõi/giám sát (chấp hành viên trưởng), inspector = thẩm tra viên, clerk = thư ký,
# accountant = kế toán, admin = quản trị hệ thống.
ROLES = ("officer", "head", "deputy", "supervisor", "inspector", "clerk", "accountant", "admin")
# Roles that may sign the decisions the law reserves to the head.
SIGNING_ROLES = ("head", "deputy")


class User(db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()  # noqa: F821
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login protocol; the session id is bound per login (see thads.auth).
    current_session = None  # type: str | None

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def set_password(self, password: str) -> None:
        """Hash ``password`` with the configured method (Argon2id unless a test asks for a cheap
        werkzeug method); the policy is checked by ``thads.services.passwords`` before this."""
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    def password_needs_rehash(self) -> bool:
        """True when the stored hash is of an older method or weaker parameters than configured."""
        return needs_rehash(self.password_hash)

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.current_session or ''}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


# --------------------------------------------------------------------------- password hashing
# Argon2id (argon2-cffi) with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane: ~60 ms on
# one core); raising them later re-hashes each password at its next sign-in. Hashes of the
# werkzeug formats used before (``scrypt:…$…``, ``pbkdf2:…$…``) still verify and are upgraded.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1


def _argon2():
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB,
                          parallelism=ARGON2_PARALLELISM)


def _method() -> str:
    from flask import current_app

    # Tests set a cheap werkzeug method (PASSWORD_HASH_METHOD); production uses Argon2id.
    return str(current_app.config.get("PASSWORD_HASH_METHOD") or "argon2id")


def hash_password(password: str) -> str:
    method = _method()
    if method == "argon2id":
        return _argon2().hash(password)
    return generate_password_hash(password, method=method)


def verify_password(stored: str, password: str) -> bool:
    if not stored:
        return False
    if stored.startswith("$argon2"):
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return _argon2().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def needs_rehash(stored: str) -> bool:
    method = _method()
    if method == "argon2id":
        return not stored.startswith("$argon2id$") or _argon2().check_needs_rehash(stored)
    return stored.partition("$")[0] != method


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint(check_in("role", ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))


class LoginSession(db.Model):
    """One row per sign-in; logout revokes it, so a copied cookie stops working."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Idle timeout: the last request seen (written at most once a minute).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sensitive administration asks for the password again; this is when it was last given.
    reauth_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(db.Model):
    """An API bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="default")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
