"""What a document shows, from the snapshots of its entity (pure): every value a printable string.

The API renders from the entity as stored now; a notify plugin from the snapshots its hook carried,
so the letter's attachment shows what the letter is about. ``values`` are the figures a snapshot
does not hold (the ERP's outbound number, the event's note, the shipment it names and its time ``at``:
finance's approval for the outbound note, the shipping for the back-order list).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hub.core.models import ClaimSnapshot, CustomerSnapshot, OrderLine, OrderSnapshot, ShipmentSnapshot

MISSING = "-"
CHECKED, UNCHECKED = "☑", "☐"  # the box that applies on a form (pickup or delivery; a document in)

# The claim form's list (004), in the documents' languages.
CLAIM_DOCUMENT_NAMES = {
    "signed_delivery_receipt": {"zh-CN": "签收单（已签字）", "en": "Signed delivery receipt"},
    "waybill": {"zh-CN": "运单", "en": "Waybill"},
    "commercial_invoice": {"zh-CN": "商业发票", "en": "Commercial invoice"},
    "loss_evidence_photos": {"zh-CN": "损失证明（照片）", "en": "Evidence of the loss (photos)"},
    "amount_claimed": {"zh-CN": "索赔金额", "en": "Amount claimed"},
}
CLAIM_KINDS = {"damage": {"zh-CN": "货损", "en": "damage"}, "shortage": {"zh-CN": "短少", "en": "shortage"},
               "wrong_goods": {"zh-CN": "错货", "en": "wrong goods"}, "loss": {"zh-CN": "丢失", "en": "loss"}}
FAULTS = {"company": {"zh-CN": "我司原因", "en": "the company"}, "carrier": {"zh-CN": "承运商", "en": "the carrier"},
          "customer": {"zh-CN": "客户", "en": "the customer"}, "unknown": {"zh-CN": "待查", "en": "not known yet"}}


def qty(value: Decimal | None) -> str:
    """A quantity as people write it: 2, 1.5 (never 2.000 or 1E+1)."""
    return MISSING if value is None else format(value.normalize(), "f")


def money(value: Decimal | None) -> str:
    return MISSING if value is None else f"{value:,.2f}"


def text(value: Any, tz: ZoneInfo) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, datetime):  # with its zone, as the letters write it: a deadline is unambiguous
        return f"{value.astimezone(tz):%Y-%m-%d %H:%M} ({tz.key})"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def to_ship(line: OrderLine) -> Decimal:
    """What the warehouse ships of a line now: what is available less what already left."""
    available = line.available_qty if line.available_qty is not None else (line.qty or Decimal(0))
    if line.qty is not None:
        available = min(available, line.qty)  # a review may report more on hand than was ordered
    return max(available - line.shipped_qty, Decimal(0))


def document_context(subject: Any, related: dict[str, Any], tz: ZoneInfo, language: str,
                     values: dict[str, Any] | None = None) -> dict[str, Any]:
    """The template's variables for a document of ``subject`` (an order, shipment or claim snapshot)."""
    order = subject if isinstance(subject, OrderSnapshot) else related.get("order")
    shipment = subject if isinstance(subject, ShipmentSnapshot) else related.get("shipment")
    claim = subject if isinstance(subject, ClaimSnapshot) else related.get("claim")
    customer = getattr(subject, "customer", None)
    extra = {k: text(v, tz) for k, v in (values or {}).items()}
    return {
        "ref": subject.ref,
        "customer": _customer(customer, tz),
        "order": _order(order, tz, extra) if isinstance(order, OrderSnapshot) else None,
        "shipment": (_shipment(shipment, order, tz) if isinstance(shipment, ShipmentSnapshot)
                     else _delivered(order) if isinstance(order, OrderSnapshot) else None),
        "claim": _claim(claim, tz, language) if isinstance(claim, ClaimSnapshot) else None,
        "values": extra,
    }


def _customer(customer: CustomerSnapshot | None, tz: ZoneInfo) -> dict[str, str]:
    if customer is None:
        return {}
    return {key: text(getattr(customer, key), tz)
            for key in ("code", "name", "grade", "phone", "email", "salesperson", "agent")}


