"""live pipeline status: indexes on pipeline_runs (source, pipeline, branch, started_at) and commits (sha)

Revision ID: 0003_live_pipeline_indexes
Revises: 0002_metrics_cache
"""

from __future__ import annotations

from alembic import op

revision = "0003_live_pipeline_indexes"
down_revision = "0002_metrics_cache"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One branch's runs newest first: broken-since and ETA look-ups read a range, not the table.
    op.create_index(
        "ix_pipeline_runs_branch_started",
        "pipeline_runs",
        ["source", "pipeline", "branch", "started_at"],
        unique=False,
    )
    # Authors of the commits a failing pipeline ran, by sha (a whole-table scan per lookup without it).
    op.create_index("ix_commits_sha", "commits", ["sha"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_commits_sha", table_name="commits")
    op.drop_index("ix_pipeline_runs_branch_started", table_name="pipeline_runs")
