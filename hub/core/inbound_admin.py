"""Stored webhooks for ops: list and show them, retry a failed or discarded one, discard one.

A retry only puts the event back to ``pending``: the inbox applies it on its next round,
by the same code path as a fresh webhook. Every change records who made it (``inbound_actions``)
in the transaction that makes it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.core import audit
from hub.core.errors import IllegalTransition, NotFound
from hub.core.store.db import begin
from hub.core.store.types import MAX_ID
from hub.core.store.tables import inbound_actions, inbound_events

ENTITY = "inbound event"
STATES = ("pending", "processed", "failed", "discarded")
RETRYABLE = ("failed", "discarded")
DISCARDABLE = ("pending", "failed")
_SUMMARY = (inbound_events.c.id, inbound_events.c.source, inbound_events.c.dedupe_key, inbound_events.c.state,
            inbound_events.c.attempts, inbound_events.c.error, inbound_events.c.received_at,
            inbound_events.c.processed_at, inbound_events.c.ordering_key)


def _in_state(state: str) -> sa.ColumnElement[bool]:
    """The state inline, not bound: a generic PostgreSQL plan cannot match a partial index to $1."""
    return inbound_events.c.state == sa.literal(state, literal_execute=True)


def readable_body(raw: bytes) -> dict[str, Any]:
    """The body as JSON when it parses, else as text with undecodable bytes replaced (a form, XML)."""
    try:
        return {"body": orjson.loads(raw), "body_format": "json"}
    except orjson.JSONDecodeError:
        return {"body": raw.decode("utf-8", "replace"), "body_format": "text"}


async def list_events(engine: AsyncEngine, *, state: str | None = None, source: str | None = None,
                      limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Newest first (by id), without headers or body: the partial index on failed ids serves
    ``state=failed``, so the page costs the same however much history is kept."""
    query = sa.select(*_SUMMARY).order_by(inbound_events.c.id.desc()).limit(limit).offset(offset)
    if state:
        query = query.where(_in_state(state))
    if source:
        query = query.where(inbound_events.c.source == source)
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(query)).mappings()]


async def _actions(conn: AsyncConnection, inbound_id: int) -> list[dict[str, Any]]:
    query = (sa.select(inbound_actions.c.action, inbound_actions.c.actor, inbound_actions.c.at)
             .where(inbound_actions.c.inbound_id == inbound_id).order_by(inbound_actions.c.id))
    return [dict(r) for r in (await conn.execute(query)).mappings()]


def _known_id(inbound_id: int) -> int:
    if not 0 < inbound_id <= MAX_ID:
        raise NotFound(f"{ENTITY} {inbound_id} not found")
    return inbound_id


async def get_event(engine: AsyncEngine, inbound_id: int) -> dict[str, Any]:
    """One event with its headers (credentials already redacted at ingest), body and actions."""
    query = sa.select(*_SUMMARY, inbound_events.c.headers, inbound_events.c.body).where(
        inbound_events.c.id == _known_id(inbound_id))
    async with engine.connect() as conn:
        row = (await conn.execute(query)).mappings().first()
        if row is None:
            raise NotFound(f"{ENTITY} {inbound_id} not found")
        actions = await _actions(conn, inbound_id)
    view = {k: v for k, v in row.items() if k != "body"}
    return {**view, **readable_body(bytes(row["body"])), "actions": actions}


async def _change(engine: AsyncEngine, inbound_id: int, action: str, allowed: tuple[str, ...], target: str,
                  actor: str, now: datetime) -> dict[str, Any]:
    async with begin(engine) as conn:
        # FOR UPDATE (PostgreSQL): the inbox or another admin must not move it between check and write.
        state = (await conn.execute(sa.select(inbound_events.c.state).where(
            inbound_events.c.id == _known_id(inbound_id)).with_for_update())).scalar()
        if state is None:
            raise NotFound(f"{ENTITY} {inbound_id} not found")
        if state not in allowed:
            raise IllegalTransition(ENTITY, str(inbound_id), state, action)
        await conn.execute(inbound_events.update().where(inbound_events.c.id == inbound_id,
                                                         inbound_events.c.state == state).values(state=target))
        await conn.execute(inbound_actions.insert().values(inbound_id=inbound_id, action=action,
                                                           actor=actor, at=now))
        await audit.record(conn, now, f"inbound.{action}", ENTITY, str(inbound_id), previous=state)
    return await get_event(engine, inbound_id)


async def retry(engine: AsyncEngine, inbound_id: int, actor: str, now: datetime) -> dict[str, Any]:
    """Back to pending. Attempts keep counting and the error stays until the event is applied
    again, so the history stays honest."""
    return await _change(engine, inbound_id, "retry", RETRYABLE, "pending", actor, now)


async def discard(engine: AsyncEngine, inbound_id: int, actor: str, now: datetime) -> dict[str, Any]:
    """Never applied: the inbox only takes pending events. Kept for the record (and a later retry)."""
    return await _change(engine, inbound_id, "discard", DISCARDABLE, "discarded", actor, now)


async def retry_failed(engine: AsyncEngine, actor: str, now: datetime, source: str | None = None) -> int:
    """Every failed event (of one source) back to pending: one UPDATE, one batch of audit rows.

    Typically after the cause is fixed (the missing customer created, a plugin upgraded)."""
    query = (inbound_events.update().where(_in_state("failed"))
             .values(state="pending").returning(inbound_events.c.id))
    if source:
        query = query.where(inbound_events.c.source == source)
    async with begin(engine) as conn:
        ids = (await conn.execute(query)).scalars().all()
        if ids:
            await conn.execute(inbound_actions.insert(), [
                {"inbound_id": i, "action": "retry", "actor": actor, "at": now} for i in ids])
            await audit.record(conn, now, "inbound.retry_failed", ENTITY, None, source=source, count=len(ids))
    return len(ids)
