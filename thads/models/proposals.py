"""Proposals: a head-only transition prepared by an officer, waiting for the head's decision."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thads.extensions import db
from thads.models.base import UTCDateTime, check_in, utcnow

PROPOSAL_STATUSES = ("pending", "approved", "returned", "withdrawn")


class Proposal(db.Model):
    __tablename__ = "proposal"
    __table_args__ = (
        CheckConstraint(check_in("status", PROPOSAL_STATUSES), name="status"),
        # The board lists what waits in a unit; the case page lists a case's proposals.
        Index("ix_proposal_status_unit", "status", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True)
    # The case's unit when proposed: scope filters on it without joining the case.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    trigger: Mapped[str] = mapped_column(String(32))
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")  # the officer's explanation
    case_version: Mapped[int] = mapped_column(Integer)  # the case as the officer saw it
    status: Mapped[str] = mapped_column(String(12), default="pending")
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)  # the head's comment when returning
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id"))  # the applied transition

    case: Mapped[Case] = relationship()  # noqa: F821
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])  # noqa: F821
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])  # noqa: F821


def _worklist_indexes() -> None:
    """Indexes the worklist and the board rely on, declared beside their migration (0003).

    ``(case_id, status, due_on)`` makes "the nearest open deadline of a case" one index probe;
    the worklist orders an officer's cases by it and the board joins deadlines to cases by it.
    """
    from thads.models.deadlines import Deadline

    Index("ix_deadline_case_status_due", Deadline.case_id, Deadline.status, Deadline.due_on)


_worklist_indexes()
