"""Intake in Chromium: a judgment printed to PDF is uploaded, read, and the registration form
comes back prefilled; an administrator imports a register and watches the progress bar."""
from __future__ import annotations

import html
from pathlib import Path

import pytest
from sqlalchemy import func, select

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "data" / "judgments"


@pytest.fixture(scope="module")
def world(live_app):
    from tests.factories import build_world

    return build_world()


def _judgment_pdf(browser, text: str) -> bytes:
    """The judgment as a text PDF, printed by Chromium (what a court's word processor produces)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(f"<html><body><pre style='font-family: serif; white-space: pre-wrap'>{html.escape(text)}"
                     "</pre></body></html>")
    data = page.pdf(format="A4")
    context.close()
    return data


def test_an_uploaded_judgment_pdf_prefills_the_registration_form_and_nothing_is_saved_until_confirmed(
        world, browser, session_for):
    from thads.extensions import db
    from thads.models import Case

    text = (CORPUS / "05-hinh-su-trom-cap.txt").read_text(encoding="utf-8")
    pdf = _judgment_pdf(browser, text)
    s = session_for("clerk_a")
    s.goto("/intake/judgment")
    s.page.set_input_files("input[name=pdf]", files=[{"name": "ban-an.pdf", "mimeType": "application/pdf",
                                                      "buffer": pdf}])
    s.page.click("[data-testid=judgment-form] button[type=submit]")
    s.page.wait_for_selector("[data-testid=sources]")
    table = s.page.inner_text("[data-testid=sources]")
    assert "17/2025/HS-ST" in table and "12.500.000 đồng" in table and "Lương Văn Đạt" in table
    assert s.page.locator("[data-testid=sources] mark").count() >= 8
    s.shot("intake-judgment-read")

    s.page.click("[data-testid=to-form]")
    s.page.wait_for_selector("[data-testid=case-form]")
    assert s.page.input_value("input[name=court]") == "Tòa án nhân dân huyện Tam Nông"
    assert s.page.input_value("input[name=judgment_number]") == "17/2025/HS-ST"
    assert s.page.input_value("input[name=judgment_date]") == "09/07/2025"
    names = [s.page.input_value(f"input[name='parties-{i}-name']") for i in range(3)]
    assert "Lương Văn Đạt" in names and "Hà Văn Sinh" in names
    debtor = names.index("Lương Văn Đạt")
    assert s.page.input_value(f"select[name='parties-{debtor}-role']") == "debtor"
    amounts = [s.page.input_value(f"input[name='obligations-{i}-amount']") for i in range(3)]
    assert {"12.500.000", "200.000", "625.000"} <= set(amounts)
    s.shot("intake-case-form-prefilled")
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Case.id))) == 0

    s.page.fill("input[name=received_on]", "04/08/2025")
    s.page.click("[data-testid=case-form] button[type=submit]")
    s.page.wait_for_url("**/cases/*")
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_an_administrator_imports_a_register_and_sees_the_progress_bar_reach_the_end(world, session_for, tmp_path):
    from datetime import date

    from tests.intake_data import generate, workbook
    from thads.services import clock

    rows, _ = generate(25, ["officer_a"], clock.today(), seed=8, start=date(2024, 1, 2))
    path = tmp_path / "so-thu-ly.xlsx"
    path.write_bytes(workbook(rows))
    s = session_for("admin")
    s.goto("/intake/import")
    s.page.select_option("select[name=unit]", "P-A")
    s.page.set_input_files("input[name=file]", str(path))
    s.page.click("[data-testid=import-form] button[type=submit]")
    s.page.wait_for_selector("[data-testid=confirm]")
    s.shot("intake-import-preview")
    run_id = int(s.page.url.rstrip("/").split("/")[-1])
    s.page.click("[data-testid=confirm]")
    s.page.wait_for_selector("[data-testid=progress]")
    # No worker runs in this test server: do the worker's job, the page's script follows it.
    from thads.intake import runner

    runner.execute(run_id, batch_rows=5)
    s.page.locator("[data-testid=run-status]", has_text="Xong").wait_for(timeout=30_000)
    assert "100%" in s.page.inner_text("[data-testid=progress]")
    s.shot("intake-import-done")
