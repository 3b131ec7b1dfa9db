"""Request-level protections shared by every blueprint: response headers, trusted proxies,
sign-in session timeouts and safe redirect targets (issue 9)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Bind the protections to ``app`` (called once from :func:`thads.create_app`)."""
