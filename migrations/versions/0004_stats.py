"""Schema for statistics (issue 6); empty until that issue needs a change.

Revision ID: 0004_stats
Revises: 0003_worklist
"""

revision = "0004_stats"
down_revision = "0003_worklist"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
