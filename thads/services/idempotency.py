"""Idempotency keys: the same request sent twice (a retry, a double click) does its work once.

A key belongs to one user (another user's identical key is a different key). It is claimed
inside the transaction that does the work and its response is stored before that transaction
commits, so the key exists exactly when the work was done. A concurrent request with the same
key waits on the unique index (PostgreSQL) until the first commits, then gets the first
response; if the first failed and rolled back, the second simply does the work.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, false, select, update
from sqlalchemy.exc import IntegrityError

from thads.extensions import db
from thads.models import IdempotencyKey, User
from thads.services.errors import Conflict, InvalidInput

KEY_PATTERN = r"^[\x21-\x7e]{8,64}$"  # 8–64 printable ASCII characters
_KEY_RE = re.compile(KEY_PATTERN)


class KeyReused(InvalidInput):
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class Replay:
    """The stored outcome of the first request with this key."""

    status: int
    body: dict | None
    case_id: int | None


def check_key(raw: str, field: str = "Idempotency-Key") -> str:
    if not isinstance(raw, str) or not _KEY_RE.match(raw):
        raise InvalidInput("Khóa chống gửi trùng không hợp lệ.",
                           fields={field: "8–64 ký tự ASCII in được, không có khoảng trắng."})
    return raw


def fingerprint(method: str, path: str, body) -> str:
    """What makes two requests "the same": method, path and the JSON body (key order ignored)."""
    text = json.dumps([method.upper(), path, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def open_transaction() -> None:
    """Make sure a database transaction is open before a SAVEPOINT. pysqlite begins one only at
    the first write: a SAVEPOINT taken before that is a transaction of its own, whose RELEASE
    commits at once — a claimed key would then outlive the work it protects when that fails.
    A write that changes nothing opens the transaction (PostgreSQL has one already)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(IdempotencyKey).where(false()).values(key=IdempotencyKey.key))


def claim(user: User, key: str, *, method: str, path: str, digest: str) -> IdempotencyKey | Replay:
    """Reserve ``key`` for this request in the current transaction, or return the first
    request's outcome. The same key with a different request is refused (422)."""
    open_transaction()
    existing = _find(user.id, key)
    if existing is None:
        row = IdempotencyKey(user_id=user.id, key=key, method=method.upper(), path=path[:255],
                             request_hash=digest)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
            return row
        except IntegrityError:
            # A concurrent request with this key committed first (we waited for it on the index).
            existing = _find(user.id, key)
            if existing is None:
                raise Conflict("Một yêu cầu cùng khóa đang được xử lý. Hãy thử lại sau giây lát.") from None
    if existing.request_hash != digest:
        raise KeyReused(
            "Khóa chống gửi trùng này đã được dùng cho một yêu cầu khác.",
            fields={"Idempotency-Key": "Đã dùng cho một yêu cầu có nội dung khác; hãy dùng khóa mới."},
        )
    return Replay(status=existing.status_code or 200, body=existing.response, case_id=existing.case_id)


def record(row: IdempotencyKey, *, status: int, body: dict | None = None, case_id: int | None = None) -> None:
    """Store the outcome with the key (committed together with the work)."""
    row.status_code, row.response, row.case_id = status, body, case_id
    db.session.flush()


def purge(before: datetime) -> int:
    """Forget keys created before ``before`` (a retry comes within minutes, not weeks)."""
    return db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before)).rowcount or 0


def _find(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalars(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        .execution_options(populate_existing=True)
    ).first()
