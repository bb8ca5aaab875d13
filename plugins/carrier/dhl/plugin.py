"""The hooks of ``carrier.dhl``: short, each delegating to the tracker or the webhook check."""
from __future__ import annotations

from collections.abc import Callable

from hub import HookContext, ShipmentSnapshot, TrackingUpdate, WebhookReceipt, hookimpl
from plugins.carrier.dhl import webhook
from plugins.carrier.dhl.settings import DhlSettings
from plugins.carrier.dhl.tracker import DhlTracker

NAME = "carrier.dhl"


class DhlPlugin:
    """DHL Shipment Tracking - Unified: polling within DHL's budget, push subscription and webhook."""

    def __init__(self, settings: DhlSettings) -> None:
        self.settings = settings
        self.tracker = DhlTracker(settings)

    @hookimpl
    def hub_register_carriers(self, register: Callable[[str], None]) -> None:
        for code in self.settings.services:
            register(code)

    @hookimpl
    def hub_webhook_verify(self, source: str, headers: dict[str, str], body: bytes) -> WebhookReceipt | None:
        return webhook.verify(headers, body, self.settings) if source == NAME else None

    @hookimpl
    def hub_webhook_parse(self, source: str, body: bytes) -> list[TrackingUpdate] | None:
        return self.tracker.read_push(body) if source == NAME else None

    @hookimpl
    async def hub_tracking_poll(self, shipment: ShipmentSnapshot, ctx: HookContext) -> TrackingUpdate | None:
        await self.tracker.activate_pending(ctx)
        return await self.tracker.poll(shipment, ctx)

    @hookimpl
    async def hub_shipment_booked(self, shipment: ShipmentSnapshot, ctx: HookContext) -> None:
        await self.tracker.subscribe(shipment, ctx)

    @hookimpl
    async def hub_startup(self, ctx: HookContext) -> None:
        await self.tracker.start(ctx)

    @hookimpl
    async def hub_shutdown(self) -> None:
        await self.tracker.stop()
