"""Importing an existing register (issue 13 §1): the dry run, the import through the services,
re-import, resume after a killed process, statistics from the imported histories, export."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import make_case
from tests.intake_data import STATE_WORDS, generate, workbook

TODAY = date(2026, 11, 26)
OFFICERS = ["officer_a", "Officer A2"]  # a username and a full name (both resolve)
ROOT = Path(__file__).resolve().parents[2]


def _count(model) -> int:
    from thads.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def _analyse(data: bytes, name: str = "so-thu-ly.xlsx", unit: str = "P-A"):
    from thads.intake import services

    return services.analyse(data, name, services.unit_by_code(unit), None, TODAY)


def _import(world, data: bytes, name: str = "so-thu-ly.xlsx", batch_rows: int = 50):
    from thads.extensions import db
    from thads.intake import runner, services

    unit = services.unit_by_code("P-A")
    analysis = services.analyse(data, name, unit, None, TODAY)
    run = services.unfinished_run(unit, services.file_digest(data))
    if run is None:
        run = services.create_run(world.admin, unit, data, name, _mapping(), analysis, TODAY)
        run.status = "queued"
        db.session.commit()
    return runner.execute(run.id, batch_rows=batch_rows)


def _mapping():
    from thads.intake.columns import Mapping

    return Mapping()


@pytest.mark.slow
def test_a_dry_run_of_10000_rows_reports_every_planted_error_at_its_row_and_column_and_writes_nothing(app, world):
    from thads.models import Case, CaseEvent, ImportRun

    # Cases already in the database whose register numbers the file repeats (duplicates in the database).
    existing = [make_case(world.officer_a, received_on="2026-05-04", today=TODAY) for _ in range(3)]
    db_numbers = [(c.number, c.received_on) for c in existing]
    rows, planted = generate(10_000, OFFICERS, TODAY, error_rate=0.05, db_numbers=db_numbers)
    assert len(planted) == 500 and {k for _i, _c, k in planted} == {
        "bad_date", "unknown_officer", "unknown_state", "amount_not_number", "duplicate_file", "duplicate_db"}
    before = (_count(Case), _count(CaseEvent), _count(ImportRun))

    analysis = _analyse(workbook(rows))

    errors = {(p.row, p.key) for p in analysis.problems if p.level == "error"}
    missed = [(i + 2, key, kind) for i, key, kind in planted if (i + 2, key) not in errors]
    assert missed == []
    # Each planted kind has its own Vietnamese reason, at the planted column.
    by_row = {(p.row, p.key): p.message for p in analysis.problems if p.level == "error"}
    reasons = {kind: by_row[(i + 2, key)] for i, key, kind in planted}
    assert reasons["bad_date"].startswith("Ngày không hợp lệ")
    assert reasons["unknown_officer"].startswith("Không có chấp hành viên")
    assert reasons["unknown_state"].startswith("Trạng thái không xác định")
    assert reasons["amount_not_number"].startswith("Số tiền không phải là số")
    assert "với dòng" in reasons["duplicate_file"] and "đã có trong cơ sở dữ liệu" in reasons["duplicate_db"]
    assert analysis.letter("register_date") == "B" and analysis.letter("state") == "T"
    counts = analysis.counts()
    assert counts["rows"] == 10_000 and counts["refused"] >= 500
    assert counts["accepted"] + counts["refused"] == 10_000
    # Warnings: deadlines already overdue, dates the state does not use.
    warnings = [p.message for p in analysis.problems if p.level == "warning"]
    assert any("đã quá hạn" in w for w in warnings)
    assert (_count(Case), _count(CaseEvent), _count(ImportRun)) == before


def test_the_import_replays_each_history_as_imported_events_and_the_same_file_again_changes_nothing(app, world):
    from thads.extensions import db
    from thads.models import Case, CaseEvent, Deadline, ImportedCase
    from thads.services.audit_verify import verify

    rows, _planted = generate(80, OFFICERS, TODAY, seed=7, error_rate=0.1)
    data = workbook(rows)
    analysis = _analyse(data)
    accepted = analysis.counts()["accepted"]

    run = _import(world, data)
    assert (run.status, run.imported, run.refused, run.processed_rows) == ("done", accepted, 80 - accepted, 80)
    assert _count(Case) == accepted == _count(ImportedCase)
    events = list(db.session.scalars(select(CaseEvent)))
    assert events and all(e.inputs.get("imported") is True and "dòng" in e.inputs["source"] for e in events)
    snapshot = (_count(Case), _count(CaseEvent), _count(Deadline))

    again = _import(world, data)
    assert (again.imported, again.skipped, again.refused) == (0, accepted, 80 - accepted)
    assert (_count(Case), _count(CaseEvent), _count(Deadline)) == snapshot
    # A CSV of the same register is the same rows: nothing new either.
    from tests.intake_data import csv_bytes

    csv_run = _import(world, csv_bytes(rows), name="so-thu-ly.csv")
    assert (csv_run.imported, csv_run.skipped) == (0, accepted)
    result = verify()
    assert result.ok, [f.line() for f in result.findings]


def test_an_imported_case_has_the_state_deadlines_and_money_a_case_entered_by_hand_would_have(app, world):
    from thads.extensions import db
    from thads.models import Case, Deadline

    row = {
        "register_number": 7, "register_date": date(2026, 10, 5), "kind": "Theo đơn",
        "court": "Tòa án nhân dân tỉnh Thử Nghiệm", "judgment_number": "3/2026/DS-ST",
        "judgment_date": date(2026, 8, 3), "judgment_effective_on": date(2026, 9, 3),
        "creditors": "Trần Thị Bích", "debtors": "Nguyễn Văn Ánh", "debtor_ids": "001085000002",
        "obligations": "Trả nợ tiền vay; Án phí dân sự sơ thẩm", "amounts": "150.000.000; 7.500.000",
        "officer": "officer_a", "state": "Đang thi hành", "decision_number": "7/QĐ-THADS",
        "decision_date": date(2026, 10, 7), "notified_on": date(2026, 10, 8), "verified_on": date(2026, 10, 30),
        "collected": 50_000_000, "collected_on": date(2026, 11, 10),
    }
    run = _import(world, workbook([row]))
    assert run.imported == 1
    case = db.session.scalars(select(Case)).one()
    assert (case.state, case.display_number, case.officer.username) == ("enforcing", "7/2027", "officer_a")
    assert (case.amount_total, case.collected, case.remaining) == (157_500_000, 50_000_000, 107_500_000)
    assert [o.rank for o in case.obligations] == [3, 2]
    open_rows = {d.kind: d for d in db.session.scalars(select(Deadline).where(Deadline.status == "open"))}
    # Collected 10/11/2026: paid out within 10 days (Art 47(5)), the 20th; the procuracy and the
    # case file were never recorded, so their deadlines (from the decision, 07/10) are still open.
    assert open_rows["payout"].due_on == date(2026, 11, 20)
    assert {"case_file", "procuracy"} <= set(open_rows)
    assert case.next_due_on == min(d.due_on for d in open_rows.values() if d.kind != "voluntary")


def test_a_killed_import_resumes_where_its_last_batch_ended_and_imports_each_row_once(app, world, tmp_path):
    from thads.extensions import db
    from thads.models import Case, ImportedCase, ImportRun

    rows, _ = generate(90, OFFICERS, TODAY, seed=11)
    path = tmp_path / "so-thu-ly.xlsx"
    path.write_bytes(workbook(rows))
    accepted = _analyse(path.read_bytes()).counts()["accepted"]
    env = dict(os.environ, THADS_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], THADS_SECRET_KEY="test-secret",
               THADS_BROKER_URL="stub://", THADS_EMBEDDED_WORKER="false", THADS_INSTANCE_PATH=str(tmp_path),
               THADS_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    cmd = [sys.executable, "-m", "flask", "--app", "wsgi", "import", "cases", str(path), "--unit", "P-A",
           "--today", TODAY.isoformat(), "--batch", "5"]
    db.session.remove()
    log = (tmp_path / "first.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 240
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        done = db.session.scalar(select(func.max(ImportRun.processed_rows))) or 0
        db.session.rollback()  # never hold SQLite's read lock while the importer writes
        if done >= 30:
            break
        time.sleep(0.2)
    assert proc.poll() is None, (tmp_path / "first.log").read_text()[-2000:]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    log.close()
    run = db.session.scalars(select(ImportRun)).one()
    assert run.status == "running" and 30 <= run.processed_rows < 90
    assert _count(Case) >= run.imported  # a batch may have been half done: rolled back

    second = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=600)
    assert second.returncode == 0, second.stderr.decode()[-2000:]
    assert "tiếp tục lần nhập" in second.stderr.decode()
    db.session.expire_all()
    run = db.session.scalars(select(ImportRun)).one()
    assert (run.status, run.processed_rows, run.imported) == ("done", 90, accepted), run.problems
    assert _count(Case) == _count(ImportedCase) == accepted
    source_rows = list(db.session.scalars(select(ImportedCase.source_row)))
    assert len(source_rows) == len(set(source_rows))


# ------------------------------------------------------------------ statistics from the file

FINAL = {"refused", "terminated", "completed", "entrusted", "sent_back"}


def _timeline(row: dict) -> list[tuple[date, str]]:
    """The row's states by date, read from the file's columns (independently of the importer)."""
    state = next(k for k, w in STATE_WORDS.items() if w == row["state"])
    out = [(row["register_date"], "received")]
    if state == "refused":
        return out + [(row["closed_on"], "refused")]
    if row.get("decision_date"):
        out.append((row["decision_date"], "decided"))
    if row.get("notified_on"):
        out.append((row["notified_on"], "notified"))
    if row.get("verified_on"):
        out.append((row["verified_on"], "not_enforceable" if row["verification_outcome"].startswith("Chưa")
                    else "enforcing"))
    if row.get("paused_on"):
        out.append((row["paused_on"], state))
    if state in FINAL:
        out.append((row["closed_on"], state))
    return out


def _state_on(timeline, day: date) -> str | None:
    states = [s for d, s in timeline if d <= day]
    return states[-1] if states else None


def _money(row: dict, kind: str, start: date | None, end: date) -> int:
    amount = row.get({"collection": "collected", "reduction": "reduced"}[kind]) or 0
    on = row.get({"collection": "collected_on", "reduction": "reduced_on"}[kind])
    return amount if amount and on and (start is None or on >= start) and on <= end else 0


def expected_figures(rows: list[dict], start: date, cutoff: date) -> dict[str, dict[str, int]]:
    """Form 01/TKLN-THADS from the register rows (docs/statistics.md), without the application."""
    keys = ("total", "brought_forward", "new", "entrusted", "to_enforce", "enforceable", "completed",
            "terminated", "in_progress", "postponed", "not_enforceable", "carried_forward")
    cases, money = dict.fromkeys(keys, 0), dict.fromkeys(keys, 0)
    for row in rows:
        tl = _timeline(row)
        amount = sum(int(str(a).replace(".", "")) for a in str(row["amounts"]).split(";"))
        at_cut = _state_on(tl, cutoff)
        if at_cut is None or at_cut == "refused":
            continue
        if row["register_date"] < start:
            before = _state_on(tl, start - timedelta(days=1))
            if before in FINAL:
                continue
            origin = "brought_forward"
            handled = amount - _money(row, "collection", None, start - timedelta(days=1)) \
                - _money(row, "reduction", None, start - timedelta(days=1))
        else:
            origin, handled = "new", amount
        collected = _money(row, "collection", start, cutoff)
        reduced = _money(row, "reduction", start, cutoff)
        rest = handled - collected - reduced
        if at_cut == "completed":
            bucket = "completed"
        elif at_cut in ("terminated", "sent_back"):
            bucket = "terminated"
        elif at_cut == "entrusted":
            bucket = "entrusted"
        elif at_cut == "not_enforceable":
            bucket = "not_enforceable"
        elif at_cut == "postponed" and row.get("by_agreement"):
            bucket = "postponed"
        else:
            bucket = "in_progress"  # STATS_SUSPENDED_AS default: suspended and other postponements
        for key in ("total", origin):
            cases[key] += 1
            money[key] += handled
        cases[bucket] += 1
        money["completed"] += collected
        money["terminated"] += reduced
        money[bucket] += rest
    for m in (cases, money):
        m["to_enforce"] = m["total"] - m["entrusted"]
        m["enforceable"] = m["to_enforce"] - m["not_enforceable"]
        m["carried_forward"] = m["to_enforce"] - m["completed"] - m["terminated"]
    return {"cases": cases, "money": money}


def test_after_importing_an_office_register_the_statistics_page_equals_the_totals_computed_from_the_file(
        app, world, client):
    import re

    from tests.factories import login

    rows, _ = generate(120, OFFICERS, TODAY, seed=2026, start=date(2024, 6, 3))
    run = _import(world, workbook(rows))
    assert run.imported == 120
    want = expected_figures(rows, date(2025, 10, 1), date(2026, 9, 30))
    assert want["cases"]["brought_forward"] > 0 and want["cases"]["new"] > 0 and want["cases"]["completed"] > 0

    login(client, "head_p")
    html = client.get("/reports/?unit=P-A&year=2026&months=12&as_of=2026-09-30").get_data(as_text=True)
    page = {k: int(v) for k, v in re.findall(r'data-fig="([^"]+)" data-value="(-?\d+)"', html)}
    for measure in ("cases", "money"):
        got = {k: page[f"P-A:tree:{measure}:{k}"] for k in want[measure]}
        assert got == want[measure], measure


def test_the_export_of_a_unit_imports_back_as_the_same_cases(app, world):
    from thads.intake import services
    from thads.intake.export import register_workbook

    rows, _ = generate(60, OFFICERS, TODAY, seed=3)
    _import(world, workbook(rows))
    data, n = register_workbook(services.unit_by_code("P-A"))
    assert n == 60
    again = _analyse(data, name="xuat.xlsx")
    # Every exported row is recognised as the same row already imported (same register key and content).
    assert again.counts()["skipped"] == 60, [p.message for p in again.problems if p.level == "error"][:5]
