"""Posting an order for finance's audit and reading finance's decision back: the same two hooks for
every adapter whose documents object offers ``post_order(http, order, log)`` and
``finance_check(http, order, log)`` (Kingdee, Odoo; Tryton drives its sale through its own client).
"""
from __future__ import annotations

from typing import Any

from hub import HookContext, OrderSnapshot, hookimpl
from plugins.erp.common.http import http_session


class FinanceAudit:
    """With ``finance_audit`` the posting only puts the document before finance (``erp_recorded``);
    ``hub_order_finance_check`` then replies finance's decision read off the ERP document, or nothing
    while it is pending. Without it, the posting itself counts as finance's approval."""

    _settings: Any
    _documents: Any

    @hookimpl
    async def hub_order_posted(self, order: OrderSnapshot, ctx: HookContext) -> None:
        log = ctx.log.bind(order_ref=order.ref, idempotency_key=ctx.idempotency_key)
        async with http_session(ctx.http) as http:
            number = await self._documents.post_order(http, order, log)
        event = "erp_recorded" if self._settings.finance_audit else "finance_approved"
        ctx.emit("order", order.ref, event, erp_ref=number)

    @hookimpl
    async def hub_order_finance_check(self, order: OrderSnapshot, ctx: HookContext) -> None:
        if not self._settings.finance_audit:
            return  # the posting itself counted as finance's approval
        log = ctx.log.bind(order_ref=order.ref, idempotency_key=ctx.idempotency_key)
        async with http_session(ctx.http) as http:
            decision = await self._documents.finance_check(http, order, log)
        if decision is not None:
            event, data = decision
            ctx.emit("order", order.ref, event, **data)
