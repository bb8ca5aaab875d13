"""The milestones notify plugins can route: a lifecycle hook's name without ``hub_``.

Customer milestones have a letter for the customer; internal ones a notice for a role or a
robot channel. Some (a claim opened, VIP granted) have both: the route decides who gets which.
"""
from __future__ import annotations

CUSTOMER = frozenset({
    "order_shipped", "order_delivered",
    "shipment_customs", "shipment_handed_off", "shipment_out_for_delivery", "shipment_delivered",
    "claim_opened", "claim_paid",
    "customer_vip_granted", "customer_vip_revoked",
    "return_awaiting_customer_shipment", "return_completed", "return_closed",
})

INTERNAL = frozenset({
    "sla_breached",
    "order_price_escalated", "shipment_exception",
    "claim_opened", "claim_documents_received", "claim_negotiating", "claim_settlement_proposed",
    "claim_approved", "claim_with_legal",
    "return_pending_review",
    "customer_vip_granted", "customer_vip_revoked",
})

ALL = CUSTOMER | INTERNAL

# The route target that means "the customer of the entity"; every other target is a role or robot.
CUSTOMER_TARGET = "customer"


def base_milestone(route_key: str) -> str:
    """``sla_breached.claim_documents`` → ``sla_breached``: a route key may name a variant."""
    return route_key.split(".", 1)[0]
