"""Stored webhooks → domain changes, after the sender already has its 2xx (DESIGN rule 2).

A batch of pending events is claimed and applied in ONE transaction that also marks them
processed, so a crash re-runs the batch and the domain's own dedupe (order refs, tracking
identities) makes the second run harmless. Shop orders are created set-based
(``domain.intake``); other events go one by one, each in a savepoint, so a bad event is
marked failed with its reason and never fails the rest of its batch.

Ordering: at most one pending event per ``ordering_key`` (the order ref, the tracking
number) is claimed at a time, the oldest, so events of one order apply in arrival order even
when several processes claim on PostgreSQL (``FOR UPDATE SKIP LOCKED``).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
import pluggy
import sqlalchemy as sa
from pydantic import ValidationError

from hub.core.domain import engine as domain
from hub.core.domain import intake, orders
from hub.core.domain.inputs import NewReturn
from hub.core.domain.returns import request_return
from hub.core.domain.tracking import record_tracking
from hub.core.errors import HubError
from hub.core.logging import get_logger
from hub.core.inbound_models import OrderMessage, TrackingUpdate
from hub.core.plugin_host import call_sync, impl_of
from hub.core.outbox.claim import POSTGRES_PLAN
from hub.core.store.db import begin
from hub.core.store.tables import inbound_events
from hub.core.store.tables import returns as returns_table

log = get_logger()
ORDERS_SOURCE = "orders"
RETURN_REQUESTED = "return.requested"  # from shop platforms only: a refund asked for in the shop
# The sender's data cannot be applied (unknown order, illegal event, bad shape): kept for ops.
DATA_ERRORS = (HubError, ValidationError, ValueError, KeyError, TypeError)

# Walks the pending index in arrival order and stops at the LIMIT; named (SQLite) or forced
# (PostgreSQL, see outbox/claim.py) because planners on stale statistics sort every pending row.
_CLAIM = """
SELECT i.id, i.source, i.headers, i.body, i.attempts FROM inbound_events i {index}
WHERE i.state = 'pending'
  AND (i.ordering_key IS NULL OR i.id = (
      SELECT min(e.id) FROM inbound_events e WHERE e.ordering_key = i.ordering_key AND e.state = 'pending'))
