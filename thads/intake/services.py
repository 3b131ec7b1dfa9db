"""Importing an existing register: analyse (the dry run), create a run, import a batch of rows
by replaying each row's history through the services, and export a unit's register.

The services flush and never commit; the batch loop that commits (so an interrupted import
keeps what it did and resumes) is :mod:`thads.intake.runner`, called by the CLI and the actor.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from thads.extensions import db
from thads.intake import columns as cols
from thads.intake.reader import Table, read_table
from thads.intake.records import Context, Problem, Record, parse_row, simulate
from thads.models import Case, ImportedCase, ImportRun, Unit, User, UserRole, utcnow
from thads.services import clock
from thads.services.errors import Forbidden, InvalidInput, NotFound, ServiceError
from thads.services.permissions import can

MAX_ROWS = 50_000  # a province carries ~9,000 open cases; a file ten times larger is a mistake
MAX_FILE_BYTES = 20 * 1024 * 1024
PROBLEMS_KEPT = 20_000  # findings stored with a run (the Excel report recomputes them all)


@dataclass
class Analysis:
    """The dry run of a file: each row's outcome and problems; nothing is written."""

    table: Table
    found: dict[str, int]  # field key → column index
    records: list[Record]
    outcome: dict[int, str] = field(default_factory=dict)  # row → accepted | skipped | refused
    existing: dict[tuple, tuple[int, str | None, str]] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.records for p in r.problems]

    def counts(self) -> dict[str, int]:
        out = {"rows": len(self.records), "accepted": 0, "skipped": 0, "refused": 0,
               "errors": 0, "warnings": 0, "rows_with_warnings": 0}
        for r in self.records:
            out[self.outcome[r.row]] += 1
            errs = sum(1 for p in r.problems if p.level == "error")
            warns = sum(1 for p in r.problems if p.level == "warning")
            out["errors"] += errs
            out["warnings"] += warns
            out["rows_with_warnings"] += 1 if warns else 0
        return out

    def letter(self, key: str) -> str:
        from openpyxl.utils import get_column_letter

        i = self.found.get(key)
        return get_column_letter(i + 1) if i is not None else ""

    def to_json(self, limit: int = PROBLEMS_KEPT) -> dict:
        problems = []
        for p in self.problems[:limit]:
            item = p.to_json()
            item["letter"] = self.letter(p.key)
            problems.append(item)
        return {"counts": self.counts(), "problems": problems, "truncated": len(self.problems) > limit,
                "columns": {k: self.table.headers[i] for k, i in self.found.items()},
                "refused_rows": [n for n, o in self.outcome.items() if o == "refused"],
                "skipped_rows": [n for n, o in self.outcome.items() if o == "skipped"]}


def check_importer(actor: User | None) -> None:
    if actor is None or not can(actor, "import"):
        raise Forbidden("Chỉ quản trị viên mới được nhập sổ thụ lý.")


def importer_for(unit: Unit, username: str | None = None) -> User:
    """The user an import is recorded under: ``username``, or an active administrator whose unit
    covers ``unit`` (the CLI's default)."""
    if username:
        user = db.session.scalars(select(User).where(User.username == username)).first()
        if user is None or not user.active:
            raise NotFound(f"Không có người dùng {username}.")
    else:
        user = next((u for u in db.session.scalars(
            select(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "admin", User.active.is_(True)).order_by(User.id))
            if unit.path.startswith(u.unit.path)), None)
        if user is None:
            raise NotFound("Không có quản trị viên nào có phạm vi gồm đơn vị này; hãy chỉ rõ --user.")
    check_importer(user)
    if not unit.path.startswith(user.unit.path):
        raise Forbidden(f"Đơn vị {unit.code} không thuộc phạm vi của {user.username}.")
    return user


def unit_by_code(code: str) -> Unit:
    unit = db.session.scalars(select(Unit).where(Unit.code == code)).first()
    if unit is None:
        raise NotFound(f"Không có đơn vị {code}.")
    return unit


def context_for(unit: Unit, mapping: cols.Mapping, today: date, headings: dict[str, str]) -> Context:
    from thads.services.deadlines import calendar

    units = db.session.execute(select(Unit.code, Unit.path).where(Unit.path.startswith(unit.path, autoescape=True))).all()
    officers = db.session.execute(
        select(User.username, User.full_name, Unit.path).join(Unit, Unit.id == User.unit_id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "officer", User.active.is_(True), Unit.path.startswith(unit.path, autoescape=True))
    ).all()
    return Context(unit_code=unit.code, unit_paths={u.code: u.path for u in units},
                   officers=[(o.username, o.full_name or "", o.path) for o in officers], today=today,
                   mapping=mapping, headings=headings, calendar=calendar())


