"""Bounded history: delete the pipeline's bookkeeping once nothing can need it again.

Ages count back from ``now``:

- ``processed`` inbound_events after ``max(inbound_days, 7)`` days, with their inbound_actions: the
  7-day (source, dedupe_key) window that refuses a redelivery is never shortened. Pending, failed and
  discarded events stay at any age: ops still look at them, decided on them, may retry them.
- ``done`` and ``discarded`` deliveries last changed over ``deliveries_days`` ago, with their
  delivery_actions, then their outbox_events once no delivery is left. An event with a pending,
  running, failed or dead delivery stays whole, with all its deliveries, for ops to see.
- ledger keys older than ``max(deliveries_days, retry_horizon_hours)``, but never a plugin's keys since
  the creation of its oldest delivery that may run again (any state but done: ops may retry a dead or
  discarded one at any time, and it must still see what it already sent).
- api_idempotency keys after 7 days: they only answer a client's replay of a lost answer, which comes
  within hours (senders give up after 3 days); a later replay meets the unique reference anyway.
- plugin_state rows not changed for ``plugin_state_days``: yesterday's call counters, the follow-up
  of a number long given up. A plugin that needs one again starts it afresh.

Timeline, entities, tracking events, cases and timers are never touched.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.core.config import RetentionSettings
from hub.core.store.db import begin
from hub.core.store.tables import (api_idempotency, deliveries, delivery_actions, inbound_actions,
                                   inbound_events, ledger, outbox_events, plugin_state)
from hub.core.store.types import UTCDateTime

INBOUND_DEDUPE_DAYS = IDEMPOTENCY_DAYS = 7.0
CHUNK = 500  # ids per IN list, far below SQLite's bound-parameter limit
RERUNNABLE = ("pending", "running", "failed", "dead", "discarded")
Cond = sa.ColumnElement[bool]
Batch = Callable[[AsyncConnection, int], Awaitable[dict[str, int]]]
# Without ANALYZE statistics SQLite answers this from ix_deliveries_state: every done row, then a
# sort, a cost growing with the history. INDEXED BY pins the partial index, oldest first.
_OLDEST_HANDOFFS = """SELECT d.id FROM deliveries AS d {}
WHERE d.state IN ('done', 'discarded') AND d.updated_at < :cutoff
  AND NOT EXISTS (SELECT 1 FROM deliveries AS s WHERE s.event_id = d.event_id AND s.state NOT IN ('done', 'discarded'))
