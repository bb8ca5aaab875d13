"""The hooks of ``carrier.kuaidi100``: short, each delegating to the tracker or the webhook check."""
from __future__ import annotations

from collections.abc import Callable

from hub import HookContext, ShipmentSnapshot, TrackingUpdate, Transition, WebhookReceipt, hookimpl
from plugins.carrier.kuaidi100 import webhook
from plugins.carrier.kuaidi100.settings import Kuaidi100Settings
from plugins.carrier.kuaidi100.tracker import Kuaidi100Tracker

NAME = "carrier.kuaidi100"


class Kuaidi100Plugin:
    """Kuaidi100 (快递100) subscription push for Chinese carriers: subscribe, signed callback, re-subscribe."""

    def __init__(self, settings: Kuaidi100Settings) -> None:
        self.settings = settings
        self.tracker = Kuaidi100Tracker(settings)

    @hookimpl
    def hub_register_carriers(self, register: Callable[[str], None]) -> None:
        for code in self.settings.carriers:
            register(code)

    @hookimpl
    def hub_webhook_verify(self, source: str, headers: dict[str, str], body: bytes) -> WebhookReceipt | None:
        if source != NAME:
            return None
        return webhook.verify(headers, body, self.settings.salt.get_secret_value())

    @hookimpl
    def hub_webhook_parse(self, source: str, headers: dict[str, str], body: bytes) -> list[TrackingUpdate] | None:
        return self.tracker.read_push(headers, body) if source == NAME else None

    @hookimpl
    async def hub_tracking_poll(self, shipment: ShipmentSnapshot, ctx: HookContext) -> TrackingUpdate | None:
        return await self.tracker.resume(shipment, ctx)

    @hookimpl
    async def hub_shipment_booked(self, shipment: ShipmentSnapshot, ctx: HookContext) -> None:
        await self.tracker.subscribe(shipment, ctx)

    @hookimpl
    async def hub_shipment_forwarded(self, shipment: ShipmentSnapshot, transition: Transition,
                                     ctx: HookContext) -> None:
        await self.tracker.follow_forwarding(shipment, transition.data["carrier"], transition.data["tracking_number"],
                                             ctx)

    @hookimpl
    async def hub_shutdown(self) -> None:
        await self.tracker.stop()
