"""The customer's open receivables in K3 Cloud for the claim's approvers, from the receivable bills (应收单).

K3 offers its receivable balance as reports (应收款汇总表, 账龄分析表), which ExecuteBillQuery cannot read, so
the balance is summed over the bills themselves: audited, not fully written off, not cancelled, each counted
at its amount (FALLAMOUNTFOR, 价税合计, negative for red bills such as the hub's claim credits) less what was
received against it (FRELATEHADPAYAMOUNT). Overdue is the part of bills whose due date (FENDDATE_H) is before
today. The form id, every field key and the filter are settings: the keys come from community integration
samples and SDK users, not from a published Kingdee field reference, and a customised account set differs.
"""
from __future__ import annotations

from datetime import date

import aiohttp
from structlog.typing import FilteringBoundLogger

from hub import ClaimSnapshot, OrderSnapshot, PermanentError
from plugins.erp.common.debt import CustomerDebt
from plugins.erp.kingdee import mapping, units
from plugins.erp.kingdee.client import KingdeeClient
from plugins.erp.kingdee.settings import KingdeeSettings


class KingdeeDebt:
    """One paged ExecuteBillQuery on the receivable form; a customer lookup only when nothing is open."""

    def __init__(self, client: KingdeeClient, settings: KingdeeSettings) -> None:
        self._client = client
        self._settings = settings

    async def customer_debt(self, http: aiohttp.ClientSession, order: OrderSnapshot, claim: ClaimSnapshot,
                            today: date, log: FilteringBoundLogger) -> CustomerDebt:
        s, code = self._settings, order.customer.code
        fields = mapping.debt_fields(s)
        rows = await self._client.query_all(http, s.debt_form_id, fields, mapping.debt_filter(s, code), log)
        if not rows and not await self._customer_exists(http, code, log):
            # "Owes nothing" would mislead the approvers when the hub's code is simply unknown to K3.
            raise PermanentError(f"kingdee: no customer numbered {code} in {units.CUSTOMER}")
        debt, other_currency = mapping.customer_debt(rows, fields, s, claim.currency, today)
        if other_currency:
            log.warning("kingdee.debt_bills_in_other_currencies", bills=other_currency, currency=claim.currency)
        return debt

    async def _customer_exists(self, http: aiohttp.ClientSession, code: str, log: FilteringBoundLogger) -> bool:
        rows = await self._client.query(http, units.CUSTOMER, ["FCUSTID"], mapping.equals_filter("FNumber", code),
                                        log, limit=1)
        return bool(rows)
