"""Parsing of the values people type: money in whole đồng, dates and text, with Vietnamese errors.

The same functions serve the web forms, the API schemas (``thads.schemas``) and the services,
so a limit is stated once: money 0…10^15 đồng (per obligation and per case — far above any
judgment, and a sum of them cannot overflow a BIGINT), dates from 01/01/1975, text without
control characters or unpaired surrogates (PostgreSQL refuses both, SQLite stores them).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from unidecode import unidecode

# ASCII digits only: ``\d`` would also take full-width (１０００) and Arabic-Indic (١٢) digits.
_MONEY_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
_MONEY_PLAIN = re.compile(r"[0-9]+")
_FRACTION = re.compile(r"[0-9]+\.[0-9]{1,2}")
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_MONEY = 10**15  # a thousand trillion đồng, per obligation and per case
MIN_DATE = date(1975, 1, 1)  # no judgment enforced today is older
FUTURE_YEARS = 10  # how far ahead an expected date (a ground's end) may lie
# C0 controls and DEL; a multi-line text keeps tab, line feed and carriage return.
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class ValueProblem(ValueError):
    """A value that cannot be accepted; ``str(exc)`` is the Vietnamese message."""


def parse_money(raw) -> int:
    """Whole đồng, 0…10^15. Accepts ``1500000``, ``1.500.000`` and ``1 500 000``; ints pass through.

    Fractions (``1,5`` / ``1500.5``), negatives, non-ASCII digits and anything else are refused:
    money is counted in whole đồng and a misplaced separator must not silently change an amount.
    """
    if isinstance(raw, bool):
        raise ValueProblem("Số tiền phải là số nguyên đồng.")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        raise ValueProblem("Số tiền phải là số nguyên đồng, không có phần lẻ.")
    elif isinstance(raw, str):
        if len(raw) > 40:
            raise ValueProblem("Số tiền không hợp lệ (ví dụ đúng: 1.500.000).")
        text = raw.strip().replace(" ", "").replace("\u00a0", "")
        for suffix in ("₫", "đồng", "đ", "VND", "vnd"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
        if text.startswith("-") and _MONEY_PLAIN.fullmatch(text[1:].replace(".", "")):
            raise ValueProblem("Số tiền không được âm.")
        if _MONEY_PLAIN.fullmatch(text):
            value = int(text)
        elif _MONEY_GROUPED.fullmatch(text):
            value = int(text.replace(".", ""))
        elif re.fullmatch(r"[0-9.]+,[0-9]+", text) or _FRACTION.fullmatch(text):
            raise ValueProblem("Số tiền phải là số nguyên đồng, không có phần lẻ.")
        else:
            raise ValueProblem("Số tiền không hợp lệ (ví dụ đúng: 1.500.000).")
    else:
        raise ValueProblem("Số tiền không hợp lệ (ví dụ đúng: 1.500.000).")
    if value < 0:
        raise ValueProblem("Số tiền không được âm.")
    if value > MAX_MONEY:
        raise ValueProblem("Số tiền quá lớn (tối đa 1.000.000.000.000.000 đồng).")
    return value


def parse_date(raw, *, not_after: date | None = None, not_before: date = MIN_DATE,
               field_label: str = "Ngày", iso_only: bool = False, future: bool = False) -> date:
    """An ISO date (``2026-05-12``) or ``12/05/2026`` (not with ``iso_only``), from ``not_before``
    (01/01/1975 by default) and, when given, not after ``not_after`` (today, unless ``future``
    says the bound is a horizon ahead)."""
    if isinstance(raw, date):
        value = raw
    elif isinstance(raw, str) and raw.strip() and len(raw) <= 40:
        text = raw.strip()
        try:
            m = None if iso_only else _DMY.fullmatch(text)
            if m:
                value = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            elif _ISO.fullmatch(text):
                value = date.fromisoformat(text)
            else:
                raise ValueError(text)
        except ValueError:
            fmt = "yyyy-mm-dd" if iso_only else "dd/mm/yyyy"
            raise ValueProblem(f"{field_label} không hợp lệ ({fmt}).") from None
    else:
        fmt = "yyyy-mm-dd" if iso_only else "dd/mm/yyyy"
        raise ValueProblem(f"{field_label} không hợp lệ ({fmt}).")
    if value < not_before:
        raise ValueProblem(f"{field_label} không được trước ngày {not_before.strftime('%d/%m/%Y')}.")
    if not_after and value > not_after:
        if future:
            raise ValueProblem(f"{field_label} không được sau ngày {not_after.strftime('%d/%m/%Y')}.")
        raise ValueProblem(f"{field_label} không được ở tương lai.")
    return value


def future_limit(on: date) -> date:
    """The latest expected date accepted relative to ``on`` (a ground's expected end)."""
    try:
        return on.replace(year=on.year + FUTURE_YEARS)
    except ValueError:  # 29/02
        return on.replace(year=on.year + FUTURE_YEARS, day=28)


def text_problem(value: str, *, max_length: int, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as text, or None. Length counts characters."""
    if len(value) > max_length:
        return f"Dài quá {max_length} ký tự."
    if _SURROGATE.search(value):
        return "Chứa ký tự không hợp lệ."
    if (_CONTROL_TEXT if multiline else _CONTROL_LINE).search(value):
        return "Chứa ký tự điều khiển không hợp lệ."
    return None


def clean_text(value, *, max_length: int, multiline: bool = False, label: str = "") -> str:
    """``value`` stripped and NFC-normalised, or ValueProblem with a Vietnamese message."""
    if not isinstance(value, str):
        raise ValueProblem(f"{label} phải là chuỗi ký tự.".strip().capitalize())
    problem = text_problem(value, max_length=max_length * 4 + 16, multiline=multiline)  # before normalising
    if problem is None:
        value = unicodedata.normalize("NFC", value.strip())
        problem = text_problem(value, max_length=max_length, multiline=multiline)
    if problem:
        raise ValueProblem(f"{label}: {problem}" if label else problem)
    return value


def fold(text: str | None) -> str:
    """Lower-case and strip Vietnamese diacritics: 'Nguyễn Văn Đức' → 'nguyen van duc'."""
    return unidecode(text or "").lower().strip()
