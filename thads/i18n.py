"""Locale choice and the Vietnamese formats (dd/mm/yyyy, 1.500.000 ₫)."""
from __future__ import annotations

from datetime import date

from flask import request, session
from flask_login import current_user

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


def format_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""
