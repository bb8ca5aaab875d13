"""customers: VIP notices and reviews, and the after-sales agents' presence (seeds 003, 004)

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CUSTOMER_COLUMNS = ("volume_month", "vip_notice_ref", "vip_notified_by")


def upgrade() -> None:
    # Existing customers have no notice on file and no reviewed month yet: NULL, as the code expects.
    with op.batch_alter_table("customers") as batch:
        # "under_reevaluation" is longer than the 16 characters "regular" and "vip" needed
        batch.alter_column("standing", existing_type=sa.String(length=16), type_=sa.String(length=32),
                           existing_nullable=False)
        batch.add_column(sa.Column("volume_month", sa.String(length=7), nullable=True))
        batch.add_column(sa.Column("vip_notice_ref", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("vip_notified_by", sa.String(length=64), nullable=True))
    op.create_table(
        "agents",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("absent", sa.Boolean(), nullable=False),
        sa.Column("since", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("until", hub.core.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("marked_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_agents")),
    )


def downgrade() -> None:
    op.drop_table("agents")
    with op.batch_alter_table("customers") as batch:
        for column in reversed(CUSTOMER_COLUMNS):
            batch.drop_column(column)
        batch.alter_column("standing", existing_type=sa.String(length=32), type_=sa.String(length=16),
                           existing_nullable=False)
