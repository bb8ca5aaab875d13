"""Aliyun SMS notifier: hook implementations only; routing, quiet hours and I/O live next door."""
from __future__ import annotations

from hub import hookimpl

from .notifier import Texter
from .settings import SmsSettings


class SmsNotifier:
    """Texts customers at their milestones through Aliyun SMS templates, holding them in quiet hours."""

    def __init__(self, settings: SmsSettings) -> None:
        self.texter = Texter(settings)

    @hookimpl
    def hub_register_channels(self, register) -> None:
        register("sms")

    @hookimpl
    async def hub_sla_breached(self, timer, ctx) -> None:
        await self.texter.notify("sla_breached", timer, None, ctx)

    @hookimpl
    async def hub_order_reviewed(self, order, transition, ctx) -> None:
        # A text can point to the confirmation, not carry it: the e-mail that does replies confirmation_sent.
        await self.texter.notify("order_reviewed", order, transition, ctx)

    @hookimpl
    async def hub_order_confirmation_overdue(self, order, timer, ctx) -> None:
        await self.texter.notify("order_confirmation_overdue", order, None, ctx, timer=timer)

    @hookimpl
    async def hub_order_shipped(self, order, shipment, transition, ctx) -> None:
        await self.texter.notify("order_shipped", order, transition, ctx, shipment=shipment)

    @hookimpl
    async def hub_shipment_delivery_note_due(self, shipment, order, timer, ctx) -> None:
        await self.texter.notify("shipment_delivery_note_due", shipment, None, ctx, order=order, timer=timer)

    @hookimpl
    async def hub_order_delivered(self, order, transition, ctx) -> None:
        await self.texter.notify("order_delivered", order, transition, ctx)

    @hookimpl
    async def hub_shipment_customs(self, shipment, transition, ctx) -> None:
        await self.texter.notify("shipment_customs", shipment, transition, ctx)

    @hookimpl
    async def hub_shipment_handed_off(self, shipment, transition, ctx) -> None:
        await self.texter.notify("shipment_handed_off", shipment, transition, ctx)

    @hookimpl
    async def hub_shipment_out_for_delivery(self, shipment, transition, ctx) -> None:
        await self.texter.notify("shipment_out_for_delivery", shipment, transition, ctx)

    @hookimpl
    async def hub_shipment_delivered(self, shipment, transition, ctx) -> None:
        await self.texter.notify("shipment_delivered", shipment, transition, ctx)

    @hookimpl
    async def hub_claim_opened(self, claim, transition, ctx) -> None:
        await self.texter.notify("claim_opened", claim, transition, ctx)

    @hookimpl
    async def hub_claim_paid(self, claim, transition, ctx) -> None:
        await self.texter.notify("claim_paid", claim, transition, ctx)

    @hookimpl
    async def hub_return_awaiting_customer_shipment(self, return_request, transition, ctx) -> None:
        await self.texter.notify("return_awaiting_customer_shipment", return_request, transition, ctx)

    @hookimpl
    async def hub_return_completed(self, return_request, transition, ctx) -> None:
        await self.texter.notify("return_completed", return_request, transition, ctx)

    @hookimpl
    async def hub_return_closed(self, return_request, transition, ctx) -> None:
        await self.texter.notify("return_closed", return_request, transition, ctx)

    @hookimpl
    async def hub_customer_vip_granted(self, customer, transition, ctx) -> None:
        await self.texter.notify("customer_vip_granted", customer, transition, ctx)

    @hookimpl
    async def hub_customer_vip_revoked(self, customer, transition, ctx) -> None:
        await self.texter.notify("customer_vip_revoked", customer, transition, ctx)
