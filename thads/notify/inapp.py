"""The in-app channel: a sent row *is* the message in the user's notification list."""
from __future__ import annotations

from collections.abc import Mapping

from thads.notify import Channel


class InAppChannel(Channel):
    name = "inapp"

    def send(self, notification, user, config: Mapping) -> None:
        # Nothing leaves the database: marking the row sent (same transaction) makes it visible,
        # so an in-app notification can never be shown twice.
        return None
