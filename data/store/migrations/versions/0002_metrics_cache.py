"""metrics cache: materialised metric arrays per stream (derived data)

Revision ID: 0002_metrics_cache
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_metrics_cache"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Frozen copy of data.store.schema.metrics_cache as of this revision.
    op.create_table(
        "metrics_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("built_at", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_metrics_cache")),
    )


def downgrade() -> None:
    op.drop_table("metrics_cache")
