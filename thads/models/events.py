"""The append-only, hash-chained audit trail of a case (case_event)."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from thads.extensions import db
from thads.models.base import UTCDateTime, utcnow

EVENT_KINDS = ("registered", "transition", "payment", "act", "reassigned", "proposal", "edited")


class CaseEvent(db.Model):
    __tablename__ = "case_event"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        Index("ix_case_event_on", "on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … per case; the unique key stops forks
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    on: Mapped[date] = mapped_column(Date)  # the legal date of the act
    kind: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str | None] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    # Snapshot after the event, so any past day's state, officer and money is one lookup.
    officer_id: Mapped[int | None] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(Integer)
    amount_delta: Mapped[int] = mapped_column(BigInteger, default=0)  # money this event moved
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    legal_basis: Mapped[str | None] = mapped_column(String(200))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC-SHA256 of ``hash`` under THADS_AUDIT_KEY (None when no key was configured): whoever
    # rewrites events and recomputes the plain hashes cannot recompute this without the key.
    mac: Mapped[str | None] = mapped_column(String(64))

    def payload(self) -> dict:
        """What the hash covers: every column a person could want to falsify."""
        return event_payload(self)

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, event_payload(self))


def event_payload(e) -> dict:
    """The hashed content of an event: a ``CaseEvent`` or a Core row with the same columns (the
    verifier reads rows, not objects, so both must hash through this one function)."""
    return {
        "case_id": e.case_id, "seq": e.seq, "actor_id": e.actor_id,
        "created_at": e.created_at.astimezone(UTC).isoformat() if e.created_at else None,
        "on": e.on.isoformat(), "kind": e.kind, "trigger": e.trigger,
        "from_state": e.from_state, "to_state": e.to_state,
        "officer_id": e.officer_id, "unit_id": e.unit_id,
        "amount_delta": int(e.amount_delta or 0), "inputs": e.inputs or {},
        "legal_basis": e.legal_basis,
    }


def chain_hash(prev_hash: str, payload: dict) -> str:
    """SHA-256 of the previous hash and the canonical JSON of ``payload``."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()
