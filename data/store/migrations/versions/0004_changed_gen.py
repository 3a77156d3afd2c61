"""changed_gen: the write generation of each row, for incremental metrics refresh

Revision ID: 0004_changed_gen
Revises: 0003_live_pipeline_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_changed_gen"
down_revision = "0003_live_pipeline_indexes"
branch_labels = None
depends_on = None

# Frozen list (data.store.schema.CHANGE_TRACKED as of this revision).
TABLES = (
    "work_items",
    "status_changes",
    "changes",
    "commits",
    "pipeline_runs",
    "job_runs",
    "deployments",
    "deployment_commits",
    "incidents",
)


def upgrade() -> None:
    # Existing rows get 0: older than any cached bundle of the new engine version, which rebuilds
    # from scratch once anyway. A constant default is a metadata-only change on SQLite and PostgreSQL.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("changed_gen", sa.BigInteger(), nullable=False, server_default="0"))
        op.create_index(f"ix_{table}_changed_gen", table, ["changed_gen"], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_changed_gen", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("changed_gen")
