"""pipeline: inbound ordering keys and actions, plugin circuits, due-order and retention indexes

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

import hub.core.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PENDING = sa.text("state = 'pending'")
FAILED = sa.text("state = 'failed'")
PROCESSED = sa.text("state = 'processed'")
FINISHED = sa.text("state IN ('done', 'discarded')")
WAITING = sa.text("state IN ('pending', 'failed')")
RUNNING = sa.text("state = 'running'")
UTC = hub.core.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("inbound_events") as batch:
        batch.add_column(sa.Column("ordering_key", sa.String(length=128), nullable=True))
    op.create_index("ix_inbound_events_pending_key", "inbound_events", ["ordering_key", "id"],
                    postgresql_where=PENDING, sqlite_where=PENDING)
    op.create_index("ix_inbound_events_failed", "inbound_events", ["id"], postgresql_where=FAILED,
                    sqlite_where=FAILED)
    op.create_index("ix_inbound_events_processed", "inbound_events", ["received_at"],
                    postgresql_where=PROCESSED, sqlite_where=PROCESSED)
    op.create_index("ix_deliveries_finished", "deliveries", ["updated_at"], postgresql_where=FINISHED,
                    sqlite_where=FINISHED)
    op.create_index("ix_deliveries_due", "deliveries", ["next_attempt_at", "id"], postgresql_where=WAITING,
                    sqlite_where=WAITING)
    op.create_index("ix_deliveries_running", "deliveries", ["lease_until"], postgresql_where=RUNNING,
                    sqlite_where=RUNNING)
    op.create_table(
        "inbound_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_actions")),
    )
    op.create_index(op.f("ix_inbound_actions_inbound_id"), "inbound_actions", ["inbound_id"])
    op.create_table(
        "circuits",
        sa.Column("plugin", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("opened_at", UTC, nullable=True),
        sa.Column("retry_at", UTC, nullable=True),
        sa.Column("cooldown_s", sa.Float(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("plugin", name=op.f("pk_circuits")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # The queue tables swing from empty to a burst in seconds: analyse after every few
        # thousand changed rows, not after a fraction of a history of millions (claim plans).
        for table in ("deliveries", "inbound_events"):
            op.execute(f"ALTER TABLE {table} SET (autovacuum_analyze_scale_factor = 0, "
                       "autovacuum_analyze_threshold = 5000, autovacuum_vacuum_scale_factor = 0.05)")


def downgrade() -> None:
    op.drop_table("circuits")
    op.drop_index(op.f("ix_inbound_actions_inbound_id"), table_name="inbound_actions")
    op.drop_table("inbound_actions")
    op.drop_index("ix_deliveries_running", table_name="deliveries")
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.drop_index("ix_deliveries_finished", table_name="deliveries")
    op.drop_index("ix_inbound_events_processed", table_name="inbound_events")
    op.drop_index("ix_inbound_events_failed", table_name="inbound_events")
    op.drop_index("ix_inbound_events_pending_key", table_name="inbound_events")
    with op.batch_alter_table("inbound_events") as batch:
        batch.drop_column("ordering_key")
