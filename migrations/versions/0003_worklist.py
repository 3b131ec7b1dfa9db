"""Schema for the worklist and supervision board (issue 5): proposals and query indexes.

* ``proposal``: a head-only transition prepared by an officer, approved or returned by the head.
* ``ix_deadline_case_status_due``: the nearest open deadline of a case in one index probe.
* PostgreSQL only, when the ``pg_trgm`` extension is available: a trigram GIN index on
  ``enforcement_case.search_text`` so the diacritics-free ``LIKE '%…%'`` search does not scan
  the table. SQLite (the embedded default) has no such index and scans; that is fine at the
  size of one office.

Revision ID: 0003_worklist
Revises: 0002_reminders
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_worklist"
down_revision = "0002_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("case_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'approved', 'returned', 'withdrawn')",
                           name=op.f("ck_proposal_status")),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"],
                                name=op.f("fk_proposal_case_id_enforcement_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_proposal_unit_id_unit")),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["user_account.id"],
                                name=op.f("fk_proposal_proposed_by_id_user_account")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"],
                                name=op.f("fk_proposal_decided_by_id_user_account")),
        sa.ForeignKeyConstraint(["event_id"], ["case_event.id"], name=op.f("fk_proposal_event_id_case_event")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_proposal_status_unit", ["status", "unit_id"], unique=False)
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.create_index("ix_deadline_case_status_due", ["case_id", "status", "due_on"], unique=False)
    # The nearest open deadline, kept on the case so the worklist is an index range scan.
    with op.batch_alter_table("enforcement_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_due_on", sa.Date(), nullable=False, server_default="9999-12-31"))
        batch_op.create_index("ix_case_officer_next_due", ["officer_id", "next_due_on", "id"], unique=False)
    op.execute("UPDATE enforcement_case SET next_due_on = COALESCE((SELECT MIN(d.due_on) FROM deadline d "
               "WHERE d.case_id = enforcement_case.id AND d.status = 'open' AND d.kind <> 'voluntary'), '9999-12-31')")

    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and _create_trgm(bind):
        op.execute("CREATE INDEX IF NOT EXISTS ix_case_search_trgm ON enforcement_case "
                   "USING gin (search_text gin_trgm_ops)")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_case_search_trgm")
    with op.batch_alter_table("enforcement_case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_officer_next_due")
        batch_op.drop_column("next_due_on")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_case_status_due")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_status_unit")
        batch_op.drop_index(batch_op.f("ix_proposal_case_id"))
    op.drop_table("proposal")


def _create_trgm(bind) -> bool:
    # The extension must be installed on the server and creatable by this role; without it the
    # search still works, it just scans. A savepoint keeps a refusal from aborting the migration.
    if bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first() is None:
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return False
    return True
