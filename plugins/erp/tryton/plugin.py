"""Hook implementations of the Tryton ERP plugin: each one delegates to a flow module."""
from __future__ import annotations

from hub import ClaimSnapshot, HookContext, OrderSnapshot, ReturnSnapshot, hookimpl
from plugins.erp.tryton import complaints, debt, sales, shipments
from plugins.erp.tryton.client import TrytonClient
from plugins.erp.tryton.locks import KeyedLocks
from plugins.erp.tryton.settings import TrytonSettings


class TrytonPlugin:
    """Tryton 8.2 over JSON-RPC: review stock, post sales, move shipments, credit claims, report the
    customer's receivable to a claim's approvers."""

    def __init__(self, settings: TrytonSettings) -> None:
        self.settings = settings
        self.client = TrytonClient(settings)
        # Tryton's sale reference is not unique: one posting per order at a time in this
        # process; the outbox orders one order's deliveries across processes.
        self._orders = KeyedLocks()

    def _client(self, ctx: HookContext) -> TrytonClient:
        self.client.attach(ctx.http)
        return self.client

    @hookimpl
    async def hub_order_received(self, order: OrderSnapshot, ctx: HookContext) -> None:
        if order.missing_fields:
            return  # clarified with the customer first; the hub calls again once it is complete
        lines = await sales.review(self._client(ctx), self.settings, order, ctx.now.date())
        ctx.emit("order", order.ref, "reviewed", lines=lines)

    @hookimpl
    async def hub_order_posted(self, order: OrderSnapshot, ctx: HookContext) -> None:
        async with self._orders.hold(order.ref):
            number, outbound = await sales.post(self._client(ctx), self.settings, order, ctx)
        if self.settings.finance_audit:
            # A quotation awaiting finance: hub_order_finance_check reads finance's decision.
            ctx.emit("order", order.ref, "erp_recorded", erp_ref=number)
        else:
            ctx.emit("order", order.ref, "finance_approved", erp_ref=number, outbound_ref=outbound)

    @hookimpl
    async def hub_order_finance_check(self, order: OrderSnapshot, ctx: HookContext) -> None:
        if not self.settings.finance_audit:
            return  # the posting itself counted as finance's approval
        async with self._orders.hold(order.ref):
            decision = await sales.finance_check(self._client(ctx), order, ctx)
        if decision is not None:
            event, data = decision
            ctx.emit("order", order.ref, event, **data)

    @hookimpl
    async def hub_order_shipped(self, order: OrderSnapshot, ctx: HookContext) -> None:
        async with self._orders.hold(order.ref):
            await shipments.advance(self._client(ctx), self.settings, order.ref, "shipped", ctx)

    @hookimpl
    async def hub_order_delivered(self, order: OrderSnapshot, ctx: HookContext) -> None:
        async with self._orders.hold(order.ref):
            await shipments.advance(self._client(ctx), self.settings, order.ref, "done", ctx)

    @hookimpl
    async def hub_claim_approved(self, claim: ClaimSnapshot, ctx: HookContext) -> None:
        async with self._orders.hold(claim.order_ref):
            erp_ref = await complaints.claim(self._client(ctx), self.settings, claim, ctx)
        ctx.emit("claim", claim.ref, "erp_recorded", erp_ref=erp_ref)

    @hookimpl
    async def hub_claim_settlement_proposed(self, claim: ClaimSnapshot, order: OrderSnapshot,
                                            ctx: HookContext) -> None:
        if not self.settings.debt_check:
            return
        # A read only: no order lock, and a redelivery reports the receivable as it is by then.
        found = await debt.customer_debt(self._client(ctx), order, claim, ctx)
        ctx.emit("claim", claim.ref, "debt_checked", **found.reply("tryton"))

    @hookimpl
    async def hub_return_awaiting_refund(self, return_request: ReturnSnapshot, ctx: HookContext) -> None:
        async with self._orders.hold(return_request.order_ref):
            erp_ref = await complaints.return_sale(self._client(ctx), self.settings, return_request, ctx)
        ctx.emit("return", return_request.ref, "erp_recorded", erp_ref=erp_ref)

    @hookimpl
    async def hub_shutdown(self, ctx: HookContext) -> None:
        await self.client.close()
