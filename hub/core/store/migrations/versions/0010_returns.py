"""returns: the unit a repair is for and its fault, so the hub counts repairs per unit (seed 003)

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("returns") as batch:
        batch.add_column(sa.Column("unit_serial", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("fault", sa.String(length=200), nullable=True))
        batch.create_index(batch.f("ix_returns_unit_serial"), ["unit_serial"])


def downgrade() -> None:
    with op.batch_alter_table("returns") as batch:
        batch.drop_index(batch.f("ix_returns_unit_serial"))
        batch.drop_column("fault")
        batch.drop_column("unit_serial")
