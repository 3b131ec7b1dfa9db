"""Intake (issue 13): import runs, the cases they brought in, prefilled registration forms.

* ``import_run``: an import of a register file (the file, its mapping, status and progress);
* ``imported_case``: the file row each imported case came from (row number and hash);
* ``form_prefill``: registration data read from a judgment, per user, until the form opens.

Revision ID: 0006_intake
Revises: 0005_hardening
"""
import sqlalchemy as sa
from alembic import op


revision = "0006_intake"
down_revision = "0005_hardening"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("today", sa.Date(), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("started_rows", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("preview", sa.JSON(), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('previewed', 'queued', 'running', 'done', 'failed')",
                           name=op.f("ck_import_run_status")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_import_run_unit_id_unit")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_import_run_user_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    op.create_index("ix_import_run_unit_sha", "import_run", ["unit_id", "file_sha256"])
    op.create_table(
        "imported_case",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"],
                                name=op.f("fk_imported_case_case_id_enforcement_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["import_run.id"], name=op.f("fk_imported_case_run_id_import_run"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_imported_case")),
    )
    op.create_index(op.f("ix_imported_case_run_id"), "imported_case", ["run_id"])
    op.create_table(
        "form_prefill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_form_prefill_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_prefill")),
        sa.UniqueConstraint("token", name=op.f("uq_form_prefill_token")),
    )
    op.create_index(op.f("ix_form_prefill_user_id"), "form_prefill", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_form_prefill_user_id"), table_name="form_prefill")
    op.drop_table("form_prefill")
    op.drop_index(op.f("ix_imported_case_run_id"), table_name="imported_case")
    op.drop_table("imported_case")
    op.drop_index("ix_import_run_unit_sha", table_name="import_run")
    op.drop_table("import_run")
