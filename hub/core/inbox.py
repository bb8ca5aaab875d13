"""Stored webhooks → domain changes, after the sender already has its 2xx (DESIGN rule 2).

Each stored event is processed in the transaction that marks it processed, so a crash
between the two re-runs it, and the domain's own dedupe (tracking identities, order refs)
makes the second run harmless.
"""
from __future__ import annotations

import time
from typing import Any

import orjson
import pluggy
import sqlalchemy as sa
from pydantic import ValidationError

from hub.core.domain import engine as domain
from hub.core.domain import orders
from hub.core.domain.inputs import NewOrder
from hub.core.domain.tracking import record_tracking
from hub.core.errors import HubError, NotFound
from hub.core.logging import get_logger
from hub.core.store.db import begin
from hub.core.store.tables import inbound_events

log = get_logger()
ORDERS_SOURCE = "orders"
MAX_ATTEMPTS = 5


async def process_pending(hub: Any, limit: int = 200, budget_seconds: float = 0.01) -> int:
    """Process stored events in one transaction (a savepoint each) until the batch or the time
    budget ends: one commit for many events, and the write lock is never held for long."""
    async with hub.engine.connect() as conn:
        ids = [r[0] for r in (await conn.execute(
            sa.select(inbound_events.c.id).where(inbound_events.c.state == "pending")
            .order_by(inbound_events.c.id).limit(limit))).all()]
    if not ids:
        return 0
    done = 0
    try:
        async with hub.unit("webhook") as tx:
            started = time.perf_counter()
            for event_id in ids:
                await _process_in(hub.pm, tx, event_id)
                done += 1
                if time.perf_counter() - started > budget_seconds:
                    break
    except Exception as exc:  # the batch failed as a whole (database trouble): one by one, isolated
        log.warning("inbox.batch_failed", events=len(ids), error_class=type(exc).__name__, error=str(exc)[:300])
        for event_id in ids:
            await process_one(hub, event_id)
        return len(ids)
    return done


async def _process_in(pm: pluggy.PluginManager, tx: Any, event_id: int) -> None:
    row = (await tx.conn.execute(sa.select(inbound_events).where(
        inbound_events.c.id == event_id, inbound_events.c.state == "pending"))).mappings().first()
    if row is None:
        return
    values: dict[str, Any] = {"state": "processed", "processed_at": tx.now, "attempts": row["attempts"] + 1}
    try:
        async with tx.conn.begin_nested():
            await _apply(pm, tx, row["source"], row["headers"], row["body"])
    except (HubError, ValidationError, ValueError, KeyError, TypeError) as exc:
        # The sender's data cannot be applied (unknown order, illegal event): kept for ops.
        log.warning("inbox.event_failed", inbound_id=event_id, error_class=type(exc).__name__, error=str(exc)[:300])
        values.update(state="failed", processed_at=None, error=f"{type(exc).__name__}: {exc}"[:2000])
    await tx.conn.execute(inbound_events.update().where(inbound_events.c.id == event_id).values(**values))


async def process_one(hub: Any, event_id: int) -> str:
    try:
        async with hub.unit("webhook") as tx:
            row = (await tx.conn.execute(sa.select(inbound_events).where(
                inbound_events.c.id == event_id, inbound_events.c.state == "pending"))).mappings().first()
            if row is None:
                return "gone"
            await _apply(hub.pm, tx, row["source"], row["headers"], row["body"])
            await tx.conn.execute(inbound_events.update().where(inbound_events.c.id == event_id).values(
                state="processed", processed_at=tx.now, attempts=row["attempts"] + 1))
        return "processed"
    except (HubError, ValidationError, ValueError, KeyError, TypeError) as exc:
        # The sender's data cannot be applied (unknown order, illegal event): keep it for ops.
        await _failed(hub, event_id, exc, final=True)
        return "failed"
    except Exception as exc:  # database trouble: retry a few times, then keep it for ops
        await _failed(hub, event_id, exc, final=False)
        return "retry"


async def _failed(hub: Any, event_id: int, exc: Exception, final: bool) -> None:
    log.warning("inbox.event_failed", inbound_id=event_id, error_class=type(exc).__name__,
                error=str(exc)[:300])
    async with begin(hub.engine) as conn:
        attempts = (await conn.execute(sa.select(inbound_events.c.attempts)
                                       .where(inbound_events.c.id == event_id))).scalar_one()
        state = "failed" if final or attempts + 1 >= MAX_ATTEMPTS else "pending"
        await conn.execute(inbound_events.update().where(inbound_events.c.id == event_id).values(
            state=state, attempts=attempts + 1, error=f"{type(exc).__name__}: {exc}"[:2000]))


async def _apply(pm: pluggy.PluginManager, tx: Any, source: str, headers: dict[str, str], body: bytes) -> None:
    if source == ORDERS_SOURCE:
        await apply_order_message(tx, orjson.loads(body))
        return
    impl = next((i for i in pm.hook.hub_webhook_parse.get_hookimpls() if i.plugin_name == source), None)
    if impl is None:
        raise HubError(f"no plugin parses webhooks of {source}")
    updates = impl.function(**{k: v for k, v in {"source": source, "headers": headers, "body": body}.items()
                               if k in impl.argnames})
    for update in updates or ():
        outcome = await record_tracking(tx, update)
        if outcome is None:
            log.info("inbox.unknown_tracking_number", source=source, carrier=update.carrier)


async def _order_exists(tx: Any, ref: str) -> bool:
    try:
        await tx.fetch("order", ref)
    except NotFound:
        return False
    return True


async def apply_order_message(tx: Any, message: dict[str, Any]) -> None:
    """Standard Webhooks payload from a shop: ``order.created`` or ``order.<event>`` on ``data.ref``."""
    kind = message.get("type", "")
    data = message.get("data") or {}
    if kind == "order.created":
        new = NewOrder.model_validate({**data, "source": data.get("source", "shop")})
        if new.ref is None or not await _order_exists(tx, new.ref):
            await orders.create_order(tx, new)
        return
    if kind.startswith("order.") and isinstance(data.get("ref"), str):
        await domain.apply(tx, "order", data["ref"], kind.removeprefix("order."), data.get("data") or {})
        return
    raise HubError(f"unsupported order message type {kind!r}")
