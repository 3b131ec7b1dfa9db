"""The password policy (OWASP ASVS 4.0 level 2, V2.1): one function every place that sets a
password calls — ``accounts.create_user``, the CLI, the demo loader and any future
password-change page.

Rules: 12 to 128 characters (any characters, spaces included; no composition rules), not the
username nor containing it, not one of the 30,000 most common passwords, and not easily
guessed. The last two use the ``zxcvbn`` package: its bundled frequency list of common
passwords (from a corpus of 10 million leaked passwords) and its guess estimator, which also
catches repeats (``aaaaaaaaaaaa``), keyboard runs and sequences (``qwertyuiopas``,
``123456789012``) and common words with a year (``matkhau2026``) that a list lookup misses.
Messages are Vietnamese, like every service message.
"""
from __future__ import annotations

from functools import lru_cache

MIN_LENGTH = 12
MAX_LENGTH = 128  # also bounds the hashing and zxcvbn work a request can cause
# zxcvbn score 3 = "safely unguessable": about 10^8 guesses or more.
MIN_SCORE = 3
# Words of this application that make a password guessable here (zxcvbn "user inputs").
CONTEXT_WORDS = ("thads", "thihanhan", "thihanhandansu", "thadsdansu", "chaphanhvien", "thuky",
                 "thutruong", "matkhau", "quantri", "admin", "phutho")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's list of common passwords (lower case), loaded once on first use (~70 ms)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_policy(password: str, username: str) -> list[str]:
    """The reasons ``password`` may not be used by ``username`` (empty when it may)."""
    password = password or ""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự.")
    if len(password) > MAX_LENGTH:
        # Nothing else is looked at: the estimator's work grows with the length.
        return [f"Mật khẩu dài tối đa {MAX_LENGTH} ký tự."]
    if not password.strip():
        problems.append("Mật khẩu không được chỉ gồm khoảng trắng.")
        return problems
    lowered, name = password.lower(), (username or "").strip().lower()
    if name and name in lowered:
        problems.append("Mật khẩu không được là hoặc chứa tên đăng nhập.")
    if lowered in common_passwords():
        problems.append("Mật khẩu này nằm trong danh sách mật khẩu phổ biến; hãy chọn mật khẩu khác.")
    elif len(password) >= MIN_LENGTH and not problems and _score(password, name) < MIN_SCORE:
        problems.append("Mật khẩu quá dễ đoán (ký tự lặp lại, dãy phím, dãy số hoặc từ thông dụng); "
                        "hãy dùng một cụm từ dài, khó đoán hơn.")
    return problems


def _score(password: str, username: str) -> int:
    from zxcvbn import zxcvbn

    inputs = [w for w in (username, *CONTEXT_WORDS) if w]
    return int(zxcvbn(password, user_inputs=inputs, max_length=MAX_LENGTH)["score"])


def require_password_policy(password: str, username: str) -> None:
    """Raise :class:`InvalidInput` carrying every reason when ``password`` breaks the policy."""
    from thads.services.errors import InvalidInput

    problems = check_password_policy(password, username)
    if problems:
        raise InvalidInput("Mật khẩu không đạt yêu cầu.", fields={"password": " ".join(problems)})
