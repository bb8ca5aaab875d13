"""Chat-robot notifier: hook implementations only; rendering and I/O live next door."""
from __future__ import annotations

from hub import hookimpl

from .notifier import Poster
from .settings import ChatSettings


class ChatNotifier:
    """Posts internal escalations and case steps to WeCom / DingTalk group robots."""

    def __init__(self, settings: ChatSettings) -> None:
        self.poster = Poster(settings)

    @hookimpl
    def hub_register_channels(self, register) -> None:
        register("chat")

    @hookimpl
    async def hub_sla_breached(self, timer, ctx) -> None:
        await self.poster.notify("sla_breached", timer, None, ctx)

    @hookimpl
    async def hub_order_price_escalated(self, order, transition, ctx) -> None:
        await self.poster.notify("order_price_escalated", order, transition, ctx)

    @hookimpl
    async def hub_order_confirmation_overdue(self, order, timer, ctx) -> None:
        await self.poster.notify("order_confirmation_overdue", order, None, ctx, timer=timer)

    @hookimpl
    async def hub_order_released(self, order, transition, ctx) -> None:
        await self.poster.notify("order_released", order, transition, ctx)

    @hookimpl
    async def hub_order_shipped(self, order, shipment, transition, ctx) -> None:
        # routed as 'order_shipped.back_order' it tells planning what is still short (欠货清单)
        await self.poster.notify("order_shipped", order, transition, ctx, shipment=shipment)

    @hookimpl
    async def hub_shipment_exception(self, shipment, transition, ctx) -> None:
        await self.poster.notify("shipment_exception", shipment, transition, ctx)

    @hookimpl
    async def hub_claim_opened(self, claim, transition, ctx) -> None:
        await self.poster.notify("claim_opened", claim, transition, ctx)

    @hookimpl
    async def hub_claim_documents_received(self, claim, transition, ctx) -> None:
        await self.poster.notify("claim_documents_received", claim, transition, ctx)

    @hookimpl
    async def hub_claim_negotiating(self, claim, transition, ctx) -> None:
        await self.poster.notify("claim_negotiating", claim, transition, ctx)

    @hookimpl
    async def hub_claim_settlement_proposed(self, claim, transition, ctx) -> None:
        await self.poster.notify("claim_settlement_proposed", claim, transition, ctx)

    @hookimpl
    async def hub_claim_report_issued(self, claim, transition, ctx) -> None:
        await self.poster.notify("claim_report_issued", claim, transition, ctx)

    @hookimpl
    async def hub_claim_approved(self, claim, transition, ctx) -> None:
        await self.poster.notify("claim_approved", claim, transition, ctx)

    @hookimpl
    async def hub_claim_with_legal(self, claim, transition, ctx) -> None:
        await self.poster.notify("claim_with_legal", claim, transition, ctx)

    @hookimpl
    async def hub_return_pending_review(self, return_request, transition, ctx) -> None:
        await self.poster.notify("return_pending_review", return_request, transition, ctx)

    @hookimpl
    async def hub_customer_vip_granted(self, customer, transition, ctx) -> None:
        await self.poster.notify("customer_vip_granted", customer, transition, ctx)

    @hookimpl
    async def hub_customer_vip_revoked(self, customer, transition, ctx) -> None:
        await self.poster.notify("customer_vip_revoked", customer, transition, ctx)

    @hookimpl
    async def hub_customer_vip_reevaluation_requested(self, customer, transition, ctx) -> None:
        # 004: below the requirement the sales department re-evaluates before any cancellation notice
        await self.poster.notify("customer_vip_reevaluation_requested", customer, transition, ctx)
