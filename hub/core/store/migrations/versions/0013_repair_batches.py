"""repair batches: repairs sent to the factory each week, with scrap and cost split (seed 003)

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "repair_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("factory", sa.String(length=100), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("extra_batch_reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("carrier", sa.String(length=32), nullable=True),
        sa.Column("tracking_number", sa.String(length=64), nullable=True),
        sa.Column("sent_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("supplier_cost", hub.core.store.types.Money(), nullable=True),
        sa.Column("store_cost", hub.core.store.types.Money(), nullable=True),
        sa.Column("head_office_cost", hub.core.store.types.Money(), nullable=True),
        sa.Column("created_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_batches")),
        sa.UniqueConstraint("ref", name=op.f("uq_repair_batches_ref")),
    )
    op.create_index(op.f("ix_repair_batches_state"), "repair_batches", ["state"])
    op.create_index("ix_repair_batches_factory_week", "repair_batches", ["factory", "week"])


def downgrade() -> None:
    op.drop_index("ix_repair_batches_factory_week", "repair_batches")
    op.drop_index(op.f("ix_repair_batches_state"), "repair_batches")
    op.drop_table("repair_batches")
