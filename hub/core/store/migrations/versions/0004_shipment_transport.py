"""shipment transport: the plate, escort and pickup company the manuals record on a shipment

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (("plate", 32), ("escort", 200), ("pickup_company", 200))


def upgrade() -> None:
    with op.batch_alter_table("shipments") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shipments") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
