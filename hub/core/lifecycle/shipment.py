"""Shipment lifecycle (000, 004) with the carrier rank guards of reference/carriers.md §5.

Carrier events arrive late, twice and out of order, so a carrier can only move a shipment
forward in rank, except for the few moves the carriers really make backwards.
"""
from __future__ import annotations

from enum import StrEnum

from hub.core.lifecycle.table import Lifecycle, Rule


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


def _rules() -> list[Rule]:
    rules = [Rule(S.CREATED, "booked", S.BOOKED),
             Rule(S.CREATED, "cancelled", S.CANCELLED), Rule(S.BOOKED, "cancelled", S.CANCELLED),
             # self-pickup (自提): the pickup company signs at the warehouse
             Rule(S.CREATED, "picked_up", S.DELIVERED),
             # the recipient confirmed the local agent's delivery (004)
             Rule(S.HANDED_OFF, "pod_confirmed", S.DELIVERED)]
    # Carrier-derived moves: the event is named after the canonical state it reports.
    for current in S:
        for target in S:
            if target not in (S.CREATED, S.CANCELLED) and may_move(current, target):
                rules.append(Rule(current, target.value, target))
    return rules


SHIPMENT = Lifecycle("shipment", [s.value for s in S], S.CREATED, TERMINAL, _rules())
