"""The import's batch loop: the boundary that commits (one transaction per batch, the run's
progress committed with the rows it counts), shared by ``flask import cases`` and the actor.

Resume semantics: ``processed_rows`` is committed with each batch, so after a crash (a killed
process, a lost worker) the run continues at the first row of the batch that was lost; rows of
committed batches are not looked at again, and a row whose case exists already (same register
key and the same row hash) is skipped in any case — every row is imported once.
"""
from __future__ import annotations

from collections.abc import Callable

from thads.extensions import db
from thads.intake import columns as cols
from thads.intake import services
from thads.models import ImportRun, utcnow

BATCH_ROWS = 100


def execute(run_id: int, *, batch_rows: int = BATCH_ROWS,
            progress: Callable[[ImportRun], None] | None = None, analysis=None) -> ImportRun:
    """Import (or resume) run ``run_id`` to its end, committing after every batch. ``analysis``:
    the dry run of this run's file just made by the caller (else it is made here)."""
    run = db.session.get(ImportRun, run_id)
    if run is None:
        raise services.NotFound("Không có lần nhập này.")
    if run.status in ("done", "previewed"):
        return run
    actor = run.user
    services.check_importer(actor)
    if analysis is None:
        analysis = services.analyse(run.content, run.source_name, run.unit, cols.Mapping.from_json(run.mapping),
                                    run.today)
    # Rows already imported by this run were counted when committed: keep their outcome.
    run.total_rows = len(analysis.records)
    run.status = "running"
    run.started_at = run.updated_at = utcnow()
    run.started_rows = run.processed_rows
    run.error = None
    db.session.commit()
    try:
        start = run.processed_rows
        while start < run.total_rows:
            stop = min(start + batch_rows, run.total_rows)
            services.import_rows(actor, run, analysis, start, stop)
            db.session.commit()
            if progress:
                progress(run)
            start = stop
    except BaseException as exc:
        db.session.rollback()
        run = db.session.get(ImportRun, run_id)
        run.status = "failed"
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.updated_at = utcnow()
        db.session.commit()
        raise
    run.status = "done"
    run.finished_at = run.updated_at = utcnow()
    db.session.commit()
    if progress:
        progress(run)
    return run