ORDER BY d.updated_at LIMIT :n"""
OLDEST_HANDOFFS = {name: sa.text(_OLDEST_HANDOFFS.format(hint)).bindparams(sa.bindparam("cutoff", type_=UTCDateTime))
                   for name, hint in (("sqlite", "INDEXED BY ix_deliveries_finished"), ("postgresql", ""))}


def _finished(table: sa.Table | sa.Alias) -> Cond:
    # Literal states, not bound parameters: a partial index serves only a query that repeats its WHERE.
    return table.c.state.in_([sa.literal_column("'done'"), sa.literal_column("'discarded'")])


async def prune(engine: AsyncEngine, settings: RetentionSettings, now: datetime, *, retry_horizon_hours: float,
                max_batches: int | None = None, dry_run: bool = False) -> dict[str, int]:
    """Rows deleted per table (for ``dry_run``: due for deletion now, whatever ``max_batches``)."""
    inbound = sa.and_(inbound_events.c.state == sa.literal_column("'processed'"), inbound_events.c.received_at
                      < now - timedelta(days=max(settings.inbound_days, INBOUND_DEDUPE_DAYS)))
    before = now - timedelta(days=settings.deliveries_days)
    requests = api_idempotency.c.created_at < now - timedelta(days=IDEMPOTENCY_DAYS)
    stale = plugin_state.c.updated_at < now - timedelta(days=settings.plugin_state_days)
    async with engine.connect() as conn:
        keys = _old_keys(min(before, now - timedelta(hours=retry_horizon_hours)), await _floors(conn))
        if dry_run:
            return await _count(conn, inbound, before, keys, requests, stale)
    totals: dict[str, int] = {}
    for lead, batch in (("inbound_events", lambda c, n: _inbound_batch(c, inbound, n)),
                        ("deliveries", lambda c, n: _deliveries_batch(c, before, n)),
                        ("ledger", lambda c, n: _plain_batch(c, ledger.c.key, keys, n)),
                        ("api_idempotency", lambda c, n: _plain_batch(c, api_idempotency.c.key, requests, n)),
                        ("plugin_state", lambda c, n: _plain_batch(c, plugin_state.c.key, stale, n))):
        done = 0
        while True:
            # One short transaction per batch: between two, the SQLite write lock goes back to the webhooks.
            async with begin(engine) as conn:
                counts = await batch(conn, settings.batch_size)
            totals.update({table: totals.get(table, 0) + n for table, n in counts.items()})
            done += 1
            if counts[lead] < settings.batch_size or done == max_batches:
                break
    return totals


async def _floors(conn: AsyncConnection) -> dict[str, datetime]:
    """Per plugin, the creation of its oldest delivery that may run again (ix_deliveries_state)."""
    rows = await conn.execute(sa.select(deliveries.c.plugin, sa.func.min(deliveries.c.created_at))
                              .where(deliveries.c.state.in_(RERUNNABLE)).group_by(deliveries.c.plugin))
    return {plugin: floor for plugin, floor in rows}


def _old_keys(cutoff: datetime, floors: dict[str, datetime]) -> Cond:
    kept = [sa.and_(ledger.c.plugin == plugin, ledger.c.at >= floor) for plugin, floor in floors.items()]
    return sa.and_(ledger.c.at < cutoff, *(sa.not_(k) for k in kept))


async def _inbound_batch(conn: AsyncConnection, old: Cond, n: int) -> dict[str, int]:
    # Processed is final: no re-check outside the subquery (PostgreSQL would hash-join every processed row).
    oldest = sa.select(inbound_events.c.id).where(old).order_by(inbound_events.c.received_at).limit(n)
    gone = (await conn.execute(inbound_events.delete().where(inbound_events.c.id.in_(oldest))
                               .returning(inbound_events.c.id))).scalars().all()
    return {"inbound_events": len(gone), "inbound_actions": await _delete_in(conn, inbound_actions.c.inbound_id, gone)}


async def _deliveries_batch(conn: AsyncConnection, cutoff: datetime, n: int) -> dict[str, int]:
    oldest = OLDEST_HANDOFFS[conn.dialect.name].bindparams(cutoff=cutoff, n=n).columns(sa.column("id"))
    # The state re-checked outside the subquery, where PostgreSQL re-reads a row that ops retried meanwhile.
    gone = (await conn.execute(deliveries.delete().where(deliveries.c.id.in_(oldest), _finished(deliveries))
                               .returning(deliveries.c.id, deliveries.c.event_id))).all()
    actions = await _delete_in(conn, delivery_actions.c.delivery_id, [row.id for row in gone])
    # Only the events of the deliveries just deleted can have become empty: no scan of the outbox.
    empty = sa.and_(outbox_events.c.created_at < cutoff,
                    ~sa.exists().where(deliveries.c.event_id == outbox_events.c.id))
    events = await _delete_in(conn, outbox_events.c.id, sorted({row.event_id for row in gone}), empty)
    return {"deliveries": len(gone), "delivery_actions": actions, "outbox_events": events}


async def _plain_batch(conn: AsyncConnection, key: sa.Column[Any], old: Cond, n: int) -> dict[str, int]:
    # No ORDER BY: the timestamp has no index, and a bare LIMIT lets the scan stop after n rows, which,
    # stored in arrival order, are mostly the oldest ones. Keys never change: nothing to re-check.
    # ``old`` again outside: a key column that is part of a wider primary key (plugin_state's) is not unique.
    result = await conn.execute(key.table.delete().where(key.in_(sa.select(key).where(old).limit(n)), old))
    return {key.table.name: result.rowcount}


async def _delete_in(conn: AsyncConnection, column: sa.Column[Any], ids: Sequence[Any], *where: Cond) -> int:
    deleted = 0
    for start in range(0, len(ids), CHUNK):
        result = await conn.execute(column.table.delete().where(column.in_(ids[start:start + CHUNK]), *where))
        deleted += result.rowcount
    return deleted


async def _count(conn: AsyncConnection, inbound: Cond, cutoff: datetime, keys: Cond, requests: Cond,
                 stale: Cond) -> dict[str, int]:
    sibling = deliveries.alias("sibling")
    handoffs = sa.and_(_finished(deliveries), deliveries.c.updated_at < cutoff, ~sa.exists().where(
        sibling.c.event_id == deliveries.c.event_id, ~_finished(sibling)))
    of_event = deliveries.c.event_id == outbox_events.c.id
    queries = {
        "inbound_events": sa.select(inbound_events.c.id).where(inbound),
        "inbound_actions": sa.select(inbound_actions.c.id).where(
            inbound_actions.c.inbound_id.in_(sa.select(inbound_events.c.id).where(inbound))),
        "deliveries": sa.select(deliveries.c.id).where(handoffs),
        "delivery_actions": sa.select(delivery_actions.c.id).where(
            delivery_actions.c.delivery_id.in_(sa.select(deliveries.c.id).where(handoffs))),
        "outbox_events": sa.select(outbox_events.c.id).where(
            outbox_events.c.created_at < cutoff, sa.exists().where(of_event, handoffs),
            ~sa.exists().where(of_event, ~handoffs)),
        "ledger": sa.select(ledger.c.key).where(keys),
        "api_idempotency": sa.select(api_idempotency.c.key).where(requests),
        "plugin_state": sa.select(plugin_state.c.key).where(stale),
    }
    return {table: (await conn.execute(sa.select(sa.func.count()).select_from(query.subquery()))).scalar_one()
            for table, query in queries.items()}
