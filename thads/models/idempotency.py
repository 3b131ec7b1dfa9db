"""Idempotency keys: a repeated request (network retry, double click) gets the first response.

One row per (user, key), written in the same transaction as the work it protects, so the row
exists exactly when the work was committed. A concurrent request with the same key waits on the
unique index (PostgreSQL) and then replays the stored response; the same key with a different
request is refused (422).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from thads.extensions import db
from thads.models.base import UTCDateTime, utcnow


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_key"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_idempotency_key_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))  # "api:<header>" or "form:<one-time key>"
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict | None] = mapped_column(JSON)
    case_id: Mapped[int | None] = mapped_column(Integer)  # what the first request made or changed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
