"""``bench.sink``: forwards each delivery as one POST to a local sink (``bench.sink`` server).

Stands for a customer notification or a forwarded webhook: one HTTP call per delivery, with
the idempotency key, so the sink can count arrivals and time them against the inbound event.
"""
from __future__ import annotations

import aiohttp
import orjson
from pydantic import Field

from hub import PluginSettings, PluginSpec, TransientError, hookimpl
from hub.core.models import HookContext, OrderSnapshot, ShipmentSnapshot


class SinkSettings(PluginSettings):
    url: str = Field(description="Where each delivery is POSTed (a loopback bench sink).")
    timeout_s: float = Field(10.0, gt=0, description="Seconds to wait for the sink.")


class SinkPlugin:
    """POSTs ``{"hook", "ref", "key"}`` per delivery; a sink error is transient (retried)."""

    def __init__(self, settings: SinkSettings) -> None:
        self.settings = settings
        self._own: aiohttp.ClientSession | None = None  # `hub worker` passes no session

    def _session(self, ctx: HookContext) -> aiohttp.ClientSession:
        if ctx.http is not None:
            return ctx.http
        if self._own is None:
            self._own = aiohttp.ClientSession()
        return self._own

    async def _post(self, hook: str, ref: str, ctx: HookContext) -> None:
        body = orjson.dumps({"hook": hook, "ref": ref, "key": ctx.idempotency_key})
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_s)
        try:
            async with self._session(ctx).post(self.settings.url, data=body, timeout=timeout,
                                               headers={"Content-Type": "application/json"}) as reply:
                await reply.read()
                if reply.status >= 300:
                    raise TransientError(f"sink answered {reply.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(f"sink unreachable: {type(exc).__name__}") from exc

    @hookimpl
    async def hub_order_received(self, order: OrderSnapshot, ctx: HookContext) -> None:
        await self._post("hub_order_received", order.ref, ctx)

    @hookimpl
    async def hub_shipment_in_transit(self, shipment: ShipmentSnapshot, ctx: HookContext) -> None:
        await self._post("hub_shipment_in_transit", shipment.ref, ctx)

    @hookimpl
    async def hub_shutdown(self) -> None:
        if self._own is not None:
            await self._own.close()
            self._own = None


SPEC = PluginSpec(name="bench.sink", kind="notify", settings=SinkSettings, factory=SinkPlugin,
                  description="Benchmark: POSTs every delivery to a local sink.")
