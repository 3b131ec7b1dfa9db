"""The case page and its forms (issue 10, part b): how money moved and to whom; notifications that
know when their cause is resolved.

* ``payment.method`` (cash, transfer, deduction, auction, other) and ``payment.payee_party_id``
  (the creditor who received a payout).
* ``notification.resolved_at/resolution`` (the deadline was met, cancelled or moved, the proposal
  decided, the case reassigned), ``notification.proposal_id`` (backfilled from the proposal
  notifications' dedup keys) and ``notification.case_ids`` (the cases of an assignment batch or
  a digest). Delivered reminders whose deadline is already closed, and "waiting" notifications of
  proposals already decided, are marked resolved here.

Revision ID: 0008_case_screens
Revises: 0007_measures
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008_case_screens"
down_revision = "0007_measures"
branch_labels = None
depends_on = None

METHODS = ("cash", "transfer", "deduction", "auction", "other")
RESOLUTIONS = ("deadline_met", "deadline_missed", "deadline_cancelled", "deadline_moved", "proposal_decided",
               "reassigned")


def _in(column: str, values) -> str:
    return f"{column} IS NULL OR {column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("method", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("payee_party_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_payment_payee_party_id_party"), "party", ["payee_party_id"], ["id"])
        batch_op.create_check_constraint("method", _in("method", METHODS))

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("proposal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("case_ids", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_notification_proposal_id_proposal"), "proposal", ["proposal_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_index(op.f("ix_notification_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_check_constraint("resolution", _in("resolution", RESOLUTIONS))

    conn = op.get_bind()
    notification = sa.table("notification", sa.column("id", sa.Integer), sa.column("dedup_key", sa.String),
                            sa.column("proposal_id", sa.Integer), sa.column("step", sa.String))
    # dedup_key of a proposal notification: proposal:<id>:<new|approved|returned>:<user id>
    updates = []
    for row in conn.execute(sa.select(notification.c.id, notification.c.dedup_key)
                            .where(notification.c.step == "proposal")):
        parts = (row.dedup_key or "").split(":")
        if len(parts) == 4 and parts[1].isdigit():
            updates.append({"_id": row.id, "_p": int(parts[1])})
    if updates:
        conn.execute(sa.update(notification).where(notification.c.id == sa.bindparam("_id"))
                     .values(proposal_id=sa.bindparam("_p")), updates)
    now = datetime.now(UTC)
    for status, reason in (("met", "deadline_met"), ("missed", "deadline_missed"),
                           ("cancelled", "deadline_cancelled")):
        conn.execute(sa.text(
            "UPDATE notification SET resolved_at = :now, resolution = :reason "
            "WHERE resolved_at IS NULL AND status = 'sent' AND deadline_id IN "
            "(SELECT id FROM deadline WHERE status = :status)"), {"now": now, "reason": reason, "status": status})
    conn.execute(sa.text(
        "UPDATE notification SET resolved_at = :now, resolution = 'proposal_decided' "
        "WHERE resolved_at IS NULL AND dedup_key LIKE 'proposal:%:new:%' AND proposal_id IN "
        "(SELECT id FROM proposal WHERE status <> 'pending')"), {"now": now})


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_resolution"), type_="check")
        batch_op.drop_index(op.f("ix_notification_proposal_id"))
        batch_op.drop_constraint(op.f("fk_notification_proposal_id_proposal"), type_="foreignkey")
        batch_op.drop_column("case_ids")
        batch_op.drop_column("proposal_id")
        batch_op.drop_column("resolution")
        batch_op.drop_column("resolved_at")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_payment_method"), type_="check")
        batch_op.drop_constraint(op.f("fk_payment_payee_party_id_party"), type_="foreignkey")
        batch_op.drop_column("payee_party_id")
        batch_op.drop_column("method")
