"""Schema for reminders (issue 4).

* The reminder key includes the deadline's due date: a deadline whose due date moves gets its
  own reminders for the new date, while rows for the old date stay as the record.
* ``enqueued_at`` says when a delivery message was last handed to the broker (or an attempt
  started); the sweep re-enqueues pending rows whose mark is missing or stale.
* ``cancel_reason`` says why a row was cancelled (collapsed, deadline closed or moved, ...).

Revision ID: 0002_reminders
Revises: 0001_foundation
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_reminders"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=40), nullable=True))
        batch_op.drop_constraint("uq_notification_deadline_id_step_user_id_channel", type_="unique")
        batch_op.create_unique_constraint(
            "uq_notification_deadline_id_step_due_on_user_id_channel",
            ["deadline_id", "step", "due_on", "user_id", "channel"],
        )


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint("uq_notification_deadline_id_step_due_on_user_id_channel", type_="unique")
        batch_op.create_unique_constraint(
            "uq_notification_deadline_id_step_user_id_channel", ["deadline_id", "step", "user_id", "channel"],
        )
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("enqueued_at")
