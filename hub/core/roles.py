"""Who may send which event: the roles of the seeds' decisions, and each entity's everyday roles.

The seeds name who decides: the customer-service manager then the general manager approve a claim
(the vice-president in charge when the company is at fault); finance approves the posting and
pays; sales grants and revokes VIP; a manager signs terms outside policy; the supervisor handles a
customer whose agent is absent (seeds 000, 003, 004). Those events list exactly their roles here,
and ``admin`` is not among them: running the hub is not deciding for the business. Every other
event an API caller may send is open to its entity's everyday roles (``EVERYDAY``).

``GET /api/events`` and docs/domain.md show each event's roles; the API answers 403 naming them.
"""
from __future__ import annotations

# The roles a fresh hub knows; ``[access] roles`` may add more (a company's own titles).
DEFAULT_ROLES = ("agent", "supervisor", "cs_manager", "general_manager", "vice_president", "finance", "sales",
                 "warehouse", "ops", "admin")
ADMIN = "admin"
# What the hub's users run day to day, per entity: the decisions below are narrower.
EVERYDAY: dict[str, tuple[str, ...]] = {
    "order": ("agent", "supervisor", "cs_manager", "sales", "ops", "admin"),
    "shipment": ("warehouse", "agent", "supervisor", "ops", "admin"),
    "claim": ("agent", "supervisor", "cs_manager", "ops", "admin"),
    "return": ("agent", "supervisor", "cs_manager", "warehouse", "ops", "admin"),
    "customer": ("agent", "supervisor", "cs_manager", "sales", "admin"),
    "store": ("sales", "agent", "supervisor", "warehouse", "ops", "admin"),
    "complaint": ("agent", "supervisor", "cs_manager", "ops", "admin"),
    "repair_batch": ("warehouse", "agent", "supervisor", "ops", "admin"),
}
# (entity, event) → the roles that decide it, and why (the seed that says so).
DECISIONS: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("order", "price_approved"): (("supervisor", "cs_manager", "sales"),
                                  "000: prices off the list are decided by the salesperson and the supervisor"),
    ("order", "terms_approved"): (("cs_manager", "general_manager"), "000: terms outside policy need a manager"),
    ("order", "finance_approved"): (("finance",), "000: finance approves the posting"),
    ("order", "finance_rejected"): (("finance",), "000: finance approves the posting"),
    ("claim", "manager_approved"): (("cs_manager",), "004: the customer-service manager approves first"),
    ("claim", "gm_approved"): (("general_manager",), "004: then the general manager (or a delegate)"),
    ("claim", "vp_approved"): (("vice_president",), "004: the vice-president in charge when the company is at fault"),
    ("claim", "rejected"): (("cs_manager", "general_manager", "vice_president"), "004: an approver may refuse"),
    ("claim", "debt_checked"): (("finance",), "004: finance checks what the customer owes"),
    ("claim", "paid"): (("finance",), "004: finance pays within 7 days"),
    ("return", "refunded"): (("finance",), "003: finance refunds"),
    ("customer", "vip_granted"): (("sales",), "004: sales grants VIP"),
    ("customer", "vip_review"): (("sales",), "004: sales reviews VIP each month"),
    ("customer", "vip_kept"): (("sales",), "004: sales keeps or revokes VIP"),
    ("customer", "vip_revoked"): (("sales",), "004: sales revokes VIP"),
    ("customer", "agent_reassigned"): (("supervisor", "cs_manager"),
                                       "003: the supervisor takes the customer of an absent agent"),
}


def roles_for(entity: str, event: str) -> tuple[str, ...]:
    """The roles that may send ``event`` to ``entity`` through the API or the console."""
    decided = DECISIONS.get((entity, event))
    return decided[0] if decided else EVERYDAY[entity]


def why(entity: str, event: str) -> str | None:
    decided = DECISIONS.get((entity, event))
    return decided[1] if decided else None
