"""Locale choice and the Vietnamese formats (dd/mm/yyyy, 1.500.000 ₫)."""
from __future__ import annotations

from datetime import UTC, date, datetime

from flask import has_request_context, request, session
from flask_login import current_user

from thads.services.clock import TZ as LOCAL_TZ

LOCALES = ("vi", "en")


def select_locale() -> str:
    """Explicit switch (session) first, then the user's preference, then Vietnamese."""
    lang = session.get("lang")
    if lang in LOCALES:
        return lang
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in LOCALES:
        return user_locale
    if request and request.args.get("lang") in LOCALES:
        return request.args["lang"]
    return "vi"


def format_money(amount: int | None) -> str:
    """Whole đồng with dot thousands separators: 1500000 → '1.500.000 ₫'."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".") + " ₫"


def local_datetime(value: datetime) -> datetime:
    """A stored timestamp (UTC; a naive one is taken as UTC) in Asia/Ho_Chi_Minh."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def format_date(d: date | datetime | None) -> str:
    """dd/mm/yyyy. A timestamp is converted to local time first: 17:30 UTC on 01/12 is
    00:30 on 02/12 in Hà Nội, and the day a person saw is the local one."""
    if not d:
        return ""
    if isinstance(d, datetime):
        d = local_datetime(d)
    return d.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """HH:MM dd/mm/yyyy in local time (for timestamps: sent, recorded, decided)."""
    if not value:
        return ""
    return local_datetime(value).strftime("%H:%M %d/%m/%Y")


def N_(text: str) -> str:
    """Mark ``text`` for extraction (pybabel's default keywords include ``N_``); it is
    translated where it is used, e.g. Flask-Login's ``localize_callback``."""
    return text


def current_locale() -> str:
    """The request's locale; outside a request (CLI, workers) Vietnamese."""
    return select_locale() if has_request_context() else "vi"


def localized(obj, attr: str = "label", locale: str | None = None) -> str:
    """``obj.<attr>_en`` in English, else ``obj.<attr>_vi`` (or plain ``obj.<attr>``).

    Workflow data (states, transitions, inputs, deadline rules) carries both languages as
    attributes rather than catalogue entries, since the law modules are pure Python; an empty
    English text falls back to the Vietnamese one.
    """
    if obj is None:
        return ""
    vi = getattr(obj, attr + "_vi", None)
    if vi is None:
        vi = getattr(obj, attr, "")
    if (locale or current_locale()) == "en":
        return getattr(obj, attr + "_en", None) or vi
    return vi
