"""Field types shared by every schema: text bounded by its column, money, dates, ids.

Each type validates with the functions of :mod:`thads.services.values` (the same the web forms
use) and documents itself in the JSON Schema the OpenAPI document is generated from, so the
limit a client reads is the limit the server applies.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from thads.services import values

MAX_ID = 2**31 - 1  # PostgreSQL ``integer``: ids, versions and sequence numbers
LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def column_length(column) -> int:
    """The declared length of a ``String(n)`` column (``Case.court`` → 200)."""
    return column.property.columns[0].type.length


def _problem(message: str) -> PydanticCustomError:
    return PydanticCustomError("thads", "{message}", {"message": message})


def _text_check(max_length: int, multiline: bool, required: bool):
    def check(value: str) -> str:
        try:
            value = values.clean_text(value, max_length=max_length, multiline=multiline)
        except values.ValueProblem as exc:
            raise _problem(str(exc)) from None
        if required and not value:
            raise _problem("Không được để trống.")
        return value

    return check


def Line(length, *, required: bool = True):  # noqa: N802 — a type factory, named like a type
    """One line of text of at most ``length`` characters (a column or an int): no control
    characters, no unpaired surrogates, stripped, NFC; ``required`` refuses a blank one."""
    n = length if isinstance(length, int) else column_length(length)
    return Annotated[str, Strict(), Field(max_length=n, min_length=1 if required else 0),
                     AfterValidator(_text_check(n, False, required)),
                     Field(json_schema_extra={"pattern": LINE_PATTERN})]


def Text(length: int, *, required: bool = True):  # noqa: N802
    """Multi-line text (tab and line breaks allowed) of at most ``length`` characters."""
    return Annotated[str, Strict(), Field(max_length=length, min_length=1 if required else 0),
                     AfterValidator(_text_check(length, True, required)),
                     Field(json_schema_extra={"pattern": TEXT_PATTERN})]


MONEY_TEXT = r"^([0-9]{1,16}|[0-9]{1,3}(\.[0-9]{3}){1,5})$"
_MONEY_TEXT = re.compile(MONEY_TEXT)


def _money(value: Any) -> int:
    # Through the API a sum is a JSON integer, or its digits as text, grouped by dots or not —
    # exactly the documented pattern (the web form also takes spaces and a "₫" suffix).
    if isinstance(value, str) and not _MONEY_TEXT.match(value):
        raise _problem("Số tiền không hợp lệ (số nguyên đồng, ví dụ 1500000 hoặc \"1.500.000\").")
    try:
        return values.parse_money(value)
    except values.ValueProblem as exc:
        raise _problem(str(exc)) from None


#: Whole đồng, 0…10^15: a JSON integer, or a string of ASCII digits grouped by dots.
Money = Annotated[int, BeforeValidator(_money), WithJsonSchema({
    "oneOf": [
        {"type": "integer", "minimum": 0, "maximum": values.MAX_MONEY},
        {"type": "string", "pattern": MONEY_TEXT},
    ],
    "description": "whole đồng, 0 to 10^15 (an integer, or a string such as \"1.500.000\")",
})]


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = values.parse_date(value, iso_only=True)
        except values.ValueProblem:
            raise _problem("Ngày không hợp lệ (yyyy-mm-dd).") from None
    else:
        raise _problem("Ngày phải là chuỗi yyyy-mm-dd.")
    if parsed < values.MIN_DATE:
        raise _problem(f"Ngày không được trước {values.MIN_DATE.strftime('%d/%m/%Y')}.")
    return parsed


#: A calendar date, ``yyyy-mm-dd``, from 1975-01-01 (each use adds its own upper bound).
LegalDate = Annotated[date, BeforeValidator(_iso_date), WithJsonSchema({
    "type": "string", "format": "date", "pattern": r"^(19[7-9][0-9]|2[0-9]{3})-[0-9]{2}-[0-9]{2}$",
    "description": "yyyy-mm-dd, from 1975-01-01",
})]

#: A row id or a version counter as PostgreSQL stores it.
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Strict(), Field(ge=0, le=MAX_ID)]
Flag = Annotated[bool, Strict()]
