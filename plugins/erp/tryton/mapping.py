"""Pure translation between hub snapshots and Tryton values: no I/O here."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hub import OrderLine, OrderSnapshot

# The button that moves a record one step towards where the hub needs it, by current state.
SALE_NEXT = {"draft": "quote", "quotation": "confirm", "confirmed": "process"}
SALE_SETTLED = ("processing", "done")
COMPLAINT_NEXT = {"draft": "wait", "waiting": "approve", "approved": "process"}
SHIPMENT_RANK = {"draft": 0, "waiting": 1, "assigned": 2, "picked": 3, "packed": 4, "shipped": 5,
                 "done": 6}


def number_text(value: Any) -> str:
    """Tryton floats and Decimals as plain decimal strings: 7.0 → "7", 2.5 → "2.5"."""
    return format(Decimal(str(value)).normalize(), "f")


def money_text(value: Decimal) -> str:
    """Prices with at least cents: 12.5000 → "12.50", 1.2345 stays "1.2345"."""
    cents = value.quantize(Decimal("0.01"))
    return str(cents) if cents == value else number_text(value)


def back_order_eta(short: Decimal, incoming: list[tuple[dt.date, Decimal]],
                   today: dt.date) -> dt.date | None:
    """The first planned date by which incoming stock covers the shortage; None if it never does."""
    covered = Decimal(0)
    for planned, quantity in sorted(incoming):
        covered += quantity
        if covered >= short:
            return max(planned, today)  # a late supplier is due today at the earliest
    return None


def review_line(line: OrderLine, available: Decimal, list_price: Decimal,
                incoming: list[tuple[dt.date, Decimal]], today: dt.date) -> dict[str, Any]:
    available = max(available, Decimal(0))
    eta = back_order_eta(line.qty - available, incoming, today) if available < line.qty else None
    return {"line_no": line.line_no, "available_qty": number_text(available),
            "back_order_eta": eta.isoformat() if eta else None, "list_price": money_text(list_price)}


def sale_values(order: OrderSnapshot, *, party: int, address: int, products: dict[str, dict],
                warehouse: int | None, payment_term: int | None,
                currency: int | None) -> dict[str, Any]:
    """A sale.sale create: raw create runs no on_change, so addresses, units and prices go in here."""
    lines = [{"type": "line", "sequence": line.line_no, "product": products[line.product_code]["id"],
              "quantity": float(line.qty), "unit": products[line.product_code]["unit"],
              "unit_price": line.unit_price, "description": _description(line)}
             for line in order.lines]
    values: dict[str, Any] = {
        "party": party, "reference": order.ref, "description": f"hub order {order.ref}",
        "invoice_address": address, "shipment_address": address,
        "invoice_method": "order", "shipment_method": "order", "lines": [["create", lines]]}
    optional = {"warehouse": warehouse, "payment_term": payment_term, "currency": currency}
    values.update({k: v for k, v in optional.items() if v is not None})
    return values


def _description(line: OrderLine) -> str:
    return f"{line.product_code} {line.spec}".strip()


def next_shipment_button(state: str, target: str, two_step: bool) -> str | None:
    """Which stock.shipment.out button brings ``state`` one step closer to ``target``."""
    if state == "cancelled":
        raise ValueError("cancelled")
    if SHIPMENT_RANK[state] >= SHIPMENT_RANK[target]:
        return None
    if state == "assigned":
        return "pick" if two_step else "pack"  # one-step warehouses have no picking
    if state == "packed" and target == "done":
        return "do"
    return {"draft": "wait", "waiting": "assign_try", "picked": "pack", "packed": "ship",
            "shipped": "do"}[state]


def credit_action(invoice_line: int, amount: Decimal) -> dict[str, Any]:
    """A credit_note action worth exactly ``amount``: Tryton credits qty × (price − new price),
    so one unit at ``amount`` on any invoice line makes a credit note of −amount."""
    return {"action": "credit_note",
            "invoice_lines": [["create", [{"line": invoice_line, "quantity": 1.0, "unit_price": amount}]]]}


def return_action(sale_line: int | None) -> dict[str, Any]:
    """A sale_return action: the given sale line, or every line when the return names none."""
    action: dict[str, Any] = {"action": "sale_return"}
    if sale_line is not None:
        action["sale_lines"] = [["create", [{"line": sale_line}]]]
    return action


def record_ref(model: str, record_id: int) -> str:
    """Tryton's Reference field value for a record."""
    return f"{model},{record_id}"
