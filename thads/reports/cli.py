"""Flask commands of the reports slice (registered by thads.cli): ``flask stats``."""
from __future__ import annotations

import json
import sys
from datetime import date

import click

from thads.extensions import db
from thads.services import stats
from thads.services.errors import ServiceError


@click.command("stats")
@click.option("--unit", "unit_code", required=True, help="unit code; the report covers every unit below it")
@click.option("--year", type=int, required=True, help="statistical year, named by its end (2026 = 01/10/2025–30/09/2026)")
@click.option("--months", type=click.IntRange(1, 12), default=12, show_default=True, help="months from 1 October")
@click.option("--as-of", "as_of", default=None, help="figures as of this date (YYYY-MM-DD or dd/mm/yyyy)")
@click.option("--suspended-as", type=click.Choice(stats.SUSPENDED_AS_CHOICES), default=None,
              help="override STATS_SUSPENDED_AS for this run")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, writable=True), default=None,
              help="write the form as an Excel file")
def stats_command(unit_code, year, months, as_of, suspended_as, as_json, xlsx):
    """Form 01/TKLN-THADS for a unit: cases and money, completion rates against the targets."""
    from thads.reports.export import report_workbook
    from thads.services.values import ValueProblem, parse_date

    try:
        cutoff: date | None = parse_date(as_of, field_label="--as-of") if as_of else None
        unit = stats.report_unit(None, unit_code)
        report = stats.build_report(unit, stats.Period(year, months, cutoff), suspended_as)
    except ValueProblem as exc:
        raise click.BadParameter(str(exc)) from None
    except ServiceError as exc:
        db.session.rollback()
        click.echo(f"Lỗi: {exc.message}", err=True)
        sys.exit(1)
    if xlsx:
        with open(xlsx, "wb") as fh:
            fh.write(report_workbook(report, "BIỂU 01/TKLN-THADS — KẾT QUẢ THI HÀNH ÁN DÂN SỰ TÍNH BẰNG VIỆC VÀ TIỀN"))
        click.echo(f"đã ghi {xlsx}", err=True)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    elif not xlsx:
        _print_table(report)


def _print_table(report: stats.Report) -> None:
    click.echo(f"{report.unit.name} — {report.period.label_vi()}")
    keys = ("total", "brought_forward", "new", "to_enforce", "enforceable", "completed", "terminated",
            "not_enforceable", "carried_forward")
    click.echo(f"{'unit':<24}" + "".join(f"{k[:11]:>12}" for k in keys) + f"{'rate%':>8}{'target':>8}{'gap':>7}")
    for measure in ("cases", "money"):
        click.echo(f"-- {measure}")
        for row in report.rows:
            values = getattr(row.figures, measure)
            rate = row.rate_cases if measure == "cases" else row.rate_money
            target = row.target_cases if measure == "cases" else row.target_money
            gap = row.gap_cases if measure == "cases" else row.gap_money
            name = ("  " * row.depth + row.code + ("*" if row.scope == "own" else ""))[:23]
            nums = "".join(f"{values[k]:>12}" if measure == "cases" else f"{values[k] // 1_000_000:>11}M" for k in keys)
            click.echo(f"{name:<24}{nums}{_fmt(rate):>8}{_fmt(target):>8}{_fmt(gap):>7}")
    click.echo("(* = the unit's own cases; money in millions of đồng)")


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.1f}"


COMMANDS: list = [stats_command]