def analyse(content: bytes, name: str, unit: Unit, mapping: cols.Mapping | None = None,
            today: date | None = None) -> Analysis:
    """The dry run: read the file, parse and check every row, compare with the database.
    Raises InvalidInput when the file itself cannot be used (no headings, a missing column)."""
    from thads.intake.reader import FileProblem

    mapping = mapping or cols.Mapping()
    today = today or clock.today()
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput(f"Tệp lớn quá {MAX_FILE_BYTES // 1024 // 1024} MiB.", fields={"file": "Tệp quá lớn."})
    try:
        table = read_table(content, name, sheet=mapping.sheet, header_row=mapping.header_row)
    except FileProblem as exc:
        raise InvalidInput(str(exc), fields={"file": str(exc)}) from None
    if len(table.rows) > MAX_ROWS:
        raise InvalidInput(f"Tệp có {len(table.rows)} dòng, quá {MAX_ROWS} dòng mỗi lần nhập.",
                           fields={"file": "Quá nhiều dòng."})
    found, problems = cols.resolve(table.headers, mapping)
    if problems:
        raise InvalidInput(" ".join(problems), fields={"file": " ".join(problems)})
    headings = {k: table.headers[i] for k, i in found.items()}
    ctx = context_for(unit, mapping, today, headings)
    records = []
    for offset, row in enumerate(table.rows):
        cells = {k: row[i] for k, i in found.items()}
        rec = parse_row(ctx, table.first_row + offset, cells)
        if rec.ok:
            simulate(rec, ctx.calendar, today, ctx.heading)
        records.append(rec)
    analysis = Analysis(table, found, records)
    _classify(analysis, unit, ctx)
    return analysis


def _classify(analysis: Analysis, unit: Unit, ctx: Context) -> None:
    """accepted / skipped (already imported from the same row) / refused; duplicates found."""
    keys = {r.key for r in analysis.records if r.number is not None}
    existing: dict[tuple, tuple[int, str | None, str]] = {}
    if keys:
        years = sorted({k[1] for k in keys})
        rows = db.session.execute(
            select(Unit.code, Case.stat_year, Case.number, Case.id, ImportedCase.row_hash)
            .join(Unit, Unit.id == Case.unit_id).outerjoin(ImportedCase, ImportedCase.case_id == Case.id)
            .where(Unit.path.startswith(unit.path, autoescape=True), Case.stat_year.in_(years))
        ).all()
        existing = {(r.code, r.stat_year, r.number): (r.id, r.row_hash, f"{r.number}/{r.stat_year}")
                    for r in rows if (r.code, r.stat_year, r.number) in keys}
    analysis.existing = existing
    first_row: dict[tuple, int] = {}
    heading = ctx.heading("register_number")
    for rec in analysis.records:
        if rec.number is not None:
            hit = existing.get(rec.key)
            first = rec.key not in first_row
            first_row.setdefault(rec.key, rec.row)
            if hit is not None and hit[1] == rec.row_hash and rec.ok and first:
                analysis.outcome[rec.row] = "skipped"
                rec.problems = [Problem(rec.row, "register_number", heading, "info",
                                        f"Đã nhập trước đó (việc số {hit[2]}); bỏ qua.")]
                continue
            if hit is not None:
                rec.problems.insert(0, Problem(
                    rec.row, "register_number", heading, "error",
                    f"Trùng với việc số {hit[2]} đã có trong cơ sở dữ liệu"
                    + (" (nhập từ một dòng có nội dung khác)." if hit[1] else ".")))
            elif not first:
                rec.problems.insert(0, Problem(rec.row, "register_number", heading, "error",
                                               f"Trùng số thụ lý {rec.display_number} với dòng {first_row[rec.key]} "
                                               "của tệp."))
        analysis.outcome[rec.row] = "accepted" if rec.ok else "refused"


# ------------------------------------------------------------------------------------ runs


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def create_run(actor: User, unit: Unit, content: bytes, name: str, mapping: cols.Mapping,
               analysis: Analysis | None, today: date) -> ImportRun:
    """Keep the file and its preview for confirmation (status ``previewed``)."""
    check_importer(actor)
    run = ImportRun(unit_id=unit.id, user_id=actor.id, source_name=(name or "register")[-255:],
                    file_sha256=file_digest(content), content=content, mapping=mapping.to_json(),
                    status="previewed", today=today, total_rows=len(analysis.records) if analysis else 0,
                    processed_rows=0, imported=0, skipped=0, refused=0, warnings=0,
                    preview=analysis.to_json() if analysis else None, problems=[])
    db.session.add(run)
    db.session.flush()
    return run


def unfinished_run(unit: Unit, digest: str) -> ImportRun | None:
    """The latest run of this file into this unit that did not finish (to resume it)."""
    return db.session.scalars(
        select(ImportRun).where(ImportRun.unit_id == unit.id, ImportRun.file_sha256 == digest,
                                ImportRun.status.in_(("queued", "running", "failed")))
        .order_by(ImportRun.id.desc())).first()


def get_run(actor: User | None, run_id: int) -> ImportRun:
    run = db.session.get(ImportRun, run_id) if isinstance(run_id, int) and 0 < run_id < 2**31 else None
    if run is None or (actor is not None and not run.unit.path.startswith(actor.unit.path)):
        raise NotFound("Không có lần nhập này.")
    return run


