"""Shipment lifecycle (000, 004) with the carrier rank guards of reference/carriers.md §5.

Carrier events arrive late, twice and out of order, so a carrier can only move a shipment
forward in rank, except for the few moves the carriers really make backwards.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from hub.core.lifecycle.table import ErpRef, Event, EventData, Lifecycle, Move, Reason, moves_from


class ShipmentState(StrEnum):
    CREATED = "created"
    BOOKED = "booked"  # carrier and tracking number known (carriers' info_received)
    IN_TRANSIT = "in_transit"
    CUSTOMS = "customs"  # in clearance, with the broker, or held
    HANDED_OFF = "handed_off"  # to a local agent or another carrier: visibility ends
    OUT_FOR_DELIVERY = "out_for_delivery"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    ATTEMPT_FAILED = "attempt_failed"
    EXCEPTION = "exception"  # needs action: see substatus (damaged, refused, lost, shortage)
    RETURNING_TO_SENDER = "returning_to_sender"
    RETURNED_TO_SENDER = "returned_to_sender"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


S = ShipmentState
RANK = {
    S.CREATED: 0, S.BOOKED: 10, S.IN_TRANSIT: 20, S.CUSTOMS: 20, S.HANDED_OFF: 25,
    S.OUT_FOR_DELIVERY: 30, S.AVAILABLE_FOR_PICKUP: 30, S.ATTEMPT_FAILED: 30,
    S.RETURNING_TO_SENDER: 60, S.RETURNED_TO_SENDER: 90, S.DELIVERED: 100, S.CANCELLED: 100,
}
TERMINAL = frozenset({S.DELIVERED, S.RETURNED_TO_SENDER, S.CANCELLED})
# Backward moves carriers really make (§5.2): clearance done, a failed attempt re-routed.
BACKWARD_ALLOWED = {(S.CUSTOMS, S.IN_TRANSIT), (S.ATTEMPT_FAILED, S.IN_TRANSIT),
                    (S.OUT_FOR_DELIVERY, S.ATTEMPT_FAILED)}
# Terminal states are left only by these explicit events (DHL returnFlag after delivered).
TERMINAL_EXITS = {(S.DELIVERED, S.RETURNING_TO_SENDER), (S.DELIVERED, S.RETURNED_TO_SENDER)}


def may_move(current: str, target: str) -> bool:
    """Whether carrier data may move a shipment from ``current`` to ``target``."""
    current, target = S(current), S(target)
    if current == target:
        return False
    if current in TERMINAL:
        return (current, target) in TERMINAL_EXITS
    if target == S.EXCEPTION or current == S.EXCEPTION:
        return target != S.CREATED
    if target == S.RETURNING_TO_SENDER:
        return True
    if (current, target) in BACKWARD_ALLOWED:
        return True
    return RANK[target] >= RANK[current]


class CarrierReport(EventData):
    """What carrier data says with a state: sent by the hub's tracking merge, or by ops by hand."""

    substatus: str | None = Field(None, max_length=64, description="e.g. damaged, refused, shortage.")
    flags: list[str] = Field(default_factory=list, max_length=20, description="The carrier's current flags.")
    carrier: str | None = Field(None, max_length=32, description="The carrier that reported it.")
    occurred_at: datetime | None = Field(None, description=(
        "When the carrier says it happened (its event time). A delivery's time starts the 3-day inspection "
        "window; a time in the future or before the shipment existed is replaced by the hub's own."))


class Booking(CarrierReport):
    tracking_number: str | None = Field(None, min_length=1, max_length=64)
    carrier_contact: str | None = Field(None, max_length=200, description="The driver's or carrier's phone.")
    plate: str | None = Field(None, max_length=32, description="The vehicle's plate.")
    escort: str | None = Field(None, max_length=200, description="Who rides with the goods (押运人).")


