"""carrier times: when the carrier says a shipment was delivered, and when the order's last one was

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shipments") as batch:
        batch.add_column(sa.Column("delivered_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("delivered_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("delivered_at")
    with op.batch_alter_table("shipments") as batch:
        batch.drop_column("delivered_at")
