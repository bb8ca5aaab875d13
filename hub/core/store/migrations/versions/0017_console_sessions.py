"""console sessions: the ops console's sign-ins (cookie id hashed, CSRF token, expiry)

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=48), nullable=False),
        sa.Column("bootstrap", sa.Boolean(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", hub.core.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_console_sessions")),
    )


def downgrade() -> None:
    op.drop_table("console_sessions")