class Forwarding(EventData):
    """The carrier handed the parcel to another carrier, which tracks it under a number of its own."""

    carrier: str = Field(min_length=1, max_length=32, description=(
        "The carrier now holding the parcel, as the hub names carriers (a Kuaidi100 company code when "
        "no carrier of the hub's configuration is that company)."))
    tracking_number: str = Field(min_length=1, max_length=64, description="That carrier's number for the parcel.")
    occurred_at: datetime | None = Field(None, description="When the carrier says it handed the parcel over.")


class Pickup(EventData):
    occurred_at: datetime | None = Field(None, description="When the goods were collected, if not now.")
    pickup_company: str | None = Field(None, max_length=200, description="Who collected at the warehouse.")
    plate: str | None = Field(None, max_length=32, description="The collecting vehicle's plate.")
    carrier_contact: str | None = Field(None, max_length=200, description="The collecting driver's phone.")






MEANINGS = {
    S.BOOKED: "Carrier and tracking number are known; tracking starts.",
    S.IN_TRANSIT: "The carrier has the goods moving.",
    S.CUSTOMS: "In clearance, delivered to the broker, or held at customs.",
    S.HANDED_OFF: "Handed to a local agent or another carrier; the proof of delivery is to be confirmed.",
    S.OUT_FOR_DELIVERY: "With the delivery courier.",
    S.AVAILABLE_FOR_PICKUP: "Waiting at a locker, station or service point.",
    S.ATTEMPT_FAILED: "A delivery attempt failed.",
    S.EXCEPTION: "Needs action: damaged, refused, lost, shortage (see substatus).",
    S.RETURNING_TO_SENDER: "On its way back to the shipper.",
    S.RETURNED_TO_SENDER: "Back with the shipper.",
    S.DELIVERED: "Delivered to the consignee (never on a broker's or agent's signature).",
}


def _carrier_moves(target: str) -> tuple[Move, ...]:
    return tuple(Move(current, target) for current in S if may_move(current, target))


def _events() -> list[Event]:
    booked = Event("booked", MEANINGS[S.BOOKED], _carrier_moves(S.BOOKED), Booking,
                   {"carrier": "dhl", "tracking_number": "00340434161094015902", "carrier_contact": "+86 138 0000 0000"},
                   ("api", "carrier"), stores=("carrier", "tracking_number", "carrier_contact", "plate", "escort"))
    carrier = [Event(target.value, MEANINGS[target], _carrier_moves(target), CarrierReport,
                     {"substatus": "damaged"} if target == S.EXCEPTION else {}, ("carrier", "api"))
               for target in S if target not in (S.CREATED, S.BOOKED, S.CANCELLED)]
    return [
        booked,
        *carrier,
        # self-pickup (自提): the pickup company signs at the warehouse
        Event("picked_up", "The pickup company collected the goods at the warehouse (自提).",
              (Move(S.CREATED, S.DELIVERED),), Pickup, {"pickup_company": "Anji Logistics", "plate": "沪A12345"},
              stores=("carrier_contact",)),  # pickup company and plate: checked and stored by the behaviour
        # the recipient confirmed the local agent's delivery (004)
        Event("pod_confirmed", "The recipient confirmed a local agent's delivery.",
              (Move(S.HANDED_OFF, S.DELIVERED),)),
        # 转EMS，单号… (K9a): the new number is tracked too; the state does not change.
        Event("forwarded", "The carrier handed the parcel to another carrier under a new number; the hub "
              "tracks that number as well. The state does not change.",
              moves_from([s for s in S if s not in TERMINAL and s != S.CREATED]), Forwarding,
              {"carrier": "ems", "tracking_number": "1187654321098"}, ("carrier", "api")),
        Event("cancelled", "The shipment was cancelled before the carrier had it.",
              moves_from((S.CREATED, S.BOOKED), S.CANCELLED), Reason, {"reason": "order cancelled"}),
        Event("erp_recorded", "The ERP recorded the delivery under its own number; the state does not change.",
              moves_from(S), ErpRef, {"erp_ref": "DN-2026-0042"}, ("api", "plugin"), stores=("erp_ref",)),
    ]


SHIPMENT = Lifecycle("shipment", [s.value for s in S], S.CREATED, TERMINAL, _events())
