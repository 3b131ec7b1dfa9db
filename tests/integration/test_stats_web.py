"""The statistics page, its drill-down links, the Excel export (same numbers as the page), the
targets page and the ``stats`` command."""
from __future__ import annotations

import io
import json
import re

from openpyxl import load_workbook

from tests.conftest import csrf_token_from
from tests.factories import login
from tests.integration.test_stats_scenario import build_province_year
from thads.extensions import db
from thads.models import Target
from thads.reports.export import HEADER_ROWS, column_map
from thads.services import stats

Q = "unit=P&year=2023&months=12&as_of=2023-09-30"
FIG_RE = re.compile(r'data-fig="([^"]+)" data-value="(-?\d+)"')


def _page_figures(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in FIG_RE.findall(html)}


def test_the_report_page_and_its_excel_file_show_the_same_numbers(world, client):
    stats.set_target(world.admin, 2023, "P", "84.0", "46.3")
    db.session.commit()
    build_province_year(world)
    login(client, "head_p")

    page = client.get(f"/reports/?{Q}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    figures = _page_figures(html)
    assert figures["P:tree:cases:enforceable"] == 78
    assert figures["P:tree:cases:completed"] == 60
    assert 'data-rate="P:tree:cases">85,9<' in html and 'data-rate="P:tree:money">49,9<' in html
    assert "+1,9" in html and "+3,6" in html
    assert 'data-testid="completion-chart"' in html and "<svg" in html

    xlsx = client.get(f"/reports/export.xlsx?{Q}")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    report = stats.build_report(world.province, stats.Period(2023, 12))
    cols = column_map()
    assert ws.cell(5, cols[("cases", "completed")]).value == "Thi hành xong"
    assert ws.cell(4, cols[("money", "total")]).value == "VỀ TIỀN (đồng)"
    compared = 0
    for i, row in enumerate(report.rows, start=1):
        r = HEADER_ROWS + i
        assert ws.cell(r, 2).value == row.label
        for measure in ("cases", "money"):
            for key in stats.FIGURE_KEYS:
                cell = ws.cell(r, cols[(measure, key)])
                assert cell.value == figures[f"{row.code}:{row.scope}:{measure}:{key}"]
                assert cell.number_format == "#,##0"
                compared += 1
    assert compared == len(report.rows) * 2 * len(stats.FIGURE_KEYS)
    top = HEADER_ROWS + 1
    assert ws.cell(top, cols[("cases", "rate")]).value == 85.9
    assert ws.cell(top, cols[("money", "rate")]).value == 49.9
    assert ws.cell(top, cols[("cases", "gap")]).value == 1.9
    assert ws.cell(top, cols[("money", "gap")]).value == 3.6
    assert ws.cell(top, cols[("money", "target")]).value == 46.3


def test_every_figure_links_to_the_list_of_its_cases_and_that_list_exports(world, client):
    build_province_year(world)
    login(client, "inspector_p")
    html = client.get(f"/reports/?{Q}").get_data(as_text=True)
    links = re.findall(r'href="(/reports/drill\?[^"]+)"', html)
    assert len(links) == len(stats.build_report(world.province, stats.Period(2023, 12)).rows) * 2 * 14
    link = next(x for x in links if "figure=completed" in x and "measure=cases" in x and "row=P&amp;" in x
                and "scope=tree" in x).replace("&amp;", "&")
    drill = client.get(link).get_data(as_text=True)
    assert drill.count("data-case=") == 60
    money_link = link.replace("measure=cases", "measure=money")
    money = client.get(money_link).get_data(as_text=True)
    assert money.count("data-case=") == 61  # 60 completed + the part-paid case still in progress
    exported = client.get(money_link.replace("/reports/drill?", "/reports/drill.xlsx?"))
    ws = load_workbook(io.BytesIO(exported.data)).active
    amounts = [r[8] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert len(amounts) == 61 and sum(amounts) == 499 * 430_000_000


def test_reports_are_for_supervisors_heads_and_inspectors_within_their_scope(world, client):
    login(client, "officer_a")
    assert client.get("/reports/").status_code == 403
    c2 = client.application.test_client()
    login(c2, "head_a")
    assert c2.get("/reports/?unit=P-A&year=2026&months=6").status_code == 200
    assert c2.get("/reports/?unit=P&year=2026&months=6").status_code == 404
    assert c2.get("/reports/targets").status_code == 403


def test_an_administrator_edits_the_targets_per_year_and_unit(world, client):
    login(client, "admin")
    page = client.get("/reports/targets")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "83,90" in html  # the national 2025 default was seeded
    token = csrf_token_from(html)
    bad = client.post("/reports/targets", data={"csrf_token": token, "stat_year": "2026", "unit": "P-A",
                                                 "cases": "120", "money": "40"})
    assert bad.status_code == 200 and "is-invalid" in bad.get_data(as_text=True)
    ok = client.post("/reports/targets", data={"csrf_token": token, "stat_year": "2026", "unit": "P-A",
                                                "cases": "85,5", "money": "47.25"})
    assert ok.status_code == 302
    t = db.session.query(Target).filter_by(stat_year=2026, unit_id=world.office_a.id).one()
    assert (t.cases_bp, t.money_bp) == (8550, 4725)
    assert stats.target_for(world.office_a, 2026) == (8550, 4725)
    assert stats.target_for(world.office_b, 2026) is None


def test_the_stats_command_prints_json_and_writes_the_form(world, app, tmp_path):
    stats.set_target(world.admin, 2023, "P", "84.0", "46.3")
    db.session.commit()
    build_province_year(world)
    runner = app.test_cli_runner()
    out = runner.invoke(args=["stats", "--unit", "P", "--year", "2023", "--months", "12", "--json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["rows"][0]["rate_cases"] == 85.9 and body["rows"][0]["gap_money"] == 3.6
    target = tmp_path / "form.xlsx"
    out = runner.invoke(args=["stats", "--unit", "P", "--year", "2023", "--as-of", "2023-03-31",
                              "--xlsx", str(target)])
    assert out.exit_code == 0, out.output
    assert load_workbook(target).active.cell(1, 1).value.startswith("BIỂU 01/TKLN-THADS")
    assert runner.invoke(args=["stats", "--unit", "NOPE", "--year", "2023"]).exit_code == 1
