"""complaints: shortage or damage reported after delivery (seed 000), and the orders they hold open

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXED = ("order_ref", "state")


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("order_ref", sa.String(length=64), nullable=False),
        sa.Column("shipment_ref", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible_party", sa.String(length=16), nullable=True),
        sa.Column("remedy", sa.String(length=16), nullable=True),
        sa.Column("promised_date", sa.Date(), nullable=True),
        sa.Column("remedy_shipment_ref", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("ref", name=op.f("uq_complaints_ref")),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_complaints_{column}"), "complaints", [column])
    # Existing orders have no complaint: 0 for every row, then the column is the orders' like open_claims.
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("open_complaints", sa.Integer(), nullable=False, server_default=sa.text("0")))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("open_complaints")
    for column in INDEXED:
        op.drop_index(op.f(f"ix_complaints_{column}"), "complaints")
    op.drop_table("complaints")
