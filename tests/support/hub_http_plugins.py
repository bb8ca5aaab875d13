"""A plugin that hands each order to a vendor's HTTP API through the plugins' shared HTTP helper
(``plugins.notify.common.http``), so the vendor's status and ``Retry-After`` reach the dispatcher
as a real plugin's would. Importable as ``hub_http_plugins:VENDOR``."""
from __future__ import annotations

from pydantic import Field

from hub import HookContext, OrderSnapshot, PluginSettings, PluginSpec, TransientError, hookimpl
from plugins.notify.common.http import post, session_for


class VendorSettings(PluginSettings):
    url: str = Field(description="The vendor endpoint each order is POSTed to.")
    timeout_s: float = 5.0


class HttpVendor:
    def __init__(self, settings: VendorSettings) -> None:
        self.settings = settings

    @hookimpl
    async def hub_order_received(self, order: OrderSnapshot, ctx: HookContext) -> None:
        s = self.settings
        async with session_for(ctx, s.timeout_s) as session:
            reply = await post(session, s.url, "test vendor", s.timeout_s, json={"ref": order.ref})
        reply.check(TransientError(f"test vendor: HTTP {reply.status}") if reply.status >= 400 else None)


VENDOR = PluginSpec(name="test.vendor", kind="core", settings=VendorSettings, factory=HttpVendor)
