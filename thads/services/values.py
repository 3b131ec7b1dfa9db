"""Parsing of the values people type: money in whole đồng and dates, with Vietnamese errors."""
from __future__ import annotations

import re
from datetime import date

from unidecode import unidecode

_MONEY_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_MONEY_PLAIN = re.compile(r"^\d+$")
MAX_MONEY = 10**16  # ten million billion đồng: far above any judgment, below BIGINT


class ValueProblem(ValueError):
    """A value that cannot be accepted; ``str(exc)`` is the Vietnamese message."""


def parse_money(raw) -> int:
    """Whole đồng ≥ 0. Accepts ``1500000``, ``1.500.000`` and ``1 500 000``; ints pass through.

    Fractions (``1,5`` / ``1500.5``), negatives and anything else are refused: money is
    counted in whole đồng and a misplaced separator must not silently change an amount.
    """
    if isinstance(raw, bool):
        raise ValueProblem("Số tiền phải là số nguyên đồng.")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        raise ValueProblem("Số tiền phải là số nguyên đồng, không có phần lẻ.")
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "").replace("\u00a0", "")
        for suffix in ("₫", "đồng", "đ", "VND", "vnd"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
        if text.startswith("-"):
            raise ValueProblem("Số tiền không được âm.")
        if _MONEY_PLAIN.match(text):
            value = int(text)
        elif _MONEY_GROUPED.match(text):
            value = int(text.replace(".", ""))
        elif "," in text or re.match(r"^\d+\.\d{1,2}$", text):
            raise ValueProblem("Số tiền phải là số nguyên đồng, không có phần lẻ.")
        else:
            raise ValueProblem("Số tiền không hợp lệ (ví dụ đúng: 1.500.000).")
    else:
        raise ValueProblem("Số tiền không hợp lệ (ví dụ đúng: 1.500.000).")
    if value < 0:
        raise ValueProblem("Số tiền không được âm.")
    if value > MAX_MONEY:
        raise ValueProblem("Số tiền quá lớn.")
    return value


def parse_date(raw, *, not_after: date | None = None, field_label: str = "Ngày") -> date:
    """An ISO date (``2026-05-12``) or ``12/05/2026``; optionally not after ``not_after``."""
    if isinstance(raw, date):
        value = raw
    elif isinstance(raw, str) and raw.strip():
        text = raw.strip()
        try:
            if "/" in text:
                d, m, y = text.split("/")
                value = date(int(y), int(m), int(d))
            else:
                value = date.fromisoformat(text)
        except (ValueError, TypeError):
            raise ValueProblem(f"{field_label} không hợp lệ (dd/mm/yyyy).") from None
    else:
        raise ValueProblem(f"{field_label} không hợp lệ (dd/mm/yyyy).")
    if not_after and value > not_after:
        raise ValueProblem(f"{field_label} không được ở tương lai.")
    return value


def fold(text: str | None) -> str:
    """Lower-case and strip Vietnamese diacritics: 'Nguyễn Văn Đức' → 'nguyen van duc'."""
    return unidecode(text or "").lower().strip()
