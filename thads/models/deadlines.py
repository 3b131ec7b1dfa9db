"""Statutory deadlines as rows: swept by the scheduler, never held in memory or in the broker."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thads.extensions import db
from thads.models.base import UTCDateTime, check_in, utcnow

DEADLINE_STATUSES = ("open", "met", "missed", "cancelled")


class Deadline(db.Model):
    __tablename__ = "deadline"
    __table_args__ = (
        CheckConstraint(check_in("status", DEADLINE_STATUSES), name="status"),
        CheckConstraint("due_on >= basis_on", name="due_after_basis"),
        Index("ix_deadline_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    variant: Mapped[str | None] = mapped_column(String(32))
    law: Mapped[str] = mapped_column(String(10))  # the rule set chosen by the basis date
    basis_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)  # the rule's period, for display and audit
    unit: Mapped[str] = mapped_column(String(4))  # "wd" | "d" | "m"
    legal_basis: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_by_event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id"))
    closed_by_event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id"))
    closed_on: Mapped[date | None] = mapped_column(Date)
    # The enforcement measure whose step opened it (issue 11); None for the procedure's own.
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id", ondelete="SET NULL"), index=True)
    # Why the due date is what it is now (set when recomputed after a calendar change).
    recomputed_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()  # noqa: F821
