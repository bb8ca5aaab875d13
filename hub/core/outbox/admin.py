"""Handoffs for ops: list, retry a failed or dead one, discard one; each change records who did it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core import audit
from hub.core.errors import IllegalTransition, NotFound
from hub.core.store.db import begin
from hub.core.store.types import MAX_ID
from hub.core.store.tables import deliveries, delivery_actions, outbox_events

STATES = ("pending", "running", "failed", "dead", "done", "discarded")
RETRYABLE = ("failed", "dead", "discarded")
DISCARDABLE = ("pending", "failed", "dead")


def _view(row: Any) -> dict[str, Any]:
    return {"id": row.id, "event_id": row.event_id, "plugin": row.plugin, "hook": row.hook, "state": row.state,
            "attempts": row.attempts, "next_attempt_at": row.next_attempt_at, "last_error": row.last_error,
            "error_class": row.error_class, "entity": row.entity, "ref": row.ref, "order_ref": row.order_ref,
            "created_at": row.created_at, "updated_at": row.updated_at}


def _select() -> sa.Select:
    return (sa.select(deliveries, outbox_events.c.entity, outbox_events.c.ref, outbox_events.c.order_ref)
            .join(outbox_events, outbox_events.c.id == deliveries.c.event_id))


async def list_handoffs(engine: AsyncEngine, *, state: str | None = None, plugin: str | None = None,
                        order_ref: str | None = None, hook: str | None = None, created_before: datetime | None = None,
                        limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Oldest first; ``created_before`` keeps those older than an age (waiting an hour, a day)."""
    query = _select().order_by(deliveries.c.id).limit(limit).offset(offset)
    if state:
        query = query.where(deliveries.c.state == state)
    if plugin:
        query = query.where(deliveries.c.plugin == plugin)
    if hook:
        query = query.where(deliveries.c.hook == hook)
    if created_before is not None:
        query = query.where(deliveries.c.created_at < created_before)
    if order_ref:
        query = query.where(outbox_events.c.order_ref == order_ref)
    async with engine.connect() as conn:
        return [_view(r) for r in await conn.execute(query)]


def _known_id(delivery_id: int) -> int:
    """The id, when the column can hold it: past it no handoff exists (PostgreSQL would refuse the query)."""
    if not 0 < delivery_id <= MAX_ID:
        raise NotFound(f"handoff {delivery_id} not found")
    return delivery_id


async def get_handoff(engine: AsyncEngine, delivery_id: int) -> dict[str, Any]:
    async with engine.connect() as conn:
        row = (await conn.execute(_select().where(deliveries.c.id == _known_id(delivery_id)))).first()
    if row is None:
        raise NotFound(f"handoff {delivery_id} not found")
    return _view(row)


async def _change(engine: AsyncEngine, delivery_id: int, action: str, allowed: tuple[str, ...],
                  values: dict[str, Any], actor: str, now: datetime) -> dict[str, Any]:
    async with begin(engine) as conn:
        state = (await conn.execute(sa.select(deliveries.c.state)
                                    .where(deliveries.c.id == _known_id(delivery_id)))).scalar()
        if state is None:
            raise NotFound(f"handoff {delivery_id} not found")
        if state not in allowed:
            raise IllegalTransition("handoff", str(delivery_id), state, action)
        await conn.execute(deliveries.update().where(deliveries.c.id == delivery_id, deliveries.c.state == state)
                           .values(**values, updated_at=now))
        await conn.execute(delivery_actions.insert().values(delivery_id=delivery_id, action=action,
                                                            actor=actor, at=now))
        await audit.record(conn, now, f"handoff.{action}", "handoff", str(delivery_id), previous=state)
    return await get_handoff(engine, delivery_id)


async def retry(engine: AsyncEngine, delivery_id: int, actor: str, now: datetime) -> dict[str, Any]:
    """Due at once again; the attempt count keeps growing so the history stays honest."""
    return await _change(engine, delivery_id, "retry", RETRYABLE,
                         {"state": "pending", "next_attempt_at": now}, actor, now)


async def discard(engine: AsyncEngine, delivery_id: int, actor: str, now: datetime) -> dict[str, Any]:
    return await _change(engine, delivery_id, "discard", DISCARDABLE, {"state": "discarded"}, actor, now)


async def retry_many(engine: AsyncEngine, actor: str, now: datetime, *, plugin: str | None = None,
                     hook: str | None = None, state: str = "dead", since: datetime | None = None,
                     until: datetime | None = None) -> int:
    """Every handoff of ``plugin`` / ``hook`` in ``state`` (dead by default) last changed in
    [since, until) back to pending now, each with its action recorded; one audit row for the batch."""
    if state not in RETRYABLE:
        raise IllegalTransition("handoff", "*", state, "retry")
    return await _change_many(engine, "retry", {"state": "pending", "next_attempt_at": now}, actor, now,
                              plugin=plugin, hook=hook, state=state, since=since, until=until)


async def discard_many(engine: AsyncEngine, actor: str, now: datetime, *, plugin: str | None = None,
                       hook: str | None = None, state: str = "dead", since: datetime | None = None,
                       until: datetime | None = None) -> int:
    """The same selection, discarded: never delivered unless retried later."""
    if state not in DISCARDABLE:
        raise IllegalTransition("handoff", "*", state, "discard")
    return await _change_many(engine, "discard", {"state": "discarded"}, actor, now, plugin=plugin, hook=hook,
                              state=state, since=since, until=until)


async def _change_many(engine: AsyncEngine, action: str, values: dict[str, Any], actor: str, now: datetime, *,
                       plugin: str | None, hook: str | None, state: str, since: datetime | None,
                       until: datetime | None) -> int:
    query = deliveries.update().where(deliveries.c.state == state).values(**values, updated_at=now) \
        .returning(deliveries.c.id)
    for column, value in ((deliveries.c.plugin, plugin), (deliveries.c.hook, hook)):
        if value:
            query = query.where(column == value)
    if since is not None:
        query = query.where(deliveries.c.updated_at >= since)
    if until is not None:
        query = query.where(deliveries.c.updated_at < until)
    async with begin(engine) as conn:
        ids = (await conn.execute(query)).scalars().all()
        if ids:
            await conn.execute(delivery_actions.insert(), [
                {"delivery_id": i, "action": action, "actor": actor, "at": now} for i in ids])
            await audit.record(conn, now, f"handoff.{action}_many", "handoff", None, plugin=plugin, hook=hook,
                               state=state, count=len(ids))
    return len(ids)


async def payload_of(engine: AsyncEngine, event_id: str) -> dict[str, Any]:
    async with engine.connect() as conn:
        return (await conn.execute(sa.select(outbox_events.c.payload).where(outbox_events.c.id == event_id))
                ).scalar() or {}