ORDER BY i.id
LIMIT :limit
{lock}
"""
CLAIM_SQLITE = sa.text(_CLAIM.format(lock="", index="INDEXED BY ix_inbound_events_pending")).columns(headers=sa.JSON)
CLAIM_POSTGRES = sa.text(_CLAIM.format(lock="FOR UPDATE OF i SKIP LOCKED", index="")).columns(headers=sa.JSON)
ANY_PENDING = sa.select(inbound_events.c.id).where(inbound_events.c.state == "pending").limit(1)
MARK_PROCESSED = (inbound_events.update()
                  .where(inbound_events.c.id.in_(sa.bindparam("ids", expanding=True)))
                  .values(state="processed", processed_at=sa.bindparam("now"), error=None,
                          attempts=inbound_events.c.attempts + 1))
MARK_ONE = inbound_events.update().where(inbound_events.c.id == sa.bindparam("event_id"))


@dataclass
class Outcomes:
    processed: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # id → reason
    retry: dict[int, str] = field(default_factory=dict)  # database trouble: pending again


def parse_webhook(pm: pluggy.PluginManager, source: str, headers: dict[str, str],
                  body: bytes) -> list[TrackingUpdate | OrderMessage]:
    """A plugin source's request as tracking updates or shop order messages (its ``hub_webhook_parse``);
    raises on bad data."""
    impl = impl_of(pm, "hub_webhook_parse", source)
    if impl is None:
        return []
    return list(call_sync(impl, source=source, headers=headers, body=body) or ())


class Inbox:
    """Claims and applies pending inbound events. On SQLite it sizes its batches to a time
    budget, because webhooks wait for the one write lock while a batch runs; PostgreSQL has no
    such lock, and takes whole batches."""

    MIN_BATCH = 10  # a floor for the fixed cost of a batch (claim, commit, fsync); heavy events need few

    def __init__(self, hub: Any, on_applied: Callable[[], None] | None = None) -> None:
        self.hub = hub
        self.on_applied = on_applied
        self.settings = hub.config.inbox
        self.busy = False  # the last batch found work: claim again without looking first
        self.sized = hub.engine.dialect.name == "sqlite"
        self.limit = min(100, self.settings.batch_size) if self.sized else self.settings.batch_size

    def _resize(self, claimed: int, seconds: float) -> None:
        """Grow a full batch that ended inside the budget, shrink one that overran it: the size
        settles where a batch takes about ``budget_ms``, whatever the machine and the events."""
        budget = self.settings.budget_ms / 1000
        if seconds > budget:
            self.limit = max(self.MIN_BATCH, int(self.limit * max(0.5, budget / seconds)))
        elif claimed >= self.limit:
            self.limit = min(self.settings.batch_size, int(self.limit * 1.5) + 1)

    async def process_pending(self) -> int:
        """One batch; returns how many events it claimed (0: nothing pending)."""
        if not self.busy:  # idle: a read that takes no write lock finds out whether to claim
            async with self.hub.engine.connect() as conn:
                if (await conn.execute(ANY_PENDING)).first() is None:
                    return 0
        started = time.perf_counter()
        try:
            count = await self._batch(self.limit)
        except Exception as exc:  # the batch failed as a whole (database trouble): one by one
            log.warning("inbox.batch_failed", error_class=type(exc).__name__, error=str(exc)[:300])
            return await self._one_by_one()
        if count and self.sized:
            self._resize(count, time.perf_counter() - started)
        self.busy = count > 0
        return count

    async def _batch(self, limit: int) -> int:
        async with self.hub.unit("webhook") as tx:
            rows = await claim(tx.conn, limit)
            if not rows:
                return 0
            outcomes = await apply_batch(self.hub.pm, tx, rows)
            await tx.flush()
            await mark(tx.conn, outcomes, tx.now, self.settings.max_attempts, rows)
        _log_failures(outcomes)
        if self.on_applied is not None and tx.events:
            self.on_applied()
        return len(rows)

    async def _one_by_one(self) -> int:
        """After a failed batch: each event alone, so one that breaks the database is isolated."""
        done = 0
        for _ in range(self.settings.batch_size):
            try:
                claimed = await self._batch(1)
            except Exception as exc:  # this one event breaks its transaction: counted, kept for ops
                await self._count_failure(exc)
                claimed = 1
            if not claimed:
                break
            done += claimed
        return done

    async def _count_failure(self, exc: Exception) -> None:
        async with begin(self.hub.engine) as conn:
            rows = await claim(conn, 1)
            if rows:
                await mark(conn, Outcomes(retry={rows[0]["id"]: f"{type(exc).__name__}: {exc}"}),
                           self.hub.clock.now(), self.settings.max_attempts, rows)
        log.warning("inbox.event_failed", error_class=type(exc).__name__, error=str(exc)[:300])


async def claim(conn: Any, limit: int) -> list[dict[str, Any]]:
    query = CLAIM_SQLITE
    if conn.dialect.name == "postgresql":
        await conn.execute(POSTGRES_PLAN)
        query = CLAIM_POSTGRES
    return [dict(r) for r in (await conn.execute(query, {"limit": limit})).mappings()]


async def apply_batch(pm: pluggy.PluginManager, tx: Any, rows: list[dict[str, Any]]) -> Outcomes:
    """Runs of consecutive shop orders set-based, everything else one by one, in claim order."""
    outcomes = Outcomes()
    run: list[tuple[Hashable, Any]] = []
    for row in rows:
        message = _order_message(row)
        if message is not None and message.get("type") == "order.created":
            run.append((row["id"], (row, message)))
            continue
        await _flush_run(pm, tx, run, outcomes)
        await _apply_one(pm, tx, row, outcomes)
    await _flush_run(pm, tx, run, outcomes)
    return outcomes


def _order_message(row: dict[str, Any]) -> dict[str, Any] | None:
    if row["source"] != ORDERS_SOURCE:
        return None
    try:
        message = orjson.loads(row["body"])
    except orjson.JSONDecodeError:
        return None  # failed with its reason by the one-by-one path
    return message if isinstance(message, dict) else None


async def _flush_run(pm: pluggy.PluginManager, tx: Any, run: list[tuple[Hashable, Any]],
                     outcomes: Outcomes) -> None:
    if not run:
        return
    items, by_id = list(run), {key: row for key, (row, _) in run}
    run.clear()
    decoded = []
    for key, (_, message) in items:
        try:
            decoded.append((key, intake.decode(message.get("data") or {})))
        except DATA_ERRORS as exc:
            outcomes.failed[key] = _reason(exc)
    try:
        async with tx.savepoint():
            result = await intake.create_orders(tx, decoded)
    except Exception as exc:  # a race on a ref or a customer: the run again, one by one
        log.info("inbox.set_fallback", events=len(decoded), error_class=type(exc).__name__)
        for key, _ in decoded:
            await _apply_one(pm, tx, by_id[key], outcomes)
        return
    outcomes.processed += result.created
    outcomes.failed.update({key: _reason(exc) for key, exc in result.failed.items()})
    for key in result.one_by_one:
        await _apply_one(pm, tx, by_id[key], outcomes)


async def _apply_one(pm: pluggy.PluginManager, tx: Any, row: dict[str, Any], outcomes: Outcomes) -> None:
    try:
        async with tx.savepoint():
            await apply_event(pm, tx, row["source"], row["headers"], row["body"])
    except DATA_ERRORS as exc:
        outcomes.failed[row["id"]] = _reason(exc)
    except Exception as exc:  # database trouble with this event only: tried again later
        outcomes.retry[row["id"]] = _reason(exc)
    else:
        outcomes.processed.append(row["id"])


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


async def mark(conn: Any, outcomes: Outcomes, now: datetime, max_attempts: int,
               rows: list[dict[str, Any]]) -> None:
    """One UPDATE for the processed events; one per failed or retried event, with its reason."""
    if outcomes.processed:
        await conn.execute(MARK_PROCESSED, {"ids": outcomes.processed, "now": now})
    attempts = {row["id"]: row["attempts"] for row in rows}
    for event_id, reason in outcomes.failed.items():
        await conn.execute(MARK_ONE, {"event_id": event_id, "state": "failed", "error": reason,
                                      "attempts": attempts[event_id] + 1, "processed_at": None})
    for event_id, reason in outcomes.retry.items():
        state = "failed" if attempts[event_id] + 1 >= max_attempts else "pending"
        await conn.execute(MARK_ONE, {"event_id": event_id, "state": state, "error": reason,
                                      "attempts": attempts[event_id] + 1, "processed_at": None})


def _log_failures(outcomes: Outcomes) -> None:
    for event_id, reason in {**outcomes.failed, **outcomes.retry}.items():
        log.warning("inbox.event_failed", inbound_id=event_id, error_class=reason.split(":", 1)[0],
                    error=reason[:300])


async def apply_event(pm: pluggy.PluginManager, tx: Any, source: str, headers: dict[str, str],
                      body: bytes) -> None:
    if source == ORDERS_SOURCE:
        await apply_order_message(tx, orjson.loads(body))
        return
    if not any(i.plugin_name == source for i in pm.hook.hub_webhook_parse.get_hookimpls()):
        raise HubError(f"no plugin parses webhooks of {source}")
    for update in parse_webhook(pm, source, headers, body):
        if isinstance(update, OrderMessage):  # a shop platform's order, in the hub's own shape
            await apply_order_message(tx, update.model_dump(mode="json"))
            continue
        if await record_tracking(tx, update) is None:
            log.info("inbox.unknown_tracking_number", source=source, carrier=update.carrier)


async def apply_order_message(tx: Any, message: dict[str, Any]) -> None:
    """Standard Webhooks payload from a shop: ``order.created`` or ``order.<event>`` on ``data.ref``."""
    if not isinstance(message, dict):
        raise HubError("an order message must be a JSON object")
    kind = message.get("type", "")
    data = message.get("data") or {}
    if kind == "order.created":
        new = intake.decode(data)
        if new.ref is None or (await tx.conn.execute(orders.ORDER_EXISTS, {"ref": new.ref})).first() is None:
            await orders.create_order(tx, new)
        return
    if kind == RETURN_REQUESTED:  # a shop's refund: an after-sales request, under the after-sales rules
        request = NewReturn.model_validate(data)
        if request.ref is None or (await tx.conn.execute(sa.select(returns_table.c.id).where(
                returns_table.c.ref == request.ref))).first() is None:  # a redelivery is applied once
            await request_return(tx, request)
        return
    if isinstance(kind, str) and kind.startswith("order.") and isinstance(data.get("ref"), str):
        await domain.apply(tx, "order", data["ref"], kind.removeprefix("order."), data.get("data") or {})
        return
    raise HubError(f"unsupported order message type {kind!r}")
