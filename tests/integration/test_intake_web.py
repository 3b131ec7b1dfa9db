"""The intake pages: import (upload, preview, confirm, progress), export, and the judgment reader
that prefills the registration form."""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import login
from tests.intake_data import generate, workbook

CORPUS = Path(__file__).resolve().parents[1] / "data" / "judgments"


def _cases() -> int:
    from thads.extensions import db
    from thads.models import Case

    return db.session.scalar(select(func.count(Case.id)))


def test_an_administrator_previews_a_register_confirms_it_and_follows_the_progress(app, client, world):
    from thads.intake import runner
    from thads.services import clock

    today = clock.today()
    rows, planted = generate(30, ["officer_a"], today, seed=4, error_rate=0.2)
    login(client, "admin")
    page = client.get("/intake/import")
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    r = client.post("/intake/import", data={"csrf_token": token, "unit": "P-A",
                                            "file": (io.BytesIO(workbook(rows)), "so-thu-ly.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    preview = client.get(r.headers["Location"]).get_data(as_text=True)
    assert _cases() == 0  # the preview writes no case
    refused = int(re.search(r'data-testid="refused">(\d+)<', preview).group(1))
    assert refused >= len(planted)
    row, key, _kind = planted[0]
    assert f"<td>{row + 2}</td>" in preview and "Không có chấp hành viên" in preview or "Ngày không hợp lệ" in preview

    run_url = r.headers["Location"]
    run_id = int(run_url.rstrip("/").split("/")[-1])
    report = client.get(f"/intake/import/{run_id}/report.xlsx")
    ws = load_workbook(io.BytesIO(report.data), read_only=True).active
    sheet = list(ws.iter_rows(values_only=True))
    assert sheet[0][-2:] == ("Kết quả", "Thông báo")
    flagged = sheet[row + 1]  # header row, then the file's rows (data from row 2)
    assert flagged[0] == row + 2 and flagged[-2] == "Từ chối" and "cột" in flagged[-1]

    page = client.get(run_url).get_data(as_text=True)
    r = client.post(f"/intake/import/{run_id}/confirm", data={"csrf_token": csrf_token_from(page)})
    assert r.status_code == 302
    status = client.get(f"/intake/import/{run_id}/status.json").get_json()
    assert status["status"] == "queued" and status["processed"] == 0
    runner.execute(run_id)  # what the worker does with the queued message
    status = client.get(f"/intake/import/{run_id}/status.json").get_json()
    assert status["status"] == "done" and status["processed"] == status["total"] == 30
    assert status["imported"] == 30 - refused == _cases()
    done_page = client.get(run_url).get_data(as_text=True)
    assert 'data-import-status="' in done_page and "intake.js" in done_page and "<script>" not in done_page

    export = client.get("/intake/export.xlsx?unit=P-A")
    assert export.status_code == 200
    assert len(list(load_workbook(io.BytesIO(export.data), read_only=True).active.iter_rows())) == 1 + _cases()


def test_the_import_takes_files_above_the_apps_one_mebibyte_limit_and_is_for_administrators_only(app, client, world):
    login(client, "head_a")
    assert client.get("/intake/import").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/worklist").get_data(as_text=True))})
    login(client, "admin")
    token = csrf_token_from(client.get("/intake/import").get_data(as_text=True))
    big = b"x" * (3 * 1024 * 1024)
    # The multipart body is built here: werkzeug's test client spools a large one to a temporary
    # file it does not close (a ResourceWarning), which the browser never has.
    boundary = "thads-intake-boundary"
    body = b"".join([
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="unit"\r\n\r\nP-A\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="so.csv"\r\n'
        f'Content-Type: text/csv\r\n\r\n'.encode(), big, f"\r\n--{boundary}--\r\n".encode()])
    r = client.post("/intake/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert r.status_code == 200  # read (and refused for its content), not 413
    assert "Tệp CSV không đọc được" in r.get_data(as_text=True)
    r = client.post("/intake/import", data={"unit": "P-A", "file": (io.BytesIO(b"a,b\n"), "so.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and _cases() == 0  # no CSRF token: refused


def test_reading_a_judgment_shows_each_field_with_its_source_and_prefills_the_registration_form(app, client, world):
    text = (CORPUS / "01-dan-su-vay.txt").read_text(encoding="utf-8")
    login(client, "clerk_a")
    token = csrf_token_from(client.get("/intake/judgment").get_data(as_text=True))
    page = client.post("/intake/judgment", data={"csrf_token": token, "text": text}).get_data(as_text=True)
    assert "<mark>12/2026/DS-ST</mark>" in page and "<mark>150.000.000 đồng</mark>" in page
    assert "95%" in page  # how sure the reader is
    link = re.search(r'href="(/cases/new\?prefill=[^"]+)"', page).group(1)
    assert _cases() == 0  # nothing is saved by reading

    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="Tòa án nhân dân tỉnh Phú Thọ"' in form and 'value="12/2026/DS-ST"' in form
    assert 'value="02/03/2026"' in form and 'value="Nguyễn Văn An"' in form and 'value="025075000456"' in form
    assert 'value="150.000.000"' in form and 'value="7.500.000"' in form
    assert "điền sẵn từ bản án" in form

    # The officer completes the form (receipt date) and confirms: only then is a case registered.
    data = {k: v for k, v in re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', form)}
    for name, value in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>.*?<option[^>]*selected[^>]*value="([^"]*)"',
                                  form, re.S):
        data[name] = value
    selects = re.findall(r'<select[^>]*name="([^"]+)"', form)
    for name in selects:
        if name not in data:
            chosen = re.search(rf'name="{re.escape(name)}".*?<option selected value="([^"]*)"', form, re.S)
            data[name] = chosen.group(1) if chosen else ""
    data["received_on"] = date.today().strftime("%d/%m/%Y") if False else "10/04/2026"
    r = client.post("/cases/new", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    assert _cases() == 1


def test_another_users_prefill_token_fills_nothing(app, client, world):
    from thads.extensions import db
    from thads.services import prefill

    row = prefill.stash(world.clerk_a, "case", {"court": "Tòa án nhân dân tỉnh Phú Thọ"})
    db.session.commit()
    login(client, "officer_a")
    form = client.get(f"/cases/new?prefill={row.token}").get_data(as_text=True)
    assert "Tòa án nhân dân tỉnh Phú Thọ" not in form
