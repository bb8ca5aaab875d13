"""The background work of a hub process: inbox, timers, tracking polls, the dispatcher, pruning, reports.

Each kind of work runs in a loop of its own, so a slow one (a plugin call that hangs, a long
poll) never holds up the others; ``tick`` runs one round of each, for tests and the demo.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any


from hub.core.domain.snapshots import customer_of_order, shipment_snapshot
from hub.core.domain.tracking import due_for_polling
from hub.core.errors import PluginError
from hub.core.inbox import Inbox
from hub.core.logging import get_logger
from hub.core.models import HookContext
from hub.core.outbox.dispatcher import Dispatcher
from hub.core.plugin_host import PluginHost, call, call_sync, impl_of
from hub.core.plugin_state import PluginState
from hub.core.report_schedule import ReportSchedule
from hub.core.service import Hub
from hub.core.store.tables import shipments

log = get_logger()


def registered_carriers(hub: Hub) -> dict[str, str]:
    """Carrier code → the plugin that tracks it (``hub_register_carriers``)."""
    carriers: dict[str, str] = {}
    for impl in hub.pm.hook.hub_register_carriers.get_hookimpls():
        call_sync(impl, register=lambda code, _p=impl.plugin_name: carriers.setdefault(code, _p))
    return carriers


class Runtime:
    """The background work; ``host`` is the process's PluginHost (its HTTP session goes to every call)."""

    def __init__(self, hub: Hub, *, host: PluginHost | None = None, http: Any = None, inline_tries: int = 3) -> None:
        self.hub = hub
        self.http = host.http if host is not None else http
        self.dispatcher = Dispatcher(hub.engine, hub.pm, hub.config, hub.clock.now, hub.apply_followups,
                                     http=self.http, inline_tries=inline_tries, documents=hub.documents)
        self.carriers = registered_carriers(hub)
        self.inbox = Inbox(hub, on_applied=self.dispatcher.nudge)
        self.inbox_nudge = asyncio.Event()
        self.reports = ReportSchedule(hub)

    def nudge_inbox(self) -> None:
        """New inbound events are stored (this process's webhooks): apply them now, not after
        the idle wait. Other processes find them at their next round."""
        self.inbox_nudge.set()

    async def tick(self) -> int:
        """One round of every kind of background work; returns how much was done."""
        work = await self.inbox.process_pending()
        work += await self.hub.fire_due_timers()
        work += await self.poll_tracking()
        work += await self.dispatcher.run_once()
        return work

    async def settle(self, max_rounds: int = 200) -> None:
        """Run rounds until nothing is left to do now (the demo and the tests)."""
        for _ in range(max_rounds):
            if not await self.tick():
                return

    async def run(self, stop: asyncio.Event, idle_seconds: float = 0.2,
                  busy: Callable[[], bool] | None = None) -> None:
        """Work until ``stop``: the inbox, timers, polls and pruning each in a loop of its own,
        the dispatcher as a pipeline (claims overlap the calls in flight)."""
        retention = self.hub.config.retention
        loops = [
            _relay(stop, self.inbox_nudge),
            _loop("inbox", self.inbox.process_pending, stop, idle_seconds, self.inbox_nudge, busy),
            _loop("timers", self.hub.fire_due_timers, stop, idle_seconds),
            _loop("tracking", self.poll_tracking, stop, max(idle_seconds, 1.0)),
            _loop("retention", self.prune, stop, retention.interval_s),
            # The periodic reports of 000, like pruning only in the long-running loop (``tick``
            # leaves both out): ``hub report … --send`` makes one from cron.
            _loop("reports", self.reports.run_due, stop, self.hub.config.reports.interval_s),
            self.dispatcher.run(stop, idle_seconds),
        ]
        await asyncio.gather(*loops)

    async def prune(self) -> int:
        from hub.core.retention import prune  # only the long-running loop needs it

        counts = await prune(self.hub.engine, self.hub.config.retention, self.hub.clock.now(),
                             retry_horizon_hours=self.hub.config.retry_horizon_hours, max_batches=20)
        if any(counts.values()):
            log.info("retention.pruned", **{f"{table}_rows": n for table, n in counts.items()})
        return 0  # pruning never keeps its loop busy: it runs once per interval

    async def poll_tracking(self) -> int:
        now = self.hub.clock.now()
        async with self.hub.engine.connect() as conn:
            refs = await due_for_polling(conn, now, self.hub.config.tracking_poll_minutes)
        for ref in refs:
            await self._poll_one(ref)
        return len(refs)

    async def _poll_one(self, ref: str) -> None:
        async with self.hub.unit("carrier") as tx:
            row = await tx.fetch("shipment", ref)
            await tx.conn.execute(shipments.update().where(shipments.c.ref == ref).values(last_polled_at=tx.now))
            snap = shipment_snapshot(row, await customer_of_order(tx, row["order_ref"]))
        plugin = self.carriers.get(row["carrier"] or "")
        impl = impl_of(self.hub.pm, "hub_tracking_poll", plugin)
        if impl is None:
            return
        ctx = HookContext(idempotency_key=f"poll:{ref}", attempt=1, delivery_id=0, event_id="", plugin=plugin,
                          log=log.bind(plugin=plugin), now=self.hub.clock.now(), http=self.http,
                          data_dir=self.hub.config.data_dir, state=PluginState(self.hub.engine, plugin))
        try:  # a carrier that never answers costs one poll, not the polling loop
            update = await call(impl, self.dispatcher.timeout_for(plugin), shipment=snap, ctx=ctx)
        except PluginError as exc:  # CallTimedOut included
            log.warning("tracking.poll_failed", plugin=plugin, error_class=type(exc).__name__, error=str(exc)[:300])
            return
        if update is not None:
            await self.hub.record_tracking(update)


async def _relay(stop: asyncio.Event, nudge: asyncio.Event) -> None:
    await stop.wait()
    nudge.set()  # a loop waiting for its nudge sees the stop at once


async def _loop(name: str, step: Callable[[], Awaitable[int]], stop: asyncio.Event, idle_seconds: float,
                nudge: asyncio.Event | None = None, senders_waiting: Callable[[], bool] | None = None) -> None:
    """Run ``step`` until ``stop``; when it found nothing to do, wait ``idle_seconds`` or until
    ``nudge`` is set. While ``senders_waiting`` (webhooks of this process wait for their commit)
    each round is followed by a pause as long as itself: the work and the acknowledgements share
    the process half and half, and neither starves. A failing round is logged and retried later."""
    wake = nudge or stop
    while not stop.is_set():
        started = time.monotonic()
        try:
            busy = await step()
        except Exception as exc:  # noqa: BLE001 - logged; the loop must outlive a database outage
            log.error("runtime.round_failed", loop=name, error_class=type(exc).__name__, error=str(exc)[:300])
            busy = 0
        if busy:
            pause = time.monotonic() - started if senders_waiting is not None and senders_waiting() else 0
            await asyncio.sleep(pause)  # at least a turn for requests and the other loops
            continue
        try:
            await asyncio.wait_for(wake.wait(), idle_seconds)
        except TimeoutError:
            pass
        if nudge is not None:
            nudge.clear()
