"""``flask import cases FILE --unit CODE [--mapping FILE] [--dry-run]`` and ``flask export cases``."""
from __future__ import annotations

import json
import os
import sys
import time
from datetime import date

import click
from flask.cli import AppGroup

from thads.extensions import db
from thads.services.errors import ServiceError

import_cli = AppGroup("import", help="Nhập dữ liệu có sẵn (sổ thụ lý).")
export_cli = AppGroup("export", help="Xuất dữ liệu.")


def _fail(exc: ServiceError) -> None:
    db.session.rollback()
    click.echo(f"Lỗi: {exc.message}", err=True)
    for k, v in (exc.fields or {}).items():
        if v != exc.message:
            click.echo(f"  {k}: {v}", err=True)
    sys.exit(1)


def _today(value: str | None) -> date | None:
    from thads.services.values import ValueProblem, parse_date

    if not value:
        return None
    try:
        return parse_date(value, field_label="--today")
    except ValueProblem as exc:
        raise click.BadParameter(str(exc)) from None


class Bar:
    """A progress bar on stderr with the rate: ``[#####-----] 4.200/10.000 dòng  312 dòng/s  còn 19 s``."""

    def __init__(self, total: int, done: int = 0, width: int = 30):
        self.total, self.width, self.start_done, self.t0 = total, width, done, time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.shown = -1

    def start(self) -> None:
        """The clock of the rate starts when rows start being imported (after the file was read)."""
        self.t0 = time.monotonic()

    def update(self, done: int, final: bool = False) -> None:
        now = time.monotonic()
        if (not final and now - self.last < 0.2) or done == self.shown:
            return
        self.shown = done
        self.last = now
        elapsed = max(now - self.t0, 1e-6)
        rate = (done - self.start_done) / elapsed
        frac = done / self.total if self.total else 1.0
        filled = int(self.width * frac)
        eta = f"  còn {int((self.total - done) / rate)} s" if rate > 0 and done < self.total else ""
        line = (f"[{'#' * filled}{'-' * (self.width - filled)}] {done:,}/{self.total:,} dòng  "
                f"{rate:,.0f} dòng/s{eta}").replace(",", ".")
        click.echo(("\r" + line + "   ") if self.tty else line, err=True, nl=not self.tty or final)


@import_cli.command("cases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--unit", "unit_code", required=True, help="mã đơn vị nhận các việc (và các đơn vị cấp dưới)")
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="tệp ánh xạ cột (YAML hoặc JSON), xem docs/intake.md")
@click.option("--dry-run", is_flag=True, help="chỉ kiểm tra, không ghi gì")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="ghi báo cáo từng dòng ra tệp Excel (.xlsx)")
@click.option("--user", "username", default=None, help="người thực hiện (mặc định: quản trị viên có phạm vi)")
@click.option("--batch", "batch_rows", type=click.IntRange(1, 10_000), default=100, show_default=True,
              help="số dòng mỗi lần ghi (commit)")
@click.option("--today", "today_text", default=None, hidden=True, help="ngày hôm nay (kiểm thử)")
@click.option("--json", "as_json", is_flag=True, help="in kết quả dạng JSON")
def import_cases(file, unit_code, mapping_file, dry_run, report_file, username, batch_rows, today_text, as_json):
    """Nhập sổ thụ lý từ tệp Excel/CSV. Chạy lại cùng tệp: tiếp tục lần nhập dở, dòng đã nhập được bỏ qua."""
    from thads.intake import columns, runner, services
    from thads.intake.export import report_workbook
    from thads.services import clock

    today = _today(today_text) or clock.today()
    with open(file, "rb") as fh:
        content = fh.read()
    name = os.path.basename(file)
    try:
        mapping = columns.load_mapping(open(mapping_file, "rb").read() if mapping_file else None)
    except columns.MappingProblem as exc:
        raise click.BadParameter(str(exc), param_hint="--mapping") from None
    try:
        unit = services.unit_by_code(unit_code)
        actor = services.importer_for(unit, username)
        analysis = services.analyse(content, name, unit, mapping, today)
    except ServiceError as exc:
        _fail(exc)
    counts = analysis.counts()
    if report_file:
        with open(report_file, "wb") as fh:
            fh.write(report_workbook(analysis))
        click.echo(f"đã ghi báo cáo {report_file}", err=True)
    if dry_run:
        db.session.rollback()
        if as_json:
            click.echo(json.dumps(analysis.to_json(), ensure_ascii=False, default=str))
        else:
            for p in analysis.problems:
                letter = analysis.letter(p.key)
                level = {"error": "LỖI", "warning": "CẢNH BÁO", "info": "GHI CHÚ"}[p.level]
                click.echo(f"dòng {p.row}, cột {letter} «{p.column}»: {level}: {p.message}")
            click.echo(_summary(counts, dry=True))
        sys.exit(1 if counts["refused"] else 0)

    digest = services.file_digest(content)
    run = services.unfinished_run(unit, digest)
    if run is not None:
        click.echo(f"tiếp tục lần nhập #{run.id} từ dòng thứ {run.processed_rows + 1} "
                   f"({run.imported} việc đã nhập)", err=True)
    else:
        run = services.create_run(actor, unit, content, name, mapping, analysis, today)
        run.status = "queued"
        db.session.commit()
    fresh = analysis if run.processed_rows == 0 else None  # a resumed run re-reads what is now in the database
    bar = Bar(run.total_rows or counts["rows"], run.processed_rows)
    run_id = run.id
    bar.start()
    try:
        run = runner.execute(run_id, batch_rows=batch_rows, progress=lambda r: bar.update(r.processed_rows),
                             analysis=fresh)
    except ServiceError as exc:
        _fail(exc)
    bar.update(run.processed_rows, final=True)
    result = services.status_json(run)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"lần nhập #{run.id}: đã nhập {run.imported}, bỏ qua {run.skipped} (đã có), "
                   f"từ chối {run.refused}, có cảnh báo {run.warnings}")


def _summary(c: dict, dry: bool) -> str:
    head = "kiểm tra (không ghi gì)" if dry else "nhập"
    return (f"{head}: {c['rows']} dòng — nhận {c['accepted']}, đã có {c['skipped']}, từ chối {c['refused']} "
            f"({c['errors']} lỗi), {c['rows_with_warnings']} dòng có cảnh báo")


@export_cli.command("cases")
@click.option("--unit", "unit_code", required=True, help="mã đơn vị (gồm các đơn vị cấp dưới)")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="tệp .xlsx")
def export_cases(unit_code, out):
    """Xuất toàn bộ sổ thụ lý của đơn vị theo đúng mẫu nhập (nhập lại được)."""
    from thads.intake import services
    from thads.intake.export import register_workbook

    try:
        unit = services.unit_by_code(unit_code)
    except ServiceError as exc:
        _fail(exc)
    data, n = register_workbook(unit)
    with open(out, "wb") as fh:
        fh.write(data)
    db.session.rollback()
    click.echo(f"đã xuất {n} việc vào {out}")


COMMANDS: list = [import_cli, export_cli]
