"""What happened, as template variables: built from a hook's snapshot and transition (pure)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hub import quantity_text as qty, to_ship
from hub import (ClaimSnapshot, CustomerSnapshot, OrderLine, OrderSnapshot, ReturnSnapshot,
                 ShipmentSnapshot, TimerSnapshot, Transition)

from .milestones import BACK_ORDER, COMPANY_AT_FAULT

# Transition data the templates may use (the event's reason or note, the shipment it names, the ERP's numbers,
# a VIP review's volume against its requirement).
TRANSITION_FIELDS = ("shipment_ref", "reason", "note", "erp_ref", "outbound_ref", "monthly_volume", "threshold",
                     "month")
# Fields of every template, "-" when nothing fills them.
ALWAYS = ("carrier", "tracking_number", "carrier_contact", "plate", "escort", "pickup_company", "due_at")
MISSING = "-"  # as the hub's documents write it (hub.quantity_text, hub.core.documents.context)
# How a form marks the box that applies (pickup or delivery): the same in every language.
CHECKED, UNCHECKED = "☑", "☐"


@dataclass(frozen=True)
class Notice:
    """One milestone of one entity, ready to route and render.

    ``occasion`` tells apart repeats that deserve their own message (a second partial
    shipment of one order, the next day's confirmation reminder); a redelivered event always
    has the same occasion. ``fragments`` name the optional paragraphs the letter includes.
    """

    milestone: str
    entity: str
    ref: str
    customer: CustomerSnapshot | None
    variables: dict[str, str]
    subject: Any = None  # the snapshot itself: documents (delivery note lines) read it
    variant: str | None = None  # the SLA rule, a back order: picks a more specific route and template
    occasion: str = ""
    related: dict[str, Any] = field(default_factory=dict)  # the hook's other snapshots (an order's shipment)
    fragments: dict[str, bool] = field(default_factory=dict)
    route_keys: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        keys = (f"{self.milestone}.{self.variant}", self.milestone) if self.variant else (self.milestone,)
        object.__setattr__(self, "route_keys", keys)

    @property
    def order(self) -> OrderSnapshot | None:
        """The order the notice is about, or the one its entity belongs to when the hook carries it."""
        if isinstance(self.subject, OrderSnapshot):
            return self.subject
        found = self.related.get("order")
        return found if isinstance(found, OrderSnapshot) else None

    @property
    def shipment(self) -> ShipmentSnapshot | None:
        if isinstance(self.subject, ShipmentSnapshot):
            return self.subject
        found = self.related.get("shipment")
        return found if isinstance(found, ShipmentSnapshot) else None


def build_notice(milestone: str, subject: Any, transition: Transition | None, tz: ZoneInfo,
                 related: dict[str, Any] | None = None) -> Notice:
    """The notice for ``milestone`` of ``subject`` (a snapshot), its values formatted in ``tz``.

    ``related`` are the snapshots the hook carries beside its entity (the shipment that shipped an
    order, a claim's order, the timer that came due): they fill the values the subject has not,
    e.g. the carrier's contact.
    """
    related = {k: v for k, v in (related or {}).items() if v is not None}
    entity, ref, customer, values, variant = _describe(subject)
    for snap in related.values():
        for key, value in _describe(snap)[3].items():
            if values.get(key) is None:
                values[key] = value
    for key in ALWAYS:
        values.setdefault(key, None)
    data = transition.data if transition else {}
    # Transition fields always exist for templates; the event's data wins over the snapshot's.
    values.update({k: data[k] if data.get(k) is not None else values.get(k) for k in TRANSITION_FIELDS})
    if customer is not None:
        values.update(customer_name=customer.name, customer_code=customer.code, grade=customer.grade,
                      salesperson=customer.salesperson, agent=values.get("agent") or customer.agent)
    timer = subject if isinstance(subject, TimerSnapshot) else related.get("timer")
    at = transition.at if transition else (timer.breached_at if isinstance(timer, TimerSnapshot) else None)
    values.update(milestone=milestone, entity=entity, ref=ref, at=at,
                  actor=transition.actor if transition else None)
    order = subject if isinstance(subject, OrderSnapshot) else related.get("order")
    shipment = subject if isinstance(subject, ShipmentSnapshot) else related.get("shipment")
    values.update(_lines_summaries(order, shipment))
    fragments: dict[str, bool] = {}
    occasion = ""
    if milestone == "order_shipped":
        occasion = str(data.get("shipment_ref") or "")
        remaining = bool(order is not None and back_order_lines(order))
        carried = bool(shipment is not None and carries_back_orders(shipment, transition))
        # paragraphs the letter includes only when they apply (templates/<lang>/<audience>/fragments/)
        fragments = {"back_order_shipped": carried, "back_order_remaining": remaining}
        variant = BACK_ORDER if remaining else variant
    if milestone == "order_released" and isinstance(subject, OrderSnapshot) and subject.delivery_mode != "delivery":
        variant = subject.delivery_mode  # the pickup outbound note (自提) names who collects, not where to go
    if milestone == "claim_report_issued" and isinstance(subject, ClaimSnapshot) and subject.fault == "company":
        variant = COMPANY_AT_FAULT  # 我司原因: the report goes to the vice-president in charge, not the GM (004)
    if milestone == "order_confirmation_overdue" and isinstance(timer, TimerSnapshot):
        occasion = f"timer-{timer.id}"  # one reminder a day: each day's timer is a new one
    return Notice(milestone, entity, ref, customer, {k: _text(v, tz) for k, v in values.items()},
                  subject, variant, occasion, related, fragments)


def back_order_lines(order: OrderSnapshot) -> tuple[OrderLine, ...]:
    """The lines still short (欠货): what planning owes the customer, with its ETA."""
    return tuple(line for line in order.lines if line.back_order_qty > 0)


def carries_back_orders(shipment: ShipmentSnapshot, transition: Transition | None) -> bool:
    """A shipment of an order that had shipped already carries what was owed: the back order.

    ``hub_order_shipped`` fires again for each later shipment (``shipped`` → ``shipped``).
    """
    return bool(shipment.lines) and transition is not None and transition.previous == "shipped"


def _product(line: OrderLine) -> str:
    return f"{line.product_code} {line.spec}".strip()


def _lines_summaries(order: OrderSnapshot | None, shipment: ShipmentSnapshot | None) -> dict[str, str | None]:
    """One-line lists for texts that carry no document (SMS, robots, the letters' own bodies)."""
    out: dict[str, str | None] = {"back_order_summary": None, "to_ship_summary": None,
                                  "shipment_lines_summary": None, "collected_by": None}
    if order is not None:
        out["back_order_summary"] = "; ".join(
            f"#{line.line_no} {_product(line)} × {qty(line.back_order_qty)}"
            + (f" → {line.back_order_eta.isoformat()}" if line.back_order_eta else "")
            for line in back_order_lines(order)) or None
        out["to_ship_summary"] = "; ".join(
            f"#{line.line_no} {_product(line)} × {qty(to_ship(line))}"
            for line in order.lines if to_ship(line) > 0) or None
    if shipment is not None:
        lines = {line.line_no: line for line in order.lines} if order is not None else {}
        out["shipment_lines_summary"] = "; ".join(
            " ".join(filter(None, (f"#{no}", _product(lines[no]) if no in lines else "", f"× {qty(carried)}")))
            for no, carried in sorted(shipment.lines.items())) or None
        out["collected_by"] = (shipment.pickup_company if shipment.mode == "pickup" else None) or shipment.carrier
    return out


def _describe(s: Any) -> tuple[str, str, CustomerSnapshot | None, dict[str, Any], str | None]:
    if isinstance(s, OrderSnapshot):
        pickup = s.delivery_mode == "pickup"
        return "order", s.ref, s.customer, dict(
            order_ref=s.ref, promised_date=s.promised_date, total=s.total, currency=s.currency,
            delivery_mode=s.delivery_mode, deposit_due=s.deposit_due, erp_ref=s.erp_ref, order_date=s.created_at,
            contact_name=s.contact.name, contact_phone=s.contact.phone, contact_address=s.contact.address,
            contact_pickup_company=s.contact.pickup_company, contact_plate=s.contact.plate,
            pickup_mark=CHECKED if pickup else UNCHECKED, delivery_mark=UNCHECKED if pickup else CHECKED), None
    if isinstance(s, ShipmentSnapshot):
        return "shipment", s.ref, s.customer, dict(
            shipment_ref=s.ref, order_ref=s.order_ref, carrier=s.carrier, tracking_number=s.tracking_number,
            carrier_contact=s.carrier_contact, plate=s.plate, escort=s.escort, pickup_company=s.pickup_company,
            substatus=s.substatus, pieces=s.pieces), None
    if isinstance(s, ClaimSnapshot):
        return "claim", s.ref, s.customer, dict(
            claim_ref=s.ref, order_ref=s.order_ref, shipment_ref=s.shipment_ref, claim_kind=s.kind,
            amount_claimed=s.amount_claimed, amount_approved=s.amount_approved, currency=s.currency,
            documents_due_at=s.documents_due_at, insured=s.insured, fault=s.fault,
            documents_missing=", ".join(s.documents_missing), report_ref=s.report_ref,
            report_issued_at=s.report_issued_at, open_balance=s.open_balance, open_balance_overdue=s.open_balance_overdue,
            open_balance_currency=s.open_balance_currency or (s.currency if s.open_balance is not None else None),
            open_balance_source=s.open_balance_source, open_balance_checked_at=s.open_balance_checked_at,
            carrier_claim_against=s.carrier_claim_against, carrier_claim_amount=s.carrier_claim_amount,
            carrier_amount_recovered=s.carrier_amount_recovered), None
    if isinstance(s, ReturnSnapshot):
        return "return", s.ref, s.customer, dict(
            return_ref=s.ref, order_ref=s.order_ref, return_type=s.type, reason=s.reason, amount=s.amount,
            agent=s.agent), None
    if isinstance(s, CustomerSnapshot):
        return "customer", s.code, s, {}, None
    if isinstance(s, TimerSnapshot):
        # One escalation per timer: the timer, not the entity it watches, is what breached.
        return "timer", str(s.id), None, dict(
            rule=s.rule, timer_entity=s.entity, timer_ref=s.ref, due_at=s.due_at, breached_at=s.breached_at,
            escalate_to=s.escalate_to), s.rule
    raise TypeError(f"no notice for {type(s).__name__}")


def _text(value: Any, tz: ZoneInfo) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{value.astimezone(tz):%Y-%m-%d %H:%M} ({tz.key})"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)
