"""redeliveries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redeliveries",
        sa.Column("guid", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("hook_delivery_id", sa.BigInteger(), nullable=False),
        sa.Column("event", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sqlmodel.AutoString(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guid"),
    )


def downgrade() -> None:
    op.drop_table("redeliveries")
