"""A careless plugin: it logs whole snapshots and raises errors quoting the customer's contacts."""
from __future__ import annotations

from hub import PermanentError, PluginSettings, PluginSpec, hookimpl
from hub.core.models import HookContext, OrderSnapshot


class Leaky:
    def __init__(self, settings: PluginSettings) -> None:
        self.settings = settings

    @hookimpl
    async def hub_order_received(self, order: OrderSnapshot, ctx: HookContext) -> None:
        ctx.log.info("leaky.snapshot", order=order.model_dump(mode="json"), customer_name=order.customer.name)
        raise PermanentError(f"mailbox {order.customer.email} full, phone {order.customer.phone} unreachable")


LEAKY = PluginSpec(name="test.leaky", kind="core", settings=PluginSettings, factory=Leaky)
