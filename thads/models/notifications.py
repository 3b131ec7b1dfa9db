"""The notification outbox: what must reach whom, recorded before any broker is asked."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thads.extensions import db
from thads.models.base import UTCDateTime, check_in, utcnow

NOTIFICATION_STEPS = ("upcoming", "due", "overdue", "escalated", "digest", "assigned", "proposal")
NOTIFICATION_CHANNELS = ("inapp", "email")
NOTIFICATION_STATUSES = ("pending", "sent", "failed", "cancelled")
# Why a delivered notification no longer asks for anything (migration 0006b): its deadline was
# met, cancelled or moved, its proposal was decided, its case went to another officer.
RESOLUTIONS = ("deadline_met", "deadline_missed", "deadline_cancelled", "deadline_moved", "proposal_decided",
               "reassigned")


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        # One reminder per deadline (at its current due date), step, recipient and channel — the
        # sweep relies on it; a moved due date gets its own reminders (migration 0002).
        UniqueConstraint("deadline_id", "step", "due_on", "user_id", "channel"),
        # Digests and other non-deadline messages carry their own idempotency key.
        UniqueConstraint("dedup_key"),
        CheckConstraint(check_in("step", NOTIFICATION_STEPS), name="step"),
        CheckConstraint(check_in("channel", NOTIFICATION_CHANNELS), name="channel"),
        CheckConstraint(check_in("status", NOTIFICATION_STATUSES), name="status"),
        CheckConstraint("resolution IS NULL OR " + check_in("resolution", RESOLUTIONS), name="resolution"),
        Index("ix_notification_status", "status", "not_before"),
        Index("ix_notification_user", "user_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    dedup_key: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column(Date)  # the deadline's due date when created
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)  # email waits for office hours
    # When a delivery message was last handed to the broker or an attempt began; the sweep
    # re-enqueues pending rows whose mark is missing (broker was down) or stale (worker died).
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(40))  # collapsed, deadline_closed, ...
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    # The cause was dealt with: the notification leaves the unread count and shows as resolved.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(24))
    # A proposal's notifications are resolved when the proposal is decided.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    # Several cases (an assignment of a batch, a digest): their ids, so each gets a link.
    case_ids: Mapped[list | None] = mapped_column(JSON)

    user: Mapped[User] = relationship()  # noqa: F821
    deadline: Mapped[Deadline | None] = relationship()  # noqa: F821
