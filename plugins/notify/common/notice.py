"""What happened, as template variables: built from a hook's snapshot and transition (pure)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hub import (ClaimSnapshot, CustomerSnapshot, OrderSnapshot, ReturnSnapshot,
                             ShipmentSnapshot, TimerSnapshot, Transition)

# Transition data the templates may use (the event's reason or note, the shipment it names).
TRANSITION_FIELDS = ("shipment_ref", "reason", "note")
# Fields of every template, "-" when nothing fills them.
ALWAYS = ("carrier", "tracking_number", "carrier_contact", "plate", "escort", "pickup_company")
MISSING = "-"


@dataclass(frozen=True)
class Notice:
    """One milestone of one entity, ready to route and render.

    ``occasion`` tells apart repeats that deserve their own message (a second partial
    shipment of one order); a redelivered event always has the same occasion.
    """

    milestone: str
    entity: str
    ref: str
    customer: CustomerSnapshot | None
    variables: dict[str, str]
    subject: Any = None  # the snapshot itself: documents (delivery note lines) read it
    variant: str | None = None  # the SLA rule: picks a more specific route and template
    occasion: str = ""
    route_keys: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        keys = (f"{self.milestone}.{self.variant}", self.milestone) if self.variant else (self.milestone,)
        object.__setattr__(self, "route_keys", keys)


def build_notice(milestone: str, subject: Any, transition: Transition | None, tz: ZoneInfo,
                 related: dict[str, Any] | None = None) -> Notice:
    """The notice for ``milestone`` of ``subject`` (a snapshot), its values formatted in ``tz``.

    ``related`` are the snapshots the hook carries beside its entity (the shipment that shipped an
    order, a claim's order): they fill the values the subject has not, e.g. the carrier's contact.
    """
    entity, ref, customer, values, variant = _describe(subject)
    for snap in (related or {}).values():
        if snap is not None:
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
    values.update(milestone=milestone, entity=entity, ref=ref,
                  at=transition.at if transition else None, actor=transition.actor if transition else None)
    occasion = str(data.get("shipment_ref") or "") if milestone == "order_shipped" else ""
    return Notice(milestone, entity, ref, customer, {k: _text(v, tz) for k, v in values.items()},
                  subject, variant, occasion)


def _describe(s: Any) -> tuple[str, str, CustomerSnapshot | None, dict[str, Any], str | None]:
    if isinstance(s, OrderSnapshot):
        return "order", s.ref, s.customer, dict(
            order_ref=s.ref, promised_date=s.promised_date, total=s.total, currency=s.currency,
            delivery_mode=s.delivery_mode), None
    if isinstance(s, ShipmentSnapshot):
        return "shipment", s.ref, s.customer, dict(
            shipment_ref=s.ref, order_ref=s.order_ref, carrier=s.carrier, tracking_number=s.tracking_number,
            carrier_contact=s.carrier_contact, plate=s.plate, escort=s.escort, pickup_company=s.pickup_company,
            substatus=s.substatus, pieces=s.pieces), None
    if isinstance(s, ClaimSnapshot):
        return "claim", s.ref, s.customer, dict(
            claim_ref=s.ref, order_ref=s.order_ref, shipment_ref=s.shipment_ref, claim_kind=s.kind,
            amount_claimed=s.amount_claimed, amount_approved=s.amount_approved, currency=s.currency,
            documents_due_at=s.documents_due_at, insured=s.insured), None
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
