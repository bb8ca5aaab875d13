"""The dispatcher: claim due deliveries, hand each to ONE plugin, record the outcome.

Outcomes: done (follow-ups and remembered keys committed with it), failed (transient: retried
after a persisted backoff), dead (permanent, or the retry horizon ended), or deferred (policy).
This is the one place where ``except Exception`` is right: every failure is recorded.
"""
from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from dataclasses import dataclass
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pluggy
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from hub.core.config import HubConfig
from hub.core.errors import Deferred, HubError, PermanentError, TransientError
from hub.core.logging import get_logger
from hub.core.models import HookContext
from hub.core.outbox.backoff import horizon_passed, next_attempt_at
from hub.core.outbox.claim import claim_batch
from hub.core.outbox.payloads import rebuild
from hub.core.store.db import begin
from hub.core.store.tables import deliveries, ledger, outbox_events

log = get_logger()


def worker_id() -> str:
    """Unique per dispatcher: host and pid for ops, a random part for dispatchers in one process."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Attempt:
    """One delivery attempt's result, recorded with the rest of its batch."""

    row: dict[str, Any]
    ctx: HookContext
    log: Any
    outcome: str = "done"
    error: Exception | None = None
    duration_ms: float = 0.0


class Dispatcher:
    def __init__(self, engine: AsyncEngine, pm: pluggy.PluginManager, config: HubConfig,
                 now: Callable[[], datetime], apply_followups: Callable[..., Any], *,
                 http: Any = None, batch_size: int = 50, inline_tries: int = 3) -> None:
        self.engine, self.pm, self.config, self.now = engine, pm, config, now
        self.apply_followups = apply_followups
        self.http = http
        self.batch_size = batch_size
        self.inline_tries = inline_tries
        self.owner = worker_id()
        self._impls: dict[tuple[str, str], Any] = {}
        self._limit = asyncio.Semaphore(config.worker_concurrency)

    def impl(self, hook: str, plugin: str) -> Any:
        key = (hook, plugin)
        if key not in self._impls:
            impls = getattr(self.pm.hook, hook).get_hookimpls()
            self._impls[key] = next((i for i in impls if i.plugin_name == plugin), None)
        return self._impls[key]

    async def run_once(self) -> int:
        """Claim one batch, run it, record every outcome in one transaction; returns the count."""
        async with begin(self.engine) as conn:
            batch = await claim_batch(conn, owner=self.owner, now=self.now(),
                                      lease_seconds=self.config.lease_seconds, limit=self.batch_size)
            if not batch:
                return 0
            ids = list({row["event_id"] for row in batch})
            payloads = dict((await conn.execute(sa.select(outbox_events.c.id, outbox_events.c.payload)
                                                .where(outbox_events.c.id.in_(ids)))).all())
        # Deliveries of one batch are for different (plugin, order) pairs: safe to run together.
        attempts = await asyncio.gather(*(self._guarded(row, payloads[row["event_id"]]) for row in batch))
        await self._record(attempts)
        return len(batch)

    async def drain(self, max_rounds: int = 1000) -> int:
        """Run batches until nothing is due (tests, the demo, `hub worker --once`)."""
        total = 0
        for _ in range(max_rounds):
            done = await self.run_once()
            if not done:
                break
            total += done
        return total

    async def _guarded(self, row: dict[str, Any], payload: dict[str, Any]) -> Attempt:
        async with self._limit:
            return await self._attempt(row, payload)

    async def deliver(self, row: dict[str, Any], payload: dict[str, Any]) -> str:
        """Attempt one claimed delivery and record it; returns the outcome."""
        attempt = await self._attempt(row, payload)
        await self._record([attempt])
        return attempt.outcome

    async def _attempt(self, row: dict[str, Any], payload: dict[str, Any]) -> Attempt:
        plugin, hook = row["plugin"], row["hook"]
        bound = log.bind(delivery_id=row["id"], event_id=row["event_id"], plugin=plugin, hook=hook,
                         attempt=row["attempts"], entity=payload.get("_entity"), entity_ref=payload.get("_ref"))
        ctx = HookContext(idempotency_key=row["idempotency_key"], attempt=row["attempts"], delivery_id=row["id"],
                          event_id=row["event_id"], plugin=plugin, log=bound, now=self.now(),
                          http=self.http, data_dir=self.config.data_dir, ledger=self._seen)
        started = time.perf_counter()
        attempt = Attempt(row, ctx, bound)
        try:
            await self._call(hook, plugin, payload, ctx)
        except Exception as exc:  # recorded by _record, whatever it is
            attempt.error = exc
            attempt.outcome = self._classify(exc)
        attempt.duration_ms = round((time.perf_counter() - started) * 1000, 2)
        return attempt

    async def _call(self, hook: str, plugin: str, payload: dict[str, Any], ctx: HookContext) -> None:
        impl = self.impl(hook, plugin)
        if impl is None:
            raise PermanentError(f"plugin {plugin} no longer implements {hook}")
        kwargs = rebuild(payload)
        kwargs["ctx"] = ctx
        args = {name: kwargs[name] for name in impl.argnames}
        try:
            await self._invoke(impl, args)
            return
        except TransientError:
            if self.inline_tries <= 1:
                raise
        # Short in-call retries only after a transient fault: the common path pays nothing.
        async for attempt in AsyncRetrying(stop=stop_after_attempt(self.inline_tries - 1),
                                           wait=wait_random_exponential(multiplier=0.1, max=2),
                                           retry=retry_if_exception_type(TransientError), reraise=True):
            with attempt:
                ctx.followups.clear()  # remembered keys stay: those messages did go out
                await self._invoke(impl, args)

    @staticmethod
    async def _invoke(impl: Any, args: dict[str, Any]) -> None:
        result = impl.function(**args)
        if asyncio.iscoroutine(result):
            await result

    @staticmethod
    def _classify(exc: Exception) -> str:
        if isinstance(exc, Deferred):
            return "deferred"
        if isinstance(exc, TransientError):
            return "failed"
        # PermanentError (PluginConfigurationError included) and anything unexpected: a poison
        # delivery stops here instead of blocking the order's later handoffs for days.
        return "dead"

    def _values(self, attempt: Attempt, now: datetime) -> dict[str, Any]:
        row, error = attempt.row, attempt.error
        values: dict[str, Any] = {"updated_at": now, "lease_owner": None, "lease_until": None}
        if attempt.outcome == "failed":
            retry_at = next_attempt_at(now, row["attempts"], getattr(error, "retry_after", None))
            if horizon_passed(row["created_at"], retry_at, self.config.retry_horizon_hours):
                attempt.outcome = "dead"
            values["next_attempt_at"] = retry_at
        if attempt.outcome == "deferred":
            values.update(state="pending", next_attempt_at=error.until, attempts=row["attempts"] - 1)
        else:
            values["state"] = attempt.outcome
        if error is not None:
            values.update(last_error=str(error)[:2000], error_class=type(error).__name__)
        return values

    async def _record(self, attempts: list[Attempt]) -> None:
        """One transaction for the whole batch: one UPDATE for the plain successes, one per other
        outcome, each guarded by this worker's lease; a lost lease means another worker's outcome counts."""
        now = self.now()
        mine = sa.and_(deliveries.c.lease_owner == self.owner, deliveries.c.state == "running")
        plain = [a for a in attempts if a.outcome == "done" and not a.ctx.followups and not a.ctx.remembered]
        try:
            async with begin(self.engine) as conn:
                if plain:
                    ids = [a.row["id"] for a in plain]
                    kept = set((await conn.execute(
                        deliveries.update().where(mine, deliveries.c.id.in_(ids))
                        .values(state="done", updated_at=now, lease_owner=None, lease_until=None)
                        .returning(deliveries.c.id))).scalars())
                    for a in plain:
                        a.outcome = a.outcome if a.row["id"] in kept else "lease_lost"
                for a in attempts:
                    if a not in plain:
                        await self._record_one(conn, a, mine, now)
        except Exception as exc:  # the database failed: leases expire and the work is retried
            log.error("outbox.record_failed", deliveries=len(attempts), error_class=type(exc).__name__,
                      error=str(exc)[:300])
            for a in attempts:
                a.outcome = "unrecorded"
        for a in attempts:
            fields: dict[str, Any] = {"outcome": a.outcome, "duration_ms": a.duration_ms}
            if a.error is not None:
                fields.update(error_class=type(a.error).__name__, error=str(a.error)[:500])
            (a.log.error if a.outcome == "dead" else a.log.info)("outbox.delivery_attempt", **fields)

    async def _record_one(self, conn: Any, a: Attempt, mine: Any, now: datetime) -> None:
        values = self._values(a, now)
        result = await conn.execute(deliveries.update().where(mine, deliveries.c.id == a.row["id"]).values(**values))
        if result.rowcount == 0:
            a.outcome = "lease_lost"
            return
        # Whatever the outcome, what was already sent stays remembered, so a retry after a
        # partial send (one recipient of two) does not send it twice.
        await self._remember(conn, a.ctx, now)
        if a.outcome != "done" or not a.ctx.followups:
            return
        try:
            async with conn.begin_nested():
                await self.apply_followups(conn, a.ctx.followups, actor=a.ctx.plugin, now=now)
        except HubError as exc:
            # The plugin did its work but the hub cannot accept what it reported: ops decide.
            a.outcome, a.error = "dead", exc
            await conn.execute(deliveries.update().where(deliveries.c.id == a.row["id"]).values(
                state="dead", last_error=f"follow-up rejected: {exc}"[:2000], error_class=type(exc).__name__))

    async def _remember(self, conn: Any, ctx: HookContext, now: datetime) -> None:
        for key in dict.fromkeys(ctx.remembered):
            exists = await conn.execute(sa.select(ledger.c.key).where(ledger.c.key == key))
            if exists.first() is None:
                await conn.execute(ledger.insert().values(key=key, plugin=ctx.plugin, at=now))

    async def _seen(self, key: str) -> bool:
        async with self.engine.connect() as conn:
            found = await conn.execute(sa.select(ledger.c.key).where(ledger.c.key == key))
            return found.first() is not None
