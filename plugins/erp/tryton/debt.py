"""The customer's open balance in Tryton for a claim's approvers: the party's computed receivable."""
from __future__ import annotations

from hub import ClaimSnapshot, HookContext, OrderSnapshot, PermanentError
from plugins.erp.common.debt import CustomerDebt
from plugins.erp.tryton import mapping
from plugins.erp.tryton.client import TrytonClient

PARTY_FIELDS = ["receivable", "receivable_today", "currency.code"]


async def customer_debt(client: TrytonClient, order: OrderSnapshot, claim: ClaimSnapshot,
                        ctx: HookContext) -> CustomerDebt:
    """Read off the customer's party (party.code is the hub's customer code, as for sales); a party that
    does not exist is an error, not a zero: the approvers must not read "owes nothing" for "unknown"."""
    code = order.customer.code
    found = await client.search_read("party.party", [["code", "=", code]], PARTY_FIELDS, limit=1)
    if not found:
        raise PermanentError(f"Tryton has no party with code {code}: no receivable to report")
    debt = mapping.customer_debt(found[0], claim.currency)
    reply = debt.reply("tryton")
    ctx.log.info("erp.tryton.debt_checked", claim=claim.ref, party=code, receivable=reply["open_balance"],
                 receivable_today=reply["overdue"], currency=reply["currency"])
    return debt
