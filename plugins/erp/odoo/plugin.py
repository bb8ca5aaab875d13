"""Hook implementations of the Odoo adapter: each delegates to OdooDocuments (or OdooDebt)."""
from __future__ import annotations

from hub import ClaimSnapshot, HookContext, OrderSnapshot, hookimpl
from plugins.erp.common.debt import DebtCheck
from plugins.erp.common.finance import FinanceAudit
from plugins.erp.common.http import http_session
from plugins.erp.odoo.client import OdooClient
from plugins.erp.odoo.debt import OdooDebt
from plugins.erp.odoo.documents import OdooDocuments
from plugins.erp.odoo.settings import OdooSettings


class OdooPlugin(FinanceAudit, DebtCheck):
    """Confirms sale orders, validates deliveries and posts claim credit notes in Odoo; reads the
    customer's open balance for a claim's approvers."""

    debt_source = "odoo"

    def __init__(self, settings: OdooSettings) -> None:
        self._settings = settings
        client = OdooClient(settings)  # one uid cache for every flow
        self._documents = OdooDocuments(client, settings)
        self._debt = OdooDebt(client)

    @hookimpl
    async def hub_order_shipped(self, order: OrderSnapshot, ctx: HookContext) -> None:
        log = ctx.log.bind(order_ref=order.ref, idempotency_key=ctx.idempotency_key)
        async with http_session(ctx.http) as http:
            await self._documents.ship_order(http, order, log)

    @hookimpl
    async def hub_claim_approved(self, claim: ClaimSnapshot, ctx: HookContext) -> None:
        log = ctx.log.bind(claim_ref=claim.ref, idempotency_key=ctx.idempotency_key)
        async with http_session(ctx.http) as http:
            name = await self._documents.record_claim(http, claim, ctx.now.date(), log)
        ctx.emit("claim", claim.ref, "erp_recorded", erp_ref=name)
