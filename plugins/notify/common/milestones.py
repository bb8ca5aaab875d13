"""The milestones notify plugins can route: a lifecycle (or timed) hook's name without ``hub_``.

Customer milestones have a letter for the customer; internal ones a notice for a role or a
robot channel. Some (a claim opened, VIP granted, a back order left open) have both: the route
decides who gets which.
"""
from __future__ import annotations

CUSTOMER = frozenset({
    "order_reviewed", "order_confirmation_overdue", "order_cancelled",
    "order_shipped", "order_delivered", "shipment_delivery_note_due",
    "shipment_customs", "shipment_handed_off", "shipment_out_for_delivery", "shipment_delivered",
    "claim_opened", "claim_paid",
    "customer_vip_granted", "customer_vip_revoked",
    "return_awaiting_customer_shipment", "return_completed", "return_closed",
})

INTERNAL = frozenset({
    "sla_breached",
    "order_price_escalated", "order_confirmation_overdue", "order_released", "order_cancelled", "order_shipped",
    "shipment_exception",
    "claim_opened", "claim_documents_received", "claim_negotiating", "claim_settlement_proposed",
    "claim_report_issued", "claim_approved", "claim_with_legal",
    "return_pending_review",
    "customer_vip_granted", "customer_vip_revoked", "customer_vip_reevaluation_requested",
})

ALL = CUSTOMER | INTERNAL

# The route target that means "the customer of the entity"; every other target is a role or robot.
CUSTOMER_TARGET = "customer"

# Route variants the notices carry (``<milestone>.<variant>`` wins over ``<milestone>``):
# an order shipped while lines are still short goes out with the back-order list (欠货清单).
BACK_ORDER = "back_order"
# ... and a claim report of a claim the company is at fault for (我司原因) goes to the vice-president in charge.
COMPANY_AT_FAULT = "company_at_fault"


def base_milestone(route_key: str) -> str:
    """``sla_breached.claim_documents`` → ``sla_breached``: a route key may name a variant."""
    return route_key.split(".", 1)[0]