def _order(order: OrderSnapshot, tz: ZoneInfo, extra: dict[str, str]) -> dict[str, Any]:
    pickup = order.delivery_mode == "pickup"
    lines = []
    for line in order.lines:
        amount = line.qty * line.unit_price if line.qty is not None and line.unit_price is not None else None
        lines.append({
            "no": str(line.line_no), "product": line.product_code, "spec": line.spec or "", "qty": qty(line.qty),
            "unit_price": money(line.unit_price), "amount": money(amount), "available": qty(line.available_qty),
            "back_order": qty(line.back_order_qty) if line.back_order_qty else "",
            "eta": line.back_order_eta.isoformat() if line.back_order_eta else "",
            "shipped": qty(line.shipped_qty), "to_ship": qty(to_ship(line)), "short": line.back_order_qty > 0,
            "ships_now": to_ship(line) > 0})
    contact = order.contact
    return {
        "ref": order.ref, "state": order.state, "kind": order.kind, "created": text(order.created_at, tz)[:10],
        "currency": order.currency, "total": money(order.total), "deposit_due": money(order.deposit_due),
        "deposit_paid": money(order.deposit_paid), "amount_paid": money(order.amount_paid),
        "promised_date": text(order.promised_date, tz), "delivery_mode": order.delivery_mode, "pickup": pickup,
        "delivery_mark": UNCHECKED if pickup else CHECKED, "pickup_mark": CHECKED if pickup else UNCHECKED,
        "contact": {key: text(getattr(contact, key), tz)
                    for key in ("name", "phone", "address", "pickup_company", "plate")},
        "erp_ref": text(order.erp_ref, tz), "outbound_ref": extra.get("outbound_ref", MISSING),
        "confirmation_received": order.confirmation_received, "lines": lines,
        "short_lines": [line for line in lines if line["short"]],
        "lines_to_ship": [line for line in lines if line["ships_now"]],
    }


def _shipment(shipment: ShipmentSnapshot, order: Any, tz: ZoneInfo) -> dict[str, Any]:
    ordered = {line.line_no: line for line in order.lines} if isinstance(order, OrderSnapshot) else {}
    lines = []
    for no, carried in sorted(shipment.lines.items()):
        line = ordered.get(no)
        lines.append({"no": str(no), "product": line.product_code if line else MISSING,
                      "spec": (line.spec or "") if line else "", "qty": qty(carried),
                      "back_order": qty(line.back_order_qty) if line and line.back_order_qty else ""})
    pickup = shipment.mode == "pickup"
    return {
        "ref": shipment.ref, "order_ref": shipment.order_ref, "state": shipment.state, "mode": shipment.mode,
        "delivery_mark": UNCHECKED if pickup else CHECKED, "pickup_mark": CHECKED if pickup else UNCHECKED,
        **{key: text(getattr(shipment, key), tz) for key in (
            "carrier", "tracking_number", "carrier_contact", "plate", "escort", "pickup_company", "pieces",
            "waybill_weight_kg", "erp_ref", "delivered_at")},
        "lines": lines,
    }


def _delivered(order: OrderSnapshot) -> dict[str, Any]:
    """An order's delivery note when no one shipment is named (the order delivered): what it shipped."""
    pickup = order.delivery_mode == "pickup"
    lines = [{"no": str(line.line_no), "product": line.product_code, "spec": line.spec or "",
              "qty": qty(line.shipped_qty or line.qty),
              "back_order": qty(line.back_order_qty) if line.back_order_qty else ""} for line in order.lines]
    return {"ref": MISSING, "order_ref": order.ref, "state": order.state, "mode": order.delivery_mode,
            "delivery_mark": UNCHECKED if pickup else CHECKED, "pickup_mark": CHECKED if pickup else UNCHECKED,
            **dict.fromkeys(("carrier", "tracking_number", "carrier_contact", "plate", "escort", "pieces",
                             "waybill_weight_kg", "erp_ref", "delivered_at"), MISSING),
            "pickup_company": text(order.contact.pickup_company, ZoneInfo("UTC")), "lines": lines}


def _claim(claim: ClaimSnapshot, tz: ZoneInfo, language: str) -> dict[str, Any]:
    received = set(claim.documents_received)
    documents = [{"name": name, "label": labels.get(language, labels["en"]),
                  "mark": CHECKED if name in received else UNCHECKED, "received": name in received}
                 for name, labels in CLAIM_DOCUMENT_NAMES.items()]
    fault = FAULTS.get(claim.fault, FAULTS["unknown"])
    return {
        "ref": claim.ref, "order_ref": claim.order_ref, "shipment_ref": text(claim.shipment_ref, tz),
        "kind": CLAIM_KINDS.get(claim.kind, {}).get(language, claim.kind), "state": claim.state,
        "insured": text(claim.insured, tz), "currency": claim.currency,
        "amount_claimed": money(claim.amount_claimed), "amount_approved": money(claim.amount_approved),
        "documents_due_at": text(claim.documents_due_at, tz), "documents": documents,
        "fault": fault.get(language, fault["en"]), "company_at_fault": claim.fault == "company",
        "report_ref": text(claim.report_ref, tz), "report_issued_at": text(claim.report_issued_at, tz),
        "open_balance": money(claim.open_balance), "open_balance_overdue": money(claim.open_balance_overdue),
        "open_balance_currency": text(claim.open_balance_currency or claim.currency, tz),
        "open_balance_source": text(claim.open_balance_source, tz),
        "open_balance_checked_at": text(claim.open_balance_checked_at, tz),
        "carrier_claim_against": text(claim.carrier_claim_against, tz),
        "carrier_claim_amount": money(claim.carrier_claim_amount),
        "carrier_amount_recovered": money(claim.carrier_amount_recovered),
    }
