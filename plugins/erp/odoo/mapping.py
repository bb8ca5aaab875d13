"""Hub snapshots → Odoo values and domains (pure). x2many lines use the (0, 0, vals) command."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hub import ClaimSnapshot, OrderSnapshot, PermanentError

CREATE = 0  # x2many command: create a line from vals


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
