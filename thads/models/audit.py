"""Periodic anchors of the audit trail: a digest of every chain head, chained day to day.

Each anchor stores the heads (case, last seq, last hash) of the chains that changed since the
previous anchor, a digest of those rows and a hash chained to the previous anchor (HMAC-signed
under THADS_AUDIT_KEY when one is set). ``audit verify`` then detects a case deleted outright:
its anchored head names it although its rows are gone. The anchor's hash is printable, so a
copy kept outside the database (paper, mail) detects a rewrite of the anchors themselves.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from thads.extensions import db
from thads.models.base import UTCDateTime, utcnow


class AuditAnchor(db.Model):
    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    anchored_on: Mapped[date] = mapped_column(Date)  # the local day the anchor was taken
    prev_hash: Mapped[str] = mapped_column(String(64))
    heads_count: Mapped[int] = mapped_column(Integer)
    heads_digest: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditAnchorHead(db.Model):
    """A chain head as anchored. ``case_id`` has no foreign key on purpose: the row must outlive
    a deleted case so that verification can name it."""

    __tablename__ = "audit_anchor_head"
    __table_args__ = (Index("ix_audit_anchor_head_case", "case_id", "anchor_id"),)

    anchor_id: Mapped[int] = mapped_column(ForeignKey("audit_anchor.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    event_hash: Mapped[str] = mapped_column(String(64))
