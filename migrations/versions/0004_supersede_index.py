"""supersede index on (supersede_key, state, head_sha)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

The supersede UPDATE on enqueue (bot/queue.py) looks up the queued jobs of one pull request whose
head SHA is below or above the new one: two range scans of this index, which touch only the jobs it
changes. It replaces (supersede_key, state), a prefix of it, with which the UPDATE walked every
queued job of the pull request to compare SHAs.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_jobs_supersede_head", "jobs", ["supersede_key", "state", "head_sha"])
    op.drop_index("ix_jobs_supersede", table_name="jobs")


def downgrade() -> None:
    op.create_index("ix_jobs_supersede", "jobs", ["supersede_key", "state"])
    op.drop_index("ix_jobs_supersede_head", table_name="jobs")
