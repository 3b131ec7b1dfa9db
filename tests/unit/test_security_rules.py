"""The password policy (ASVS L2) and the same-site redirect check, without a database."""
from __future__ import annotations

import pytest

from thads.security import safe_next
from thads.services.passwords import MAX_LENGTH, check_password_policy, common_passwords

USER = "officer_a"

REFUSED = {
    "eight digits": "12345678",
    "the word password": "password",
    "eight spaces": " " * 8,
    "the username": USER,
    "the username and more": f"{USER}2026abcd",
    "the username in capitals inside": f"My-{USER.upper()}-pass",
    "100,000 characters": "x" * 100_000,
    "129 characters": "a1-" * 43,
    "a common password of 12 characters": "qwerty123456",
    "a common password of 16 characters": "1qaz2wsx3edc4rfv",
    "twelve spaces": " " * 12,
    "a repeated letter": "aaaaaaaaaaaaaaaa",
    "a run of digits": "123456789012",
    "the word for password with digits": "matkhau123456",
}


@pytest.mark.parametrize("password", REFUSED.values(), ids=REFUSED.keys())
def test_weak_passwords_are_refused_with_a_vietnamese_reason(password):
    problems = check_password_policy(password, USER)
    assert problems, password[:40]
    assert all(isinstance(p, str) and p.startswith("Mật khẩu") for p in problems)


def test_each_rule_gives_its_own_reason():
    assert check_password_policy("12345678", USER)[0] == "Mật khẩu cần ít nhất 12 ký tự."
    assert check_password_policy("x" * 100_000, USER) == [f"Mật khẩu dài tối đa {MAX_LENGTH} ký tự."]
    assert "Mật khẩu không được là hoặc chứa tên đăng nhập." in check_password_policy(f"{USER}2026abcd", USER)
    assert any("phổ biến" in p for p in check_password_policy("qwerty123456", USER))
    assert any("dễ đoán" in p for p in check_password_policy("aaaaaaaaaaaaaaaa", USER))
    assert any("khoảng trắng" in p for p in check_password_policy(" " * 20, USER))


@pytest.mark.parametrize("password", ["secret-pass-1", "thads-demo-2026", "bench-pass-1",
                                      "xuân hạ thu đông 2026", "correct horse battery staple", "k" + "ż" * 11 + "Q7",
                                      "Z" * 1 + "q8$w" * 31 + "ab"])
def test_long_unguessable_passwords_of_any_characters_pass(password):
    assert len(password) <= MAX_LENGTH
    assert check_password_policy(password, USER) == []


def test_the_common_list_is_the_bundled_one_and_long_enough_to_matter():
    common = common_passwords()
    assert len(common) >= 30_000 - 100
    assert {"123456", "password", "qwerty123456"} <= common


# --------------------------------------------------------------------------- redirect targets

EVIL = ["https://evil.example/phish", "//evil.example", "/\\evil.example", "\\\\evil.example", "\t//evil.example",
        "/\t/evil.example", " //evil.example", "javascript:alert(1)", "JavaScript:alert(1)", "http:/evil",
        "/ok\r\nLocation: https://evil", "evil.example/x", "", None, "/x\x00", "///evil.example"]


@pytest.mark.parametrize("value", EVIL)
def test_a_next_value_off_this_site_falls_back_to_the_default(value):
    assert safe_next(value, "/home") == "/home"


@pytest.mark.parametrize("value", ["/cases", "/cases/7?tab=events", "/reports/drill?unit=P&after=3#x", "/"])
def test_a_path_on_this_site_is_kept(value):
    assert safe_next(value, "/home") == value
