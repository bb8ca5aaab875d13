"""Pure translation between hub snapshots and Tryton values: no I/O here."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hub import OrderLine, OrderSnapshot
from plugins.erp.common.debt import CustomerDebt

# The button that moves a record one step towards where the hub needs it, by current state.
SALE_NEXT = {"draft": "quote", "quotation": "confirm", "confirmed": "process"}
SALE_SETTLED = ("processing", "done")
# Finance's audit (finance_audit = true): the hub quotes the sale, a finance user confirms it in Tryton.
SALE_APPROVED = ("confirmed", "processing", "done")
REASON_MAX = 500  # the hub's finance_rejected reason is at most this long
REF_MAX = 64  # and an ERP number, outbound_ref included
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


def outbound_ref(numbers: list[str]) -> str | None:
    """The outbound shipment numbers as one reference: all of them when they fit the hub's field,
    else the first and how many more."""
    numbers = [n for n in numbers if n]
    if not numbers:
        return None
    joined = ",".join(numbers)
    return joined if len(joined) <= REF_MAX else f"{numbers[0]} (+{len(numbers) - 1})"[:REF_MAX]


def finance_refusal(sale: dict[str, Any]) -> str:
    """Why finance refused the sale: what its user wrote in the sale's comment, else its state."""
    comment = " ".join(str(sale.get("comment") or "").split())
    if comment:
        return comment if len(comment) <= REASON_MAX else comment[:REASON_MAX - 1] + "…"
    what = f"sale {sale['number']}" if sale.get("number") else "the sale"
    if sale["state"] == "cancelled":
        return f"{what} was cancelled in Tryton (no comment given)"
    return f"{what} was reset to draft in Tryton after its quotation (no comment given)"


def finance_decision(sale: dict[str, Any] | None,
                     outbound: list[str]) -> tuple[str, dict[str, Any]] | None:
    """Finance's decision as the hub's reply, from the sale as it is now; None while it is pending.

    A draft sale only counts as refused when it carries a number: Tryton numbers a sale when it is
    quoted, so a numbered draft was a quotation that someone sent back. An unnumbered one is the
    hub's own posting, not finished yet.
    """
    if sale is None:
        return None
    refs = {"erp_ref": sale["number"]} if sale.get("number") else {}
    if sale["state"] in SALE_APPROVED:
        found = outbound_ref(outbound)
        return "finance_approved", {**refs, **({"outbound_ref": found} if found else {})}
    if sale["state"] == "cancelled" or (sale["state"] == "draft" and sale.get("number")):
        return "finance_rejected", {"reason": finance_refusal(sale), **refs}
    return None  # quotation: finance has not decided yet


def customer_debt(party: dict[str, Any], currency: str) -> CustomerDebt:
    """A party's receivable as the hub's reply. Tryton sums the open receivable move lines (debit − credit,
    so a credit is negative); receivable_today keeps the lines due today or earlier (maturity date, else
    the move's date), which is the part the customer is late with or owes now. The amounts are in the
    company's currency (the party's ``currency``), else ``currency``."""
    company_currency = party.get("currency.") or {}
    return CustomerDebt(open_balance=Decimal(party["receivable"] or 0),
                        overdue=Decimal(party["receivable_today"] or 0),
                        currency=company_currency.get("code") or currency)
