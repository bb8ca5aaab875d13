"""The customer's open balance read off the ERP when a claim's settlement is proposed (004: 财会部评估客户欠款情况),
replied as ``claim.debt_checked`` so the approvers see what the customer still owes before the claim is paid.

``CustomerDebt`` is the one reply shape of every adapter; ``DebtCheck`` is the hook for adapters whose debt
reader offers ``customer_debt(http, order, claim, today, log)`` (Kingdee, Odoo; Tryton reads through its client).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hub import ClaimSnapshot, HookContext, OrderSnapshot, hookimpl
from plugins.erp.common.http import http_session

CENT = Decimal("0.01")


def money_text(value: Decimal) -> str:
    """A decimal string with cents, as the hub stores money: 1234.5 → "1234.50", -0 → "0.00"."""
    cents = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return str(cents + 0)  # + 0 turns Decimal("-0.00") into "0.00"


def decimal_of(value: Any) -> Decimal:
    """An ERP amount (a JSON float or int, a decimal string, Odoo's False for "no value") as a Decimal."""
    if value is None or value is False or value == "":
        return Decimal(0)
    # str() first: Decimal(0.1) would carry the float's binary error into the sum.
    return Decimal(str(value))


@dataclass(frozen=True)
class CustomerDebt:
    """What the customer owes in the ERP: negative when the customer is in credit; ``overdue`` is None
    when the ERP cannot say what part of it is past due."""

    open_balance: Decimal
    overdue: Decimal | None
    currency: str

    def reply(self, source: str) -> dict[str, Any]:
        """The data of ``claim.debt_checked``."""
        return {"open_balance": money_text(self.open_balance),
                "overdue": money_text(self.overdue) if self.overdue is not None else None,
                "currency": self.currency, "source": source}


class DebtCheck:
    """``hub_claim_settlement_proposed``: the customer's open balance, read fresh on every delivery (a read
    only, so a redelivery simply reports the figure as it is by then). ``debt_check = false`` turns it off."""

    _settings: Any
    _debt: Any
    debt_source: str

    @hookimpl
    async def hub_claim_settlement_proposed(self, claim: ClaimSnapshot, order: OrderSnapshot,
                                            ctx: HookContext) -> None:
        if not self._settings.debt_check:
            return
        log = ctx.log.bind(claim_ref=claim.ref, customer=order.customer.code, idempotency_key=ctx.idempotency_key)
        # Past due is counted by the ERP's business day, not by UTC's.
        today = ctx.now.astimezone(ZoneInfo(self._settings.timezone)).date()
        async with http_session(ctx.http) as http:
            debt = await self._debt.customer_debt(http, order, claim, today, log)
        log.info("erp.debt_checked", source=self.debt_source, open_balance=money_text(debt.open_balance),
                 currency=debt.currency)
        ctx.emit("claim", claim.ref, "debt_checked", **debt.reply(self.debt_source))