def queue_run(actor: User, run: ImportRun) -> ImportRun:
    check_importer(actor)
    if run.status != "previewed":
        raise InvalidInput("Lần nhập này đã được xác nhận.", fields={"run": "Đã xác nhận."})
    run.status = "queued"
    run.updated_at = utcnow()
    db.session.flush()
    return run


def status_json(run: ImportRun) -> dict:
    """What the progress bar shows: rows done of all, the rate since (re)start, the counts."""
    rate = None
    if run.started_at and run.updated_at and run.updated_at > run.started_at:
        done = run.processed_rows - (run.started_rows or 0)
        rate = done / (run.updated_at - run.started_at).total_seconds()
    remaining = max(run.total_rows - run.processed_rows, 0)
    return {"id": run.id, "status": run.status, "total": run.total_rows, "processed": run.processed_rows,
            "imported": run.imported, "skipped": run.skipped, "refused": run.refused, "warnings": run.warnings,
            "percent": round(100 * run.processed_rows / run.total_rows, 1) if run.total_rows else 100.0,
            "rate": round(rate, 1) if rate else None,
            "eta_seconds": round(remaining / rate) if rate else None, "error": run.error}


# ------------------------------------------------------------------------------- importing


def provenance(run: ImportRun, rec: Record) -> dict:
    """What every imported event carries: it was imported, from which file, row and run."""
    return {"imported": True, "source": f"{run.source_name}, dòng {rec.row}", "import_run": run.id}


def import_record(actor: User, run: ImportRun, rec: Record) -> Case:
    """Register the row's case with its register number and replay its history through the
    services with the row's legal dates and the run's ``today``; every event is marked imported."""
    from thads.services import lifecycle
    from thads.services.cases import register_case

    mark = provenance(run, rec)
    case = register_case(actor, rec.raw, today=run.today, number=rec.number, imported=mark)
    nonmoney = [o for o in case.obligations if o.amount is None]
    nonmoney_by_index = {}
    k = 0
    for i, o in enumerate(rec.raw["obligations"]):
        if o["amount"] is None:
            nonmoney_by_index[str(i)] = nonmoney[k]
            k += 1
    for step in rec.steps:
        if step.skip:
            continue
        if step.kind == "transition":
            lifecycle.apply_transition(actor, case.id, step.trigger, on=step.on, inputs=step.inputs,
                                       today=run.today, imported=mark)
        elif step.kind == "payment":
            lifecycle.record_payment(actor, case.id, amount=step.inputs["amount"], on=step.on, kind=step.trigger,
                                     today=run.today, imported=mark)
        elif step.kind == "act":
            lifecycle.record_act(actor, case.id, step.trigger, on=step.on, today=run.today, imported=mark)
        elif step.kind == "done":
            lifecycle.mark_obligation_done(actor, case.id, nonmoney_by_index[step.trigger].id, on=step.on,
                                           today=run.today, imported=mark)
    db.session.add(ImportedCase(case_id=case.id, run_id=run.id, source_row=rec.row, row_hash=rec.row_hash))
    db.session.flush()
    return case


def import_rows(actor: User, run: ImportRun, analysis: Analysis, start: int, stop: int) -> list[Problem]:
    """Import rows ``start``…``stop-1`` (indexes into the analysis), each in a savepoint; update
    the run's counts and progress. Flushes; the caller commits the batch."""
    from sqlalchemy.exc import IntegrityError

    # Write first: pysqlite opens its transaction only at a write, and a SAVEPOINT opened before
    # that is a transaction of its own whose RELEASE commits at once — a row would then be
    # committed ahead of the batch's progress (a resumed run would see it twice). Every
    # savepoint below is inside this batch's transaction.
    run.updated_at = utcnow()
    db.session.flush()
    found: list[Problem] = []
    n = {"imported": 0, "skipped": 0, "refused": 0, "warnings": 0}  # counted here, stored once per batch
    for rec in analysis.records[start:stop]:
        outcome = analysis.outcome[rec.row]
        if outcome == "accepted":
            try:
                with db.session.begin_nested():
                    import_record(actor, run, rec)
                n["imported"] += 1
            except IntegrityError:
                # Another run took this register number meanwhile (the unique key refused it).
                n["refused"] += 1
                found.append(Problem(rec.row, "register_number", "register_number", "error",
                                     f"Trùng với việc số {rec.display_number} vừa được nhập."))
            except ServiceError as exc:
                n["refused"] += 1
                detail = "; ".join(f"{k}: {v}" for k, v in (exc.fields or {}).items())
                found.append(Problem(rec.row, "state", "state", "error",
                                     f"Không nhập được: {exc.message}" + (f" ({detail})" if detail else "")))
        else:
            n[outcome] += 1
        if outcome != "skipped" and any(p.level == "warning" for p in rec.problems):
            n["warnings"] += 1
    for key, value in n.items():
        setattr(run, key, getattr(run, key) + value)
    run.processed_rows = stop
    run.updated_at = utcnow()
    if found:
        run.problems = list(run.problems or []) + [p.to_json() for p in found]
    db.session.flush()
    return found


ProgressFn = Callable[[ImportRun], None]
