"""SMTP notifier: hook implementations only; routing, rendering and I/O live next door."""
from __future__ import annotations

from hub import hookimpl

from .notifier import Mailer
from .report_mail import send_report
from .settings import SmtpSettings


class SmtpNotifier:
    """E-mails customers at their milestones (with the confirmation, delivery note, back-order list or claim
    form) and roles at theirs (the warehouse its outbound note, planning the back-order list, the approvers
    the claim report)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.mailer = Mailer(settings)

    @hookimpl
    def hub_register_channels(self, register) -> None:
        register("email")

    @hookimpl
    async def hub_sla_breached(self, timer, ctx) -> None:
        await self.mailer.notify("sla_breached", timer, None, ctx)

    @hookimpl
    async def hub_report_ready(self, report, ctx) -> None:
        await send_report(self.mailer, report, ctx)

    @hookimpl
    async def hub_order_price_escalated(self, order, transition, ctx) -> None:
        await self.mailer.notify("order_price_escalated", order, transition, ctx)

    @hookimpl
    async def hub_order_reviewed(self, order, transition, ctx) -> None:
        # The order confirmation (订单确认书) went to the customer: the order now awaits its return.
        sent = await self.mailer.notify("order_reviewed", order, transition, ctx)
        if any(recipient.audience == "customer" for recipient in sent):
            ctx.emit("order", order.ref, "confirmation_sent")

    @hookimpl
    async def hub_order_confirmation_overdue(self, order, timer, ctx) -> None:
        await self.mailer.notify("order_confirmation_overdue", order, None, ctx, timer=timer)

    @hookimpl
    async def hub_order_released(self, order, transition, ctx) -> None:
        await self.mailer.notify("order_released", order, transition, ctx)

    @hookimpl
    async def hub_order_cancelled(self, order, transition, ctx) -> None:
        # a refund or a cancel before shipping: the customer is told, the warehouse takes it off its notes
        await self.mailer.notify("order_cancelled", order, transition, ctx)

    @hookimpl
    async def hub_shipment_delivery_note_due(self, shipment, order, timer, ctx) -> None:
        await self.mailer.notify("shipment_delivery_note_due", shipment, None, ctx, order=order, timer=timer)

    @hookimpl
    async def hub_order_shipped(self, order, shipment, transition, ctx) -> None:
        await self.mailer.notify("order_shipped", order, transition, ctx, shipment=shipment)

    @hookimpl
    async def hub_order_delivered(self, order, transition, ctx) -> None:
        await self.mailer.notify("order_delivered", order, transition, ctx)

    @hookimpl
    async def hub_shipment_customs(self, shipment, transition, ctx) -> None:
        await self.mailer.notify("shipment_customs", shipment, transition, ctx)

    @hookimpl
    async def hub_shipment_handed_off(self, shipment, transition, ctx) -> None:
        await self.mailer.notify("shipment_handed_off", shipment, transition, ctx)

    @hookimpl
    async def hub_shipment_out_for_delivery(self, shipment, transition, ctx) -> None:
        await self.mailer.notify("shipment_out_for_delivery", shipment, transition, ctx)

    @hookimpl
    async def hub_shipment_delivered(self, shipment, transition, ctx) -> None:
        await self.mailer.notify("shipment_delivered", shipment, transition, ctx)

    @hookimpl
    async def hub_shipment_exception(self, shipment, transition, ctx) -> None:
        await self.mailer.notify("shipment_exception", shipment, transition, ctx)

    @hookimpl
    async def hub_claim_opened(self, claim, transition, ctx) -> None:
        await self.mailer.notify("claim_opened", claim, transition, ctx)

    @hookimpl
    async def hub_claim_documents_received(self, claim, transition, ctx) -> None:
        await self.mailer.notify("claim_documents_received", claim, transition, ctx)

    @hookimpl
    async def hub_claim_negotiating(self, claim, transition, ctx) -> None:
        await self.mailer.notify("claim_negotiating", claim, transition, ctx)

    @hookimpl
    async def hub_claim_settlement_proposed(self, claim, transition, ctx) -> None:
        await self.mailer.notify("claim_settlement_proposed", claim, transition, ctx)

    @hookimpl
    async def hub_claim_report_issued(self, claim, order, transition, ctx) -> None:
        # 004: the claim report (理赔申请报告书) to the approvers, attached; the order's total is on it
        await self.mailer.notify("claim_report_issued", claim, transition, ctx, order=order)

    @hookimpl
    async def hub_claim_approved(self, claim, transition, ctx) -> None:
        await self.mailer.notify("claim_approved", claim, transition, ctx)

    @hookimpl
    async def hub_claim_paid(self, claim, transition, ctx) -> None:
        await self.mailer.notify("claim_paid", claim, transition, ctx)

    @hookimpl
    async def hub_claim_with_legal(self, claim, transition, ctx) -> None:
        await self.mailer.notify("claim_with_legal", claim, transition, ctx)

    @hookimpl
    async def hub_return_pending_review(self, return_request, transition, ctx) -> None:
        await self.mailer.notify("return_pending_review", return_request, transition, ctx)

    @hookimpl
    async def hub_return_awaiting_customer_shipment(self, return_request, transition, ctx) -> None:
        await self.mailer.notify("return_awaiting_customer_shipment", return_request, transition, ctx)

    @hookimpl
    async def hub_return_completed(self, return_request, transition, ctx) -> None:
        await self.mailer.notify("return_completed", return_request, transition, ctx)

    @hookimpl
    async def hub_return_closed(self, return_request, transition, ctx) -> None:
        await self.mailer.notify("return_closed", return_request, transition, ctx)

    @hookimpl
    async def hub_customer_vip_granted(self, customer, transition, ctx) -> None:
        await self.mailer.notify("customer_vip_granted", customer, transition, ctx)

    @hookimpl
    async def hub_customer_vip_revoked(self, customer, transition, ctx) -> None:
        await self.mailer.notify("customer_vip_revoked", customer, transition, ctx)

    @hookimpl
    async def hub_customer_vip_reevaluation_requested(self, customer, transition, ctx) -> None:
        # 004: below the requirement the sales department re-evaluates before any cancellation notice
        await self.mailer.notify("customer_vip_reevaluation_requested", customer, transition, ctx)
