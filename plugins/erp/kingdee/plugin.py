"""Hook implementations of the Kingdee K3 Cloud adapter: each delegates to KingdeeDocuments (or KingdeeDebt)."""
from __future__ import annotations

from hub import ClaimSnapshot, HookContext, OrderSnapshot, hookimpl
from plugins.erp.common.debt import DebtCheck
from plugins.erp.common.finance import FinanceAudit
from plugins.erp.common.http import http_session
from plugins.erp.kingdee.client import KingdeeClient
from plugins.erp.kingdee.debt import KingdeeDebt
from plugins.erp.kingdee.documents import KingdeeDocuments
from plugins.erp.kingdee.settings import KingdeeSettings


class KingdeePlugin(FinanceAudit, DebtCheck):
    """Posts sales orders, outbound documents and claim credits to Kingdee K3 Cloud (金蝶云星空); reads the
    customer's open receivables for a claim's approvers."""

    debt_source = "kingdee"

    def __init__(self, settings: KingdeeSettings) -> None:
        self._settings = settings
        client = KingdeeClient(settings)  # one login session for every flow
        self._documents = KingdeeDocuments(client, settings)
        self._debt = KingdeeDebt(client, settings)

    @hookimpl
    async def hub_order_shipped(self, order: OrderSnapshot, ctx: HookContext) -> None:
        log = ctx.log.bind(order_ref=order.ref, idempotency_key=ctx.idempotency_key)
        async with http_session(ctx.http) as http:
            await self._documents.ship_order(http, order, ctx.idempotency_key, log)

    @hookimpl
    async def hub_claim_approved(self, claim: ClaimSnapshot, ctx: HookContext) -> None:
        log = ctx.log.bind(claim_ref=claim.ref, idempotency_key=ctx.idempotency_key)
        async with http_session(ctx.http) as http:
            bill_no = await self._documents.record_claim(http, claim, ctx.now.date(), log)
        ctx.emit("claim", claim.ref, "erp_recorded", erp_ref=bill_no)
