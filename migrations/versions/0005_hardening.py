"""Hardening (issue 9): chain heads on the case, event MACs, audit anchors, idempotency keys,
session timeouts and named, expiring API tokens.

* ``enforcement_case.chain_seq/chain_hash/chain_mac``: the head of the case's event chain,
  written with each event (backfilled here from the last event of every case).
* ``case_event.mac``: HMAC of the event hash under THADS_AUDIT_KEY (NULL without a key).
* ``audit_anchor`` / ``audit_anchor_head``: daily digests of the chain heads.
* ``idempotency_key``: one row per (user, key) with the first response, replacing
  ``enforcement_case.submission_key`` (which was global, so one office's key answered another's).
* ``login_session.last_seen_at/reauth_at``; ``api_token.name/expires_at`` (existing tokens
  expire 90 days after this migration).

Revision ID: 0005_hardening
Revises: 0004_stats
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0005_hardening"
down_revision = "0004_stats"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade():
    with op.batch_alter_table("enforcement_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=False, server_default=GENESIS))
        batch_op.add_column(sa.Column("chain_mac", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("uq_enforcement_case_submission_key", type_="unique")
        batch_op.drop_column("submission_key")
    op.execute(
        "UPDATE enforcement_case SET "
        "chain_seq = COALESCE((SELECT MAX(e.seq) FROM case_event e WHERE e.case_id = enforcement_case.id), 0), "
        f"chain_hash = COALESCE((SELECT e.hash FROM case_event e WHERE e.case_id = enforcement_case.id "
        f"ORDER BY e.seq DESC LIMIT 1), '{GENESIS}')"
    )
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))

    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("anchored_on", sa.Date(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("heads_count", sa.Integer(), nullable=False),
        sa.Column("heads_digest", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchor")),
    )
    op.create_table(
        "audit_anchor_head",
        sa.Column("anchor_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["anchor_id"], ["audit_anchor.id"],
                                name=op.f("fk_audit_anchor_head_anchor_id_audit_anchor")),
        sa.PrimaryKeyConstraint("anchor_id", "case_id", name=op.f("pk_audit_anchor_head")),
    )
    with op.batch_alter_table("audit_anchor_head", schema=None) as batch_op:
        batch_op.create_index("ix_audit_anchor_head_case", ["case_id", "anchor_id"], unique=False)

    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_idempotency_key_user_id_user_account"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_key")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotency_key_user_id_key")),
    )
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.create_index("ix_idempotency_key_created_at", ["created_at"], unique=False)

    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reauth_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=False, server_default="default"))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    token = sa.table("api_token", sa.column("expires_at", sa.DateTime(timezone=True)))
    op.execute(token.update().values(expires_at=datetime.now(UTC) + timedelta(days=90)))
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("name")
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_column("reauth_at")
        batch_op.drop_column("last_seen_at")
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotency_key_created_at")
    op.drop_table("idempotency_key")
    with op.batch_alter_table("audit_anchor_head", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_anchor_head_case")
    op.drop_table("audit_anchor_head")
    op.drop_table("audit_anchor")
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_column("mac")
    with op.batch_alter_table("enforcement_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_enforcement_case_submission_key", ["submission_key"])
        batch_op.drop_column("chain_mac")
        batch_op.drop_column("chain_hash")
        batch_op.drop_column("chain_seq")
