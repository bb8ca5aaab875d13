"""The dispatcher: claim due deliveries, hand each to ONE plugin, record the outcome.

Outcomes (recorded by ``outcomes.Recorder``): done (follow-ups and remembered keys committed
with it), failed (transient: retried after a persisted backoff), dead (permanent, or the retry
horizon ended), deferred (policy), or released (not started: its plugin's circuit opened or its
lease could not cover the call).
A transient failure is retried inside the call first, briefly and never sooner than a short
``Retry-After``; a longer one is left to the persisted backoff (``backoff.py``).
Every call is cut at its plugin's timeout; a plugin failing again and again has its circuit
opened (``circuit.py``). This is the one place where ``except Exception`` is right: every
failure is recorded.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pluggy
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core.config import HubConfig
from hub.core.errors import CallTimedOut, Deferred, PermanentError, TransientError
from hub.core.logging import get_logger
from hub.core.models import HookContext
from hub.core.outbox.backoff import inline_pause
from hub.core.outbox.circuit import Circuits
from hub.core.outbox.claim import claim_batch
from hub.core.outbox.outcomes import RELEASE, Attempt, Recorder
from hub.core.outbox.payloads import rebuild
from hub.core.plugin_host import call, impl_of
from hub.core.plugin_state import PluginState
from hub.core.store.db import begin
from hub.core.store.tables import ledger, outbox_events

log = get_logger()
_PAYLOADS = sa.select(outbox_events.c.id, outbox_events.c.payload).where(
    outbox_events.c.id.in_(sa.bindparam("ids", expanding=True)))


def worker_id() -> str:
    """Unique per dispatcher: host and pid for ops, a random part for dispatchers in one process."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    def __init__(self, engine: AsyncEngine, pm: pluggy.PluginManager, config: HubConfig,
                 now: Callable[[], datetime], apply_followups: Callable[..., Any], *,
                 http: Any = None, batch_size: int | None = None, inline_tries: int = 3,
                 documents: Any = None) -> None:
        self.engine, self.pm, self.config, self.now = engine, pm, config, now
        self.documents = documents
        self.settings = config.dispatch
        self.apply_followups = apply_followups
        self.http = http
        self.batch_size = batch_size or self.settings.batch_size
        self.inline_tries = inline_tries
        self.owner = worker_id()
        self.circuits = Circuits(engine, self.settings.circuit, now)
        self.recorder = Recorder(engine, config, self.owner, now, apply_followups, self.circuits)
        self._impls: dict[tuple[str, str], Any] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._held: dict[str, int] = defaultdict(int)  # plugin → deliveries claimed and not yet recorded
        self._finished: list[Attempt] = []
        self._wake = asyncio.Event()

    def nudge(self) -> None:
        """New deliveries were committed in this process: claim now, not after the idle wait."""
        self._wake.set()

    def impl(self, hook: str, plugin: str) -> Any:
        key = (hook, plugin)
        if key not in self._impls:
            self._impls[key] = impl_of(self.pm, hook, plugin)
        return self._impls[key]

    def timeout_for(self, plugin: str) -> float:
        """The plugin's call timeout, never longer than most of a lease: a call must end before
        another worker may take the delivery over."""
        return min(self.settings.timeout_for(plugin), 0.8 * self.config.lease_seconds)

    # --- claiming ---------------------------------------------------------------------------

    def hold_limit(self, plugin: str) -> int:
        """Deliveries of one plugin held at once by this process: as many rounds of its slots as
        fit in a lease at its timeout (so its queue never outlives the leases), at least a batch,
        and at most half of what the process holds (so one plugin never fills it)."""
        rounds = max(1, int(0.8 * self.config.lease_seconds / self.timeout_for(plugin)))
        wanted = max(self.batch_size, self.settings.plugin_concurrency * rounds)
        return max(1, min(self.config.worker_concurrency // 2, wanted))

    def _saturated(self) -> set[str]:
        return {plugin for plugin, n in self._held.items() if n >= self.hold_limit(plugin)}

    async def _keep_within_limits(self, conn: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A batch may hold more of one plugin than it can take: the excess goes back at once."""
        room: dict[str, int] = {}
        kept, excess = [], []
        for row in rows:
            plugin = row["plugin"]
            if plugin not in room:
                room[plugin] = self.hold_limit(plugin) - self._held.get(plugin, 0)
            (kept if room[plugin] > 0 else excess).append(row)
            room[plugin] -= 1
        if excess:
            await conn.execute(RELEASE, {"ids": [r["id"] for r in excess], "owner": self.owner, "now": self.now()})
        return kept

    async def _claim(self, limit: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Due deliveries with their payloads: a probe for each plugin whose cooldown ended,
        then a batch for every plugin neither held back nor saturated in this process."""
        held, probes = await self.circuits.held_back()
        probes = [plugin for plugin in probes if await self.circuits.take_probe(plugin)]
        claimed: list[dict[str, Any]] = []
        async with begin(self.engine) as conn:
            for plugin in probes:
                probe = await self._claim_rows(conn, 1, only=plugin)
                if not probe:  # nothing of it is due: the circuit waits, open, for the next one
                    await self.circuits.reopen(conn, plugin)
                claimed += probe
            claimed += await self._claim_rows(conn, limit, held=held | self._saturated())
            claimed = await self._keep_within_limits(conn, claimed)
            if not claimed:
                return []
            ids = list({row["event_id"] for row in claimed})
            payloads = dict((await conn.execute(_PAYLOADS, {"ids": ids})).all())
        for row in claimed:
            self._held[row["plugin"]] += 1
        return [(row, payloads[row["event_id"]]) for row in claimed]

    async def _claim_rows(self, conn: Any, limit: int, **filters: Any) -> list[dict[str, Any]]:
        rows = await claim_batch(conn, owner=self.owner, now=self.now(), lease_seconds=self.config.lease_seconds,
                                 limit=limit, **filters)
        deadline = time.monotonic() + self.config.lease_seconds
        for row in rows:
            row["lease_deadline"] = deadline
        return rows

    # --- running ----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim one batch, run it, record every outcome in one transaction; returns the count."""
        batch = await self._claim(self.batch_size)
        if not batch:
            return 0
        attempts = await asyncio.gather(*(self._attempt(row, payload) for row, payload in batch))
        await self._record(list(attempts))
        return len(batch)

    async def deliver(self, row: dict[str, Any], payload: dict[str, Any]) -> str:
        """Attempt one delivery claimed elsewhere (``claim_batch``) and record it; returns the outcome."""
        row.setdefault("lease_deadline", time.monotonic() + self.config.lease_seconds)
        self._held[row["plugin"]] += 1
        attempt = await self._attempt(row, payload)
        await self._record([attempt])
        return attempt.outcome

    async def drain(self, max_rounds: int = 1000) -> int:
        """Run batches until nothing is due (tests, the demo, `hub worker --once`)."""
        total = 0
        for _ in range(max_rounds):
            done = await self.run_once()
            if not done:
                break
            total += done
        return total

    async def run(self, stop: asyncio.Event, idle_seconds: float = 0.2) -> None:
        """The pipeline: claim while calls are in flight, record what finished in batches. A
        hung call holds one slot of its plugin until its timeout, nothing else."""
        tasks: set[asyncio.Task[None]] = set()
        capacity = self.config.worker_concurrency
        while not stop.is_set():
            await self._record_finished()
            claimed = []
            if len(tasks) < capacity:
                claimed = await self._guard(self._claim(min(self.batch_size, capacity - len(tasks))))
            for row, payload in claimed:
                task = asyncio.create_task(self._run_one(row, payload))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if claimed and len(tasks) < capacity:
                await asyncio.sleep(0)  # the calls start; then claim again at once
                continue
            self._wake.clear()
            if self._finished:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), None if claimed else idle_seconds)
            except TimeoutError:
                pass
        if tasks:  # each call ends by its timeout; what finishes is recorded, the rest's leases lapse
            await asyncio.wait(tasks, timeout=max([self.timeout_for(p) for p in self._held] + [0.0]) + 1)
        await self._record_finished()

    async def _guard(self, claim: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        try:
            return await claim
        except Exception as exc:  # the database went away: log, the loop waits and retries
            log.error("outbox.claim_failed", error_class=type(exc).__name__, error=str(exc)[:300])
            return []

    async def _run_one(self, row: dict[str, Any], payload: dict[str, Any]) -> None:
        try:
            attempt = await self._attempt(row, payload)
        except Exception as exc:  # a fault of the hub's own, around the call: logged, given back
            log.error("outbox.attempt_crashed", delivery_id=row["id"], plugin=row["plugin"],
                      error_class=type(exc).__name__, error=str(exc)[:300])
            attempt = Attempt(row, None, outcome="released")
        self._finished.append(attempt)
        self._wake.set()

    async def _record_finished(self) -> None:
        if self._finished:
            batch, self._finished = self._finished, []
            await self._record(batch)

    def _slot(self, plugin: str) -> asyncio.Semaphore:
        if plugin not in self._slots:
            self._slots[plugin] = asyncio.Semaphore(self.settings.plugin_concurrency)
        return self._slots[plugin]

    async def _attempt(self, row: dict[str, Any], payload: dict[str, Any]) -> Attempt:
        plugin = row["plugin"]
        async with self._slot(plugin):
            timeout = self.timeout_for(plugin)
            circuit = self.circuits.view.get(plugin)
            if (circuit is not None and circuit["state"] == "open") or not self._lease_covers(row, timeout):
                return Attempt(row, None, outcome="released")
            return await self._call(row, payload, timeout)

    def _lease_covers(self, row: dict[str, Any], seconds: float) -> bool:
        """Whether ``seconds`` more of work end before the lease, with a margin: past it another
        worker may take the delivery over and call the plugin a second time."""
        return row["lease_deadline"] - time.monotonic() >= seconds + 0.1 * self.config.lease_seconds

    async def _call(self, row: dict[str, Any], payload: dict[str, Any], timeout: float) -> Attempt:
        plugin, hook = row["plugin"], row["hook"]
        bound = log.bind(delivery_id=row["id"], event_id=row["event_id"], plugin=plugin, hook=hook,
                         attempt=row["attempts"], entity=payload.get("_entity"), entity_ref=payload.get("_ref"))
        ctx = HookContext(idempotency_key=row["idempotency_key"], attempt=row["attempts"], delivery_id=row["id"],
                          event_id=row["event_id"], plugin=plugin, log=bound, now=self.now(),
                          http=self.http, data_dir=self.config.data_dir, ledger=self._seen, hook=hook,
                          state=PluginState(self.engine, plugin), documents=self.documents)
        started = time.perf_counter()
        attempt = Attempt(row, ctx)
        try:
            await self._invoke_with_retries(row, payload, ctx, timeout)
        except Exception as exc:  # recorded by _record, whatever it is
            attempt.error = exc
            attempt.outcome = self._classify(exc)
        attempt.duration_ms = round((time.perf_counter() - started) * 1000, 2)
        return attempt

    async def _invoke_with_retries(self, row: dict[str, Any], payload: dict[str, Any], ctx: HookContext,
                                   timeout: float) -> None:
        plugin, hook = row["plugin"], row["hook"]
        impl = self.impl(hook, plugin)
        if impl is None:
            raise PermanentError(f"plugin {plugin} no longer implements {hook}")
        kwargs = rebuild(payload)
        kwargs["ctx"] = ctx
        args = {name: kwargs[name] for name in impl.argnames}
        for retry in itertools.count(1):
            try:
                await self._invoke(impl, args, timeout)
                return
            except CallTimedOut:
                raise
            except TransientError as exc:
                pause = self._inline_pause(row, exc, retry, timeout)
                if pause is None:
                    raise  # recorded as failed: the persisted backoff honours its Retry-After
            # Short in-call retries only after a transient fault: the common path pays nothing.
            await asyncio.sleep(pause)
            ctx.followups.clear()  # remembered keys stay: those messages did go out

    def _inline_pause(self, row: dict[str, Any], exc: TransientError, retry: int, timeout: float) -> float | None:
        """The wait before in-call retry ``retry``, or None when there is none: tries spent, a
        Retry-After longer than ``dispatch.inline_wait_max_s``, or a lease too short for the
        wait and one more call."""
        if retry >= self.inline_tries:
            return None
        pause = inline_pause(retry, exc.retry_after_s, self.settings.inline_wait_max_s)
        return pause if pause is not None and self._lease_covers(row, pause + timeout) else None

    @staticmethod
    async def _invoke(impl: Any, args: dict[str, Any], timeout: float) -> None:
        await call(impl, timeout, **args)

    @staticmethod
    def _classify(exc: Exception) -> str:
        if isinstance(exc, Deferred):
            return "deferred"
        if isinstance(exc, TransientError):
            return "failed"
        # PermanentError (PluginConfigurationError included) and anything unexpected: a poison
        # delivery stops here instead of blocking the order's later handoffs for days.
        return "dead"

    async def _record(self, attempts: list[Attempt]) -> None:
        try:
            await self.recorder.record(attempts)
        finally:
            for a in attempts:
                self._held[a.row["plugin"]] -= 1

    async def _seen(self, key: str) -> bool:
        async with self.engine.connect() as conn:
            found = await conn.execute(sa.select(ledger.c.key).where(ledger.c.key == key))
            return found.first() is not None
