"""Reading a user's in-app notifications (the header's unread count)."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from thads.extensions import db
from thads.models import Notification, User
from thads.services import clock


def unread_count(user: User) -> int:
    today = clock.today()
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.channel == "inapp",
            Notification.status == "sent", Notification.read_at.is_(None),
            or_(Notification.snoozed_until.is_(None), Notification.snoozed_until <= today),
        )
    ) or 0
