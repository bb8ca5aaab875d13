"""``bench.noop``: takes its deliveries and does nothing, so a drain measures the hub alone."""
from __future__ import annotations

from hub import PluginSettings, PluginSpec, hookimpl
from hub.core.models import HookContext, OrderSnapshot, ShipmentSnapshot


class NoopSettings(PluginSettings):
    """No settings: the plugin has nothing to configure."""


class NoopPlugin:
    """Implements the hooks the benchmark's events fire and returns at once."""

    def __init__(self, settings: NoopSettings) -> None:
        self.settings = settings

    @hookimpl
    async def hub_order_received(self, order: OrderSnapshot, ctx: HookContext) -> None:
        return None

    @hookimpl
    async def hub_shipment_in_transit(self, shipment: ShipmentSnapshot, ctx: HookContext) -> None:
        return None


SPEC = PluginSpec(name="bench.noop", kind="core", settings=NoopSettings, factory=NoopPlugin,
                  description="Benchmark: accepts every delivery and does nothing.")
