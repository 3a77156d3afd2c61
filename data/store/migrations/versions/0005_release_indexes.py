"""release report by query: indexes on deployments, pipeline runs and work-item keys

Revision ID: 0005_release_indexes
Revises: 0004_changed_gen
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_release_indexes"
down_revision = "0004_changed_gen"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The latest production deployment, and the next one after a release (incident linking):
    # a range of finishes, not the whole table.
    op.create_index("ix_deployments_finished", "deployments", ["finished_at"], unique=False)
    # The previous deployment of a repository (by start), for a release without a commit range.
    op.create_index("ix_deployments_repo_started", "deployments", ["repo", "started_at"], unique=False)
    # The changes a release carried when it has no commit range: one repository's merges in a span.
    op.create_index("ix_changes_repo_merged", "changes", ["repo", "merged_at"], unique=False)
    # The run that shipped a deployment: by its URL, else by its sha.
    op.create_index("ix_pipeline_runs_sha", "pipeline_runs", ["sha"], unique=False)
    op.create_index("ix_pipeline_runs_url", "pipeline_runs", ["url"], unique=False)
    # Tickets named by a change, matched case-insensitively (linking upper-cases keys).
    op.create_index("ix_work_items_upper_key", "work_items", [sa.text("upper(key)")], unique=False)


def downgrade() -> None:
    op.drop_index("ix_work_items_upper_key", table_name="work_items")
    op.drop_index("ix_pipeline_runs_url", table_name="pipeline_runs")
    op.drop_index("ix_pipeline_runs_sha", table_name="pipeline_runs")
    op.drop_index("ix_changes_repo_merged", table_name="changes")
    op.drop_index("ix_deployments_repo_started", table_name="deployments")
    op.drop_index("ix_deployments_finished", table_name="deployments")
