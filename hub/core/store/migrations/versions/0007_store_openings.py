"""store openings: the new-store setup process of seed 000 (新开店备发货流程), one row per store

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXED = ("customer_code", "order_ref", "state")


def upgrade() -> None:
    op.create_table(
        "store_openings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("customer_code", sa.String(length=64), nullable=False),
        sa.Column("order_ref", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_openings")),
        sa.UniqueConstraint("ref", name=op.f("uq_store_openings_ref")),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_store_openings_{column}"), "store_openings", [column])


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(op.f(f"ix_store_openings_{column}"), "store_openings")
    op.drop_table("store_openings")
