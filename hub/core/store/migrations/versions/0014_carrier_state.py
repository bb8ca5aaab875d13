"""plugin state: carrier plugins' shared state (Kuaidi100 abort follow-up, DHL call budget)

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plugin_state",
        sa.Column("plugin", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("updated_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("plugin", "key", name=op.f("pk_plugin_state")),
    )


def downgrade() -> None:
    op.drop_table("plugin_state")
