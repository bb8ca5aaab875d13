"""Hub snapshots → Odoo values and domains (pure). x2many lines use the (0, 0, vals) command."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from hub import ClaimSnapshot, OrderSnapshot, PermanentError
from plugins.erp.common.debt import CustomerDebt, decimal_of

CREATE = 0  # x2many command: create a line from vals


def partner_domain(customer_code: str) -> list[list[Any]]:
    return [["ref", "=", customer_code]]


def order_domain(order_ref: str) -> list[list[Any]]:
    return [["client_order_ref", "=", order_ref]]


def credit_note_domain(claim_ref: str) -> list[list[Any]]:
    return [["ref", "=", claim_ref], ["move_type", "=", "out_refund"]]


def money(value: Decimal) -> float:
    # Odoo's monetary fields are floats on the wire.
    return float(value.quantize(Decimal("0.01")))


def sale_order_vals(order: OrderSnapshot, partner_id: int, product_ids: dict[str, int]) -> dict[str, Any]:
    """A sale.order for ``order``; ``client_order_ref`` carries the hub's reference."""
    missing = sorted({line.product_code for line in order.lines} - set(product_ids))
    if missing:
        raise PermanentError(f"odoo: no product with internal reference {', '.join(missing)}")
    if not order.lines:
        raise PermanentError(f"odoo: order {order.ref} has no lines")
    return {
        "partner_id": partner_id,
        "client_order_ref": order.ref,
        "order_line": [
            [CREATE, 0, {"product_id": product_ids[line.product_code], "product_uom_qty": float(line.qty),
                         "price_unit": money(line.unit_price)}]
            for line in order.lines
        ],
    }


def credit_note_vals(claim: ClaimSnapshot, partner_id: int, product_id: int | None, on: date) -> dict[str, Any]:
    """A customer credit note (account.move, out_refund) for the approved claim amount."""
    value = claim.amount_approved if claim.amount_approved is not None else claim.amount_claimed
    if value <= 0:
        raise PermanentError(f"odoo: claim {claim.ref} has no positive amount to credit")
    line: dict[str, Any] = {"name": f"Claim {claim.ref} ({claim.kind})", "quantity": 1,
                            "price_unit": money(value)}
    if product_id is not None:
        line["product_id"] = product_id
    return {"move_type": "out_refund", "partner_id": partner_id, "ref": claim.ref,
            "invoice_origin": claim.order_ref, "invoice_date": on.isoformat(),
            "invoice_line_ids": [[CREATE, 0, line]]}


REASON_MAX = 500  # the hub's finance_rejected reason is at most this long
REF_MAX = 64  # and an ERP number, outbound_ref included
APPROVED = frozenset({"sale", "done"})
PENDING = frozenset({"draft", "sent"})
_TAG = re.compile(r"<[^>]+>")


def outbound_ref(names: list[str]) -> str | None:
    """The delivery orders' names as one reference: all of them when they fit, else the first and how many more."""
    names = [n for n in names if n]
    if not names:
        return None
    joined = ",".join(names)
    return joined if len(joined) <= REF_MAX else f"{names[0]} (+{len(names) - 1})"[:REF_MAX]


def reason_text(value: Any) -> str:
    """A field's value as plain text: a many2one's display name, an Html field without its tags."""
    if isinstance(value, list | tuple):  # many2one: [id, display_name]
        value = value[1] if len(value) > 1 else ""
    if value is False or value is None:
        return ""
    text = " ".join(_TAG.sub(" ", str(value)).split())
    return text if len(text) <= REASON_MAX else text[:REASON_MAX - 1] + "…"


def finance_decision(so: dict[str, Any], deliveries: list[str], reason: Any) -> tuple[str, dict[str, Any]] | None:
    """Finance's decision on a quotation, from its state; None while it is pending."""
    name = str(so["name"])
    if so["state"] in APPROVED:
        found = outbound_ref(deliveries)
        return "finance_approved", {"erp_ref": name, **({"outbound_ref": found} if found else {})}
    if so["state"] == "cancel":
        why = reason_text(reason) or f"sale order {name} was cancelled in Odoo (no reason given)"
        return "finance_rejected", {"reason": why, "erp_ref": name}
    if so["state"] in PENDING:
        return None
    raise PermanentError(f"odoo: sale order {name} is in state {so['state']!r}, which the adapter does not know")


def commercial_partner_id(partner: dict[str, Any]) -> int:
    """The partner whose journal items carry the debt: Odoo books a contact's invoices on its company
    (the commercial partner), and ``credit`` only sums items booked on the partner itself."""
    commercial = partner.get("commercial_partner_id")
    if isinstance(commercial, list | tuple) and commercial:
        return int(commercial[0])
    return int(partner["id"])


def overdue_domain(partner_id: int, today: date) -> list[list[Any]]:
    """The journal items ``res.partner.credit`` sums (posted, not reconciled, on a receivable account) that
    fell due before ``today``."""
    return [["partner_id", "=", partner_id], ["parent_state", "=", "posted"],
            ["account_id.account_type", "=", "asset_receivable"], ["reconciled", "=", False],
            ["date_maturity", "<", today.isoformat()]]


def customer_debt(partner: dict[str, Any], overdue_items: list[dict[str, Any]], currency: str) -> CustomerDebt:
    """The partner's Total Receivable (``credit``: negative when the customer is in credit) in the company's
    currency (``currency_id``, else ``currency``), and the residual of its overdue items."""
    company_currency = partner.get("currency_id")
    if isinstance(company_currency, list | tuple) and len(company_currency) > 1:
        currency = str(company_currency[1])  # many2one as [id, display name]; a currency's name is its ISO code
    overdue = sum((decimal_of(item.get("amount_residual")) for item in overdue_items), Decimal(0))
    return CustomerDebt(open_balance=decimal_of(partner.get("credit")), overdue=overdue, currency=currency)
