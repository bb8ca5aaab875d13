"""The background work of a hub process: inbox, timers, tracking polls and the dispatcher."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


from hub.core.domain.snapshots import customer_of_order, shipment_snapshot
from hub.core.domain.tracking import due_for_polling
from hub.core.errors import PluginError
from hub.core.inbox import process_pending
from hub.core.logging import get_logger
from hub.core.models import HookContext
from hub.core.outbox.dispatcher import Dispatcher
from hub.core.service import Hub
from hub.core.store.tables import shipments

log = get_logger()


def registered_carriers(hub: Hub) -> dict[str, str]:
    """Carrier code → the plugin that tracks it (``hub_register_carriers``)."""
    carriers: dict[str, str] = {}
    for impl in hub.pm.hook.hub_register_carriers.get_hookimpls():
        impl.function(register=lambda code, _p=impl.plugin_name: carriers.setdefault(code, _p))
    return carriers


class Runtime:
    def __init__(self, hub: Hub, *, http: Any = None, inline_tries: int = 3) -> None:
        self.hub = hub
        self.http = http
        self.dispatcher = Dispatcher(hub.engine, hub.pm, hub.config, hub.clock.now, hub.apply_followups,
                                     http=http, inline_tries=inline_tries)
        self.carriers = registered_carriers(hub)

    async def tick(self) -> int:
        """One round of every kind of background work; returns how much was done."""
        work = await process_pending(self.hub)
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
                  busy: Callable[[], bool] | None = None, busy_interval: float = 1.0) -> None:
        """Work until ``stop``. While ``busy()`` says senders are waiting on this process (webhook
        acknowledgements come first), run one round per ``busy_interval`` only: the backlog
        waits durably and ``max_pending`` answers 429 before it grows without bound."""
        last = 0.0
        while not stop.is_set():
            if busy is not None and busy() and time.monotonic() - last < busy_interval:
                await asyncio.sleep(0.01)
                continue
            last = time.monotonic()
            try:
                busy_now = await self.tick()
            except Exception as exc:  # the database went away: log, wait, carry on
                log.error("runtime.tick_failed", error_class=type(exc).__name__, error=str(exc)[:300])
                busy_now = 0
            if not busy_now:
                try:
                    await asyncio.wait_for(stop.wait(), idle_seconds)
                except TimeoutError:
                    pass

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
        impl = next((i for i in self.hub.pm.hook.hub_tracking_poll.get_hookimpls() if i.plugin_name == plugin), None)
        if impl is None:
            return
        ctx = HookContext(idempotency_key=f"poll:{ref}", attempt=1, delivery_id=0, event_id="", plugin=plugin,
                          log=log.bind(plugin=plugin), now=self.hub.clock.now(), http=self.http,
                          data_dir=self.hub.config.data_dir)
        try:
            update = await impl.function(**{k: v for k, v in {"shipment": snap, "ctx": ctx}.items()
                                            if k in impl.argnames})
        except PluginError as exc:
            log.warning("tracking.poll_failed", plugin=plugin, error_class=type(exc).__name__, error=str(exc)[:300])
            return
        if update is not None:
            await self.hub.record_tracking(update)
