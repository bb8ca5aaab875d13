"""reports: the weekly and monthly reports of seed 000, one row per kind and period

The unique (kind, period_start) is the claim: of several workers that reach a period's report at
the same moment, exactly one insert succeeds, and only that one queues hub_report_ready.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("generated_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("kind", "period_start", name=op.f("uq_reports_kind_period_start")),
    )


def downgrade() -> None:
    op.drop_table("reports")
