"""Documents attached to letters: the order confirmation (订单确认书), the delivery note (送货单), the
back-order list (欠货清单), the outbound note (成品出库表), the claim form (申请赔偿表) and the claim
report (理赔申请报告书) the approvers sign.

Each is an HTML template per language (``<language>/documents/<name>.html``, or
``<name>.<variant>.html`` for a notice's variant); the rows of its table are built here, escaped.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hub import ClaimSnapshot

from .notice import CHECKED, MISSING, UNCHECKED, Notice, back_order_lines, qty, to_ship
from .templates import TemplateStore

CUSTOMER_AUDIENCE, INTERNAL_AUDIENCE = frozenset({"customer"}), frozenset({"internal"})
# Who a document is for: the customer signs a confirmation or a delivery note; the warehouse ships
# from the outbound note; the back-order list goes to the customer and to planning (000).
AUDIENCES: dict[str, frozenset[str]] = {
    "order_confirmation": CUSTOMER_AUDIENCE,
    "delivery_note": CUSTOMER_AUDIENCE,
    "back_order_list": CUSTOMER_AUDIENCE | INTERNAL_AUDIENCE,
    "outbound_note": INTERNAL_AUDIENCE,
    "claim_form": CUSTOMER_AUDIENCE,
    "claim_report": INTERNAL_AUDIENCE,  # the approvers' (004): it shows the customer's debt, never sent to them
}
DOCUMENTS = tuple(AUDIENCES)


@dataclass(frozen=True)
class Document:
    filename: str
    content: str
    mime_type: str = "text/html"


def for_audience(document: str, audience: str) -> bool:
    """Whether ``document`` goes with the letters of ``audience`` (customer | internal)."""
    return audience in AUDIENCES.get(document, CUSTOMER_AUDIENCE)


def render_document(store: TemplateStore, document: str, notice: Notice, language: str) -> Document:
    """``document`` for the notice's entity, in ``language``, as a self-contained HTML file."""
    variables = dict(notice.variables)
    variables["lines_html"] = _rows(ROWS.get(document, _delivered_rows)(notice))
    if isinstance(notice.subject, ClaimSnapshot):
        variables.setdefault("documents_due_at", "-")
        variables.setdefault("total", MISSING)  # the order's total, when the hook carried the order
    content = store.render_document(document, language, variables, notice.variant)
    return Document(f"{document.replace('_', '-')}-{notice.ref}.html", content)


Cells = tuple[object, ...]


def _rows(rows: Iterable[Cells]) -> str:
    return "\n".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>"
                     for cells in rows)


def _delivered_rows(notice: Notice) -> list[Cells]:
    """The delivery note: a shipment's lines (what it carried), else the order's (what was shipped)."""
    order, shipment = notice.order, notice.shipment
    if shipment is not None and notice.subject is shipment:
        lines = {line.line_no: line for line in order.lines} if order is not None else {}
        rows = []
        for no, carried in sorted(shipment.lines.items()):
            line = lines.get(no)
            rows.append((no, line.product_code if line else MISSING, line.spec if line else "", qty(carried),
                         qty(line.back_order_qty) if line and line.back_order_qty else ""))
        return rows
    if order is None:
        return []
    return [(line.line_no, line.product_code, line.spec, qty(line.shipped_qty or line.qty),
             qty(line.back_order_qty) if line.back_order_qty else "") for line in order.lines]


def _confirmation_rows(notice: Notice) -> list[Cells]:
    """Every line as reviewed: quantity, price, amount, what is available and when the rest comes."""
    order = notice.order
    if order is None:
        return []
    rows = []
    for line in order.lines:
        amount = line.qty * line.unit_price if line.qty is not None and line.unit_price is not None else None
        rows.append((line.line_no, line.product_code, line.spec, qty(line.qty),
                     MISSING if line.unit_price is None else f"{line.unit_price:,.2f}",
                     MISSING if amount is None else f"{amount:,.2f}", qty(line.available_qty),
                     qty(line.back_order_qty) if line.back_order_qty else "",
                     line.back_order_eta.isoformat() if line.back_order_eta else ""))
    return rows


def _back_order_rows(notice: Notice) -> list[Cells]:
    """The lines still short: ordered, shipped so far, short, and planning's date."""
    order = notice.order
    if order is None:
        return []
    return [(line.line_no, line.product_code, line.spec, qty(line.qty), qty(line.shipped_qty),
             qty(line.back_order_qty), line.back_order_eta.isoformat() if line.back_order_eta else MISSING)
            for line in back_order_lines(order)]


def _outbound_rows(notice: Notice) -> list[Cells]:
    """What the warehouse ships now: each line's available less shipped quantity (short lines wait)."""
    order = notice.order
    if order is None:
        return []
    return [(line.line_no, line.product_code, line.spec, qty(to_ship(line)),
             qty(line.back_order_qty) if line.back_order_qty else "")
            for line in order.lines if to_ship(line) > 0]


def _claim_document_rows(notice: Notice) -> list[Cells]:
    """The claim form's documents: those in (☑), then those still missing (☐)."""
    claim = notice.subject
    if not isinstance(claim, ClaimSnapshot):
        return []
    return [(name, CHECKED) for name in claim.documents_received] + [
        (name, UNCHECKED) for name in claim.documents_missing]


ROWS: dict[str, Callable[[Notice], list[Cells]]] = {
    "order_confirmation": _confirmation_rows,
    "delivery_note": _delivered_rows,
    "back_order_list": _back_order_rows,
    "outbound_note": _outbound_rows,
    "claim_form": lambda notice: [],
    "claim_report": _claim_document_rows,
}
