"""The English user interface: language switch, translated pages and forms, workflow labels
in English, and an English catalogue that covers every string the code marks for translation."""
from __future__ import annotations

import os
import re

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.factories import login, make_case

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRANSLATIONS = os.path.join(ROOT, "thads", "translations")
PO = os.path.join(TRANSLATIONS, "en", "LC_MESSAGES", "messages.po")
MO = os.path.join(TRANSLATIONS, "en", "LC_MESSAGES", "messages.mo")

# Vietnamese letters outside ASCII (Latin-1 Supplement, Latin Extended-A/B, Latin Extended Additional).
VIETNAMESE = re.compile(r"[À-ɏḀ-ỿ]")


def read_catalogue():
    with open(PO, "rb") as f:
        return read_po(f, locale="en")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue():
    """The .mo files are build output (``make translations``); compile here too when missing or
    older than the .po, so a run straight after editing the .po does not test a stale catalogue."""
    if not os.path.exists(MO) or os.path.getmtime(MO) < os.path.getmtime(PO):
        tmp = f"{MO}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            write_mo(f, read_catalogue())
        os.replace(tmp, MO)


def nav_text(html: str) -> str:
    """The navigation bar's visible text, without the signed-in user's name and unit (data)."""
    nav = re.search(r"<nav.*?</nav>", html, re.S).group(0)
    nav = re.sub(r'<span[^>]*data-testid="current-user".*?</span>', "", nav, flags=re.S)
    return re.sub(r"<[^>]+>", " ", nav)


def test_pages_are_in_vietnamese_by_default(client, world):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập hệ thống quản lý thi hành án dân sự" in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html
    assert "Sign in" not in html


def test_after_choosing_english_sign_in_worklist_and_case_page_are_in_english(client, world):
    case = make_case(world.clerk_a)
    client.get("/lang/en")
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign in to the civil judgment enforcement management system" in html
    assert "Username" in html and "Password" in html
    assert not VIETNAMESE.search(nav_text(html))

    # The chosen language survives signing in (the session is renewed at sign-in).
    assert login(client, "head_a").status_code == 302
    html = client.get("/worklist").get_data(as_text=True)
    assert "My cases" in html and "Sign out" in html
    nav = nav_text(html)
    assert "Monitoring and supervision" in nav and "Register a new case" in nav
    assert not VIETNAMESE.search(nav), nav

    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Case no." in html and "Enforcement officer" in html and "Outstanding" in html
    # Workflow data in English: the transition buttons, the state badge, the deadline explanation.
    assert "Issue the enforcement decision" in html
    assert "Ra quyết định thi hành án" not in html
    explanation = re.search(r'data-kind="decision".*?<td class="small">(.*?)</td>', html, re.S).group(1)
    assert explanation.strip() and not VIETNAMESE.search(explanation), explanation
    assert not VIETNAMESE.search(nav_text(html))


def test_form_labels_and_choices_follow_the_language(client, world):
    case = make_case(world.clerk_a)
    login(client, "head_a")
    client.get("/lang/en")
    html = client.get("/cases/new").get_data(as_text=True)
    assert "Judgment number" in html and "Payment priority" in html
    assert ">Judgment debtor<" in html and ">On request<" in html and ">Ex officio<" in html
    html = client.get(f"/cases/{case.id}/payments").get_data(as_text=True)
    assert ">Collection<" in html and "Receipt / voucher number" in html
    html = client.get(f"/cases/{case.id}/transitions/decide").get_data(as_text=True)
    assert "Decision number" in html and "Assigned officer" in html and "Date of action" in html

    # A failed validation speaks English too (messages of the forms, not of the services).
    from tests.conftest import csrf_token_from

    token = csrf_token_from(html)
    html = client.post(f"/cases/{case.id}/transitions/decide", data={"csrf_token": token}).get_data(as_text=True)
    assert "Enter the decision number." in html

    client.get("/lang/vi")
    html = client.get("/cases/new").get_data(as_text=True)
    assert "Số bản án" in html and ">Người phải thi hành án<" in html and "Judgment number" not in html


def test_switching_back_to_vietnamese_restores_the_vietnamese_interface(client, world):
    login(client, "officer_a")
    client.get("/lang/en")
    assert "My cases" in client.get("/worklist").get_data(as_text=True)
    response = client.get("/lang/vi")
    assert response.status_code == 302
    html = client.get("/worklist").get_data(as_text=True)
    assert '<html lang="vi">' in html and "Việc của tôi" in html and "My cases" not in html


def test_an_unknown_language_code_is_ignored(client, world):
    client.get("/lang/fr")
    assert '<html lang="vi">' in client.get("/login").get_data(as_text=True)


def test_every_message_of_the_english_catalogue_is_translated_and_well_formed():
    catalogue = read_catalogue()
    untranslated = [m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == []
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []
    # The checks `pybabel compile` makes (placeholders kept, python-format consistent).
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert problems == []


def test_the_english_catalogue_covers_every_string_the_code_marks_for_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    cwd = os.getcwd()
    os.chdir(ROOT)  # babel.cfg patterns are relative to the repository root
    try:
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "lazy_gettext",
                                    "-k", "_l", "-o", str(pot), "."])
    finally:
        os.chdir(cwd)
    with open(pot, "rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    translated = {m.id for m in read_catalogue() if m.id}
    missing = sorted(str(i) for i in extracted - translated)
    assert missing == [], "run `make translations-update` and translate: " + "; ".join(missing)
    assert len(extracted) > 200  # the extraction really found the templates and the code
