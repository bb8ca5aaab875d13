"""The hub's handoff tables: the outbox (events and per-plugin deliveries, what was done to them),
the ledger of what deliveries remembered, plugins' shared state and circuits, and the inbox of
stored webhooks with what was done to them.

Declared on the one ``metadata`` of ``tables`` (which imports this module last), apart only to
keep each schema module to one concern.
"""
from __future__ import annotations

import sqlalchemy as sa

from hub.core.store.tables import metadata
from hub.core.store.types import UTCDateTime

# The deliveries' partial indexes: what the dispatcher claims, what retention prunes.
_UNFINISHED = sa.text("state IN ('pending', 'failed', 'running')")
_FINISHED = sa.text("state IN ('done', 'discarded')")
_WAITING = sa.text("state IN ('pending', 'failed')")
_RUNNING = sa.text("state = 'running'")

outbox_events = sa.Table(
    "outbox_events", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("hook", sa.String(64), nullable=False),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("ref", sa.String(64), nullable=False),
    sa.Column("order_ref", sa.String(64), index=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_outbox_events_entity_ref", "entity", "ref"),
)

deliveries = sa.Table(
    "deliveries", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.String(36), nullable=False, index=True),
    sa.Column("plugin", sa.String(100), nullable=False),
    sa.Column("hook", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("lease_owner", sa.String(64)),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("ordering_key", sa.String(80), nullable=False),
    sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
    sa.Column("last_error", sa.Text),
    sa.Column("error_class", sa.String(100)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # Partial indexes over unfinished work only: the claim and its ordering check cost the same
    # with ten million delivered rows as with none.
    sa.Index("ix_deliveries_unfinished", "id", postgresql_where=_UNFINISHED, sqlite_where=_UNFINISHED),
    sa.Index("ix_deliveries_unfinished_key", "plugin", "ordering_key", "id",
             postgresql_where=_UNFINISHED, sqlite_where=_UNFINISHED),
    sa.Index("ix_deliveries_state", "state"),
    sa.Index("ix_deliveries_finished", "updated_at", postgresql_where=_FINISHED, sqlite_where=_FINISHED),
    # The claim walks due work in due order; the reaper finds expired leases among the running.
    sa.Index("ix_deliveries_due", "next_attempt_at", "id", postgresql_where=_WAITING, sqlite_where=_WAITING),
    sa.Index("ix_deliveries_running", "lease_until", postgresql_where=_RUNNING, sqlite_where=_RUNNING),
)

delivery_actions = sa.Table(
    "delivery_actions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("delivery_id", sa.Integer, nullable=False, index=True),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

ledger = sa.Table(
    "ledger", metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("plugin", sa.String(100), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

# Plugins' own small state, shared by every hub process (hub.core.plugin_state, ``ctx.state``): a
# JSON value changed by compare-and-set on ``version``, and a counter of uses in ``period``.
plugin_state = sa.Table(
    "plugin_state", metadata,
    sa.Column("plugin", sa.String(100), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("value", sa.JSON),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("period", sa.String(32)),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

inbound_events = sa.Table(
    "inbound_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("dedupe_key", sa.String(128), nullable=False),
    sa.Column("headers", sa.JSON, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # pending | processed | failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("error", sa.Text),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("processed_at", UTCDateTime),
    # Events with one key are applied one after another, in arrival order (the order ref of a
    # shop message, the tracking number of a carrier push); NULL: no order to keep.
    sa.Column("ordering_key", sa.String(128)),
    sa.UniqueConstraint("source", "dedupe_key"),
    sa.Index("ix_inbound_events_pending", "id", postgresql_where=sa.text("state = 'pending'"),
             sqlite_where=sa.text("state = 'pending'")),
    sa.Index("ix_inbound_events_pending_key", "ordering_key", "id",
             postgresql_where=sa.text("state = 'pending'"), sqlite_where=sa.text("state = 'pending'")),
    sa.Index("ix_inbound_events_failed", "id", postgresql_where=sa.text("state = 'failed'"),
             sqlite_where=sa.text("state = 'failed'")),
    # Retention deletes processed events oldest first, in small batches.
    sa.Index("ix_inbound_events_processed", "received_at", postgresql_where=sa.text("state = 'processed'"),
             sqlite_where=sa.text("state = 'processed'")),
)

inbound_actions = sa.Table(
    "inbound_actions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("inbound_id", sa.Integer, nullable=False, index=True),
    sa.Column("action", sa.String(16), nullable=False),  # retry | discard
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

# One row per plugin whose circuit has ever opened: shared by every worker process.
circuits = sa.Table(
    "circuits", metadata,
    sa.Column("plugin", sa.String(100), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),  # closed | open | half_open
    sa.Column("failures", sa.Integer, nullable=False),  # consecutive failed attempts
    sa.Column("reason", sa.Text),
    sa.Column("opened_at", UTCDateTime),
    sa.Column("retry_at", UTCDateTime),  # when the next probe may run
    sa.Column("cooldown_s", sa.Float, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
