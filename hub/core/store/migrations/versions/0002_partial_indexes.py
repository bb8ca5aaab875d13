"""partial indexes over unfinished work; outbox events by entity

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UNFINISHED = sa.text("state IN ('pending', 'failed', 'running')")
PENDING = sa.text("state = 'pending'")
OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.drop_index("ix_deliveries_ordering", table_name="deliveries")
    op.create_index("ix_deliveries_unfinished", "deliveries", ["id"], postgresql_where=UNFINISHED,
                    sqlite_where=UNFINISHED)
    op.create_index("ix_deliveries_unfinished_key", "deliveries", ["plugin", "ordering_key", "id"],
                    postgresql_where=UNFINISHED, sqlite_where=UNFINISHED)
    op.create_index("ix_deliveries_state", "deliveries", ["state"])
    op.drop_index("ix_inbound_events_pending", table_name="inbound_events")
    op.create_index("ix_inbound_events_pending", "inbound_events", ["id"], postgresql_where=PENDING,
                    sqlite_where=PENDING)
    op.drop_index("ix_timers_due", table_name="timers")
    op.create_index("ix_timers_due", "timers", ["due_at"], postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index("ix_outbox_events_entity_ref", "outbox_events", ["entity", "ref"])


def downgrade() -> None:
    op.drop_index("ix_outbox_events_entity_ref", table_name="outbox_events")
    op.drop_index("ix_timers_due", table_name="timers")
    op.create_index("ix_timers_due", "timers", ["state", "due_at"])
    op.drop_index("ix_inbound_events_pending", table_name="inbound_events")
    op.create_index("ix_inbound_events_pending", "inbound_events", ["state", "id"])
    op.drop_index("ix_deliveries_state", table_name="deliveries")
    op.drop_index("ix_deliveries_unfinished_key", table_name="deliveries")
    op.drop_index("ix_deliveries_unfinished", table_name="deliveries")
    op.create_index("ix_deliveries_ordering", "deliveries", ["plugin", "ordering_key", "state"])
    op.create_index("ix_deliveries_due", "deliveries", ["state", "next_attempt_at"])
