"""The customer's open balance in Odoo for the claim's approvers: ``res.partner.credit`` and its overdue part.

``credit`` (Total Receivable) is what Odoo's own partner form shows: the residual of the partner's posted,
unreconciled journal items on receivable accounts, in the company's currency (``_credit_debit_get`` in
``addons/account/models/partner.py``). Odoo has no overdue figure in the community edition
(``total_overdue`` belongs to the follow-up reports), so the same items are summed once more, restricted to
those whose due date (``date_maturity``) is before today.
"""
from __future__ import annotations

from datetime import date

import aiohttp
from structlog.typing import FilteringBoundLogger

from hub import ClaimSnapshot, OrderSnapshot, PermanentError
from plugins.erp.common.debt import CustomerDebt
from plugins.erp.odoo import mapping
from plugins.erp.odoo.client import OdooClient


class OdooDebt:
    """Three reads: the partner by the hub's customer code (``ref``), its credit, its overdue items."""

    def __init__(self, client: OdooClient) -> None:
        self._client = client

    async def customer_debt(self, http: aiohttp.ClientSession, order: OrderSnapshot, claim: ClaimSnapshot,
                            today: date, log: FilteringBoundLogger) -> CustomerDebt:
        code = order.customer.code
        found = await self._client.call(http, "res.partner", "search_read", log=log,
                                        domain=mapping.partner_domain(code), fields=["commercial_partner_id"],
                                        order="id asc", limit=2)
        if not found:
            raise PermanentError(f"odoo: no contact with reference {code}")
        if len(found) > 1:
            log.warning("odoo.duplicate_records", model="res.partner", count=len(found))
        partner_id = mapping.commercial_partner_id(found[0])
        [partner] = await self._client.call(http, "res.partner", "read", log=log, ids=[partner_id],
                                            fields=["credit", "currency_id"])
        overdue = await self._client.call(http, "account.move.line", "search_read", log=log,
                                          domain=mapping.overdue_domain(partner_id, today),
                                          fields=["amount_residual"])
        return mapping.customer_debt(partner, overdue, claim.currency)
