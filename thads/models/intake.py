"""Intake (issue 13): import runs of an existing register, the cases they brought in, and the
registration data read from a judgment waiting for the officer to confirm it.

* ``import_run``: one upload or command — the file itself (so a confirmed preview imports
  exactly what was previewed, and an interrupted run resumes from the database), its mapping,
  its status and progress (rows done, imported, skipped, refused), committed with each batch.
* ``imported_case``: which file row a case came from. The register key (unit, statistical
  year, register number) is the case's own unique key; the row's hash tells "the same row
  again" (skipped) from "another case with this number" (refused).
* ``form_prefill``: what the judgment reader found, kept per user until the registration form
  is opened with it (a signed cookie is too small for parties and their addresses).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from thads.extensions import db
from thads.models.base import UTCDateTime, check_in, utcnow

RUN_STATUSES = ("previewed", "queued", "running", "done", "failed")


class ImportRun(db.Model):
    __tablename__ = "import_run"
    __table_args__ = (
        CheckConstraint(check_in("status", RUN_STATUSES), name="status"),
        Index("ix_import_run_unit_sha", "unit_id", "file_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    source_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="previewed")
    today: Mapped[date] = mapped_column(Date)  # "today" of the run: no date after it is accepted
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)  # rows done, committed
    started_rows: Mapped[int] = mapped_column(Integer, default=0)  # processed_rows when (re)started
    imported: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    # The dry run's (preview) findings and the import's own, [{row, column, level, message}].
    preview: Mapped[dict | None] = deferred(mapped_column(JSON))
    problems: Mapped[list | None] = deferred(mapped_column(JSON))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit = relationship("Unit")
    user = relationship("User")


class ImportedCase(db.Model):
    __tablename__ = "imported_case"

    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id", ondelete="SET NULL"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    row_hash: Mapped[str] = mapped_column(String(64))


class FormPrefill(db.Model):
    __tablename__ = "form_prefill"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    form: Mapped[str] = mapped_column(String(40))  # which form it fills ("case")
    data: Mapped[dict] = mapped_column(JSON)  # the form's fields by name
    sources: Mapped[dict] = mapped_column(JSON, default=dict)  # field → {snippet, start, end, confidence}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
