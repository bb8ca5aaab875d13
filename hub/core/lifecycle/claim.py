"""Claim lifecycle (004, 索赔处理流程): documents, the insured/uninsured branch, approvals, payment."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from hub.core.lifecycle.table import Lifecycle, Rule, rules_from


class ClaimState(StrEnum):
    OPENED = "opened"
    DOCUMENTS_RECEIVED = "documents_received"
    WITH_INSURER = "with_insurer"
    NEGOTIATING = "negotiating"
    SETTLEMENT_PROPOSED = "settlement_proposed"
    MANAGER_APPROVED = "manager_approved"  # customer-service manager signed
    APPROVED = "approved"  # general manager (or delegate) signed
    PAID = "paid"
    WITH_LEGAL = "with_legal"
    CLOSED = "closed"


@dataclass(frozen=True)
class ClaimFacts:
    insured: bool = False
    loss: Decimal = Decimal(0)
    minimum_claimable: Decimal = Decimal(0)


def insurer_path(f: ClaimFacts) -> bool:
    """Insured and the loss reaches the insurer's minimum → insurer; else negotiation (004)."""
    return f.insured and f.loss >= f.minimum_claimable


def _to_insurer(f: ClaimFacts) -> str | None:
    return None if insurer_path(f) else "uninsured or below the minimum claimable amount"


def _to_negotiation(f: ClaimFacts) -> str | None:
    return "insured and claimable: goes to the insurer" if insurer_path(f) else None


S = ClaimState
OPEN = (S.OPENED, S.DOCUMENTS_RECEIVED, S.WITH_INSURER, S.NEGOTIATING, S.SETTLEMENT_PROPOSED,
        S.MANAGER_APPROVED)
RULES = [
    Rule(S.OPENED, "documents_received", S.DOCUMENTS_RECEIVED),
    Rule(S.DOCUMENTS_RECEIVED, "departments_answered", S.WITH_INSURER, _to_insurer),
    Rule(S.DOCUMENTS_RECEIVED, "departments_answered", S.NEGOTIATING, _to_negotiation),
    Rule(S.WITH_INSURER, "insurer_forms_filed", S.WITH_INSURER),
    Rule(S.WITH_INSURER, "insurer_decided", S.SETTLEMENT_PROPOSED),
    Rule(S.NEGOTIATING, "amount_agreed", S.SETTLEMENT_PROPOSED),
    Rule(S.SETTLEMENT_PROPOSED, "manager_approved", S.MANAGER_APPROVED),
    Rule(S.MANAGER_APPROVED, "gm_approved", S.APPROVED),
    # A rejection goes back to customer service, who negotiate again (004).
    Rule(S.SETTLEMENT_PROPOSED, "rejected", S.NEGOTIATING),
    Rule(S.MANAGER_APPROVED, "rejected", S.NEGOTIATING),
    Rule(S.APPROVED, "paid", S.PAID),
    Rule(S.PAID, "closed", S.CLOSED),
    *rules_from(OPEN, "handed_to_legal", S.WITH_LEGAL),
    Rule(S.WITH_LEGAL, "closed", S.CLOSED),
    *rules_from(OPEN, "withdrawn", S.CLOSED),
]
CLAIM = Lifecycle("claim", [s.value for s in S], S.OPENED, (S.CLOSED,), RULES)

# What the claim form (申请赔偿表) asks the customer to send back within 3 days (004).
CLAIM_DOCUMENTS = ("signed_delivery_receipt", "waybill", "commercial_invoice", "loss_evidence_photos",
                   "amount_claimed")
