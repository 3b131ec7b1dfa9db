"""Turning a pydantic ``ValidationError`` into the house error shape: a field path
(``parties.0.name``) → a Vietnamese message."""
from __future__ import annotations

from pydantic import ValidationError

_MESSAGES = {
    "missing": "Bắt buộc.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "string_too_short": "Không được để trống.",
    "int_type": "Phải là số nguyên.",
    "int_parsing": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "bool_type": "Phải là true hoặc false.",
    "bool_parsing": "Phải là true hoặc false.",
    "list_type": "Phải là một danh sách.",
    "too_long": "Tối đa {max_length} mục.",
    "too_short": "Cần ít nhất {min_length} mục.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "extra_forbidden": "Trường không được hỗ trợ.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "string_pattern_mismatch": "Sai định dạng.",
}


def _message(err: dict) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "thads":
        return str(ctx.get("message"))
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return f"Giá trị không hợp lệ; chọn một trong: {expected}."
    template = _MESSAGES.get(kind)
    if template is None:
        return "Giá trị không hợp lệ."
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{")[0].strip() or "Giá trị không hợp lệ."


def field_errors(exc: ValidationError, overrides: dict[tuple[str, str], str] | None = None) -> dict[str, str]:
    """``{"parties.0.name": "Bắt buộc.", …}``; ``overrides[(path, type)]`` words a case better."""
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err["loc"]) or "_"
        message = (overrides or {}).get((path, err["type"])) or _message(err)
        out.setdefault(path, message)
    return out
