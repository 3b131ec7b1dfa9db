"""Delivery channels as plug-ins: a ``Channel`` base class and a registry keyed by name.

A notification row names its channel (``inapp`` or ``email``); the delivery service looks the
channel up here and calls :meth:`Channel.send`. A channel raises to signal a failed attempt
(the caller retries with backoff and finally marks the row ``failed``). Tests register their own
channels with :func:`register` (for instance one that always raises) and restore the previous one.
"""
from __future__ import annotations

from collections.abc import Mapping
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thads.models import Notification, User


class Channel:
    """One way of reaching a person. Subclasses set ``name`` and implement ``send``."""

    name: str = ""

    def enabled_for(self, user: User, config: Mapping) -> bool:
        """Whether ``user`` should get notifications on this channel at all."""
        return True

    def send(self, notification: Notification, user: User, config: Mapping) -> None:
        """Deliver one notification; raise on failure. Must not commit."""
        raise NotImplementedError


_registry: dict[str, Channel] = {}


def register(channel: Channel) -> Channel | None:
    """Register ``channel`` under its name; returns the channel it replaced (to restore it)."""
    previous = _registry.get(channel.name)
    _registry[channel.name] = channel
    return previous


def get(name: str) -> Channel:
    _load_builtin()
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"no notification channel named {name!r}") from None


def channels_for(user: User, config: Mapping) -> list[str]:
    """Names of the channels ``user`` receives reminders on (in-app first)."""
    _load_builtin()
    return [name for name in ("inapp", "email") if name in _registry and _registry[name].enabled_for(user, config)]


_loaded = False
_load_lock = threading.Lock()


def _load_builtin() -> None:
    """Register the built-in channels once (worker threads may race here on the first message)."""
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if not _loaded:
            from thads.notify import email, inapp

            for channel in (inapp.InAppChannel(), email.EmailChannel()):
                _registry.setdefault(channel.name, channel)
            _loaded = True
