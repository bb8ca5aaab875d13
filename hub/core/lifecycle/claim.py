"""Claim lifecycle (004, 索赔处理流程): documents, the insured/uninsured branch, approvals, payment."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from hub.core.lifecycle.table import Approval, ErpRef, Event, EventData, Lifecycle, Move, Reason, moves_from


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
class Documents(EventData):
    amount_claimed: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2,
                                           description="The amount the customer claims, from the form.")
    documents: list[str] = Field(default_factory=list, max_length=20,
                                 description="Which of the requested documents came in.")


class Amount(EventData):
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="The settlement amount.")






class Payment(EventData):
    reference: str | None = Field(None, max_length=64, description="The payment's bank reference.")




EVENTS = [
    Event("documents_received", "The customer's signed receipt, waybill, invoice and photos came in; the "
          "departments have 3 days to answer.", (Move(S.OPENED, S.DOCUMENTS_RECEIVED),), Documents,
          {"amount_claimed": "800.00", "documents": ["signed_delivery_receipt", "loss_evidence_photos"]}),
    Event("departments_answered", "The departments answered: an insured loss above the minimum goes to the "
          "insurer, anything else to negotiation.",
          (Move(S.DOCUMENTS_RECEIVED, S.WITH_INSURER, _to_insurer),
           Move(S.DOCUMENTS_RECEIVED, S.NEGOTIATING, _to_negotiation))),
    Event("insurer_forms_filed", "The insurer's forms were filed.", (Move(S.WITH_INSURER),)),
    Event("insurer_decided", "The insurer decided the amount.", (Move(S.WITH_INSURER, S.SETTLEMENT_PROPOSED),),
          Amount, {"amount": "750.00"}),
    Event("amount_agreed", "Customer service and the sales manager agreed an amount with the customer.",
          (Move(S.NEGOTIATING, S.SETTLEMENT_PROPOSED),), Amount, {"amount": "600.00"}),
    Event("manager_approved", "The customer-service manager approved the settlement.",
          (Move(S.SETTLEMENT_PROPOSED, S.MANAGER_APPROVED),), Approval, {"approver": "cs-manager-zhao"}),
    Event("gm_approved", "The general manager (or delegate) approved; finance pays within 7 days.",
          (Move(S.MANAGER_APPROVED, S.APPROVED),), Approval, {"approver": "gm-li"}),
    # A rejection goes back to customer service, who negotiate again (004).
    Event("rejected", "An approver rejected the settlement; customer service negotiates again.",
          moves_from((S.SETTLEMENT_PROPOSED, S.MANAGER_APPROVED), S.NEGOTIATING), Reason,
          {"reason": "amount above the loss shown"}),
    Event("paid", "Finance paid the claim.", (Move(S.APPROVED, S.PAID),), Payment, {"reference": "PAY-0042"},
          ("api", "plugin")),
    Event("closed", "The claim ended after payment or legal.", moves_from((S.PAID, S.WITH_LEGAL), S.CLOSED),
          Reason),
    Event("handed_to_legal", "The case went to legal.", moves_from(OPEN, S.WITH_LEGAL), Reason,
          {"reason": "no agreement after two weeks"}),
    Event("withdrawn", "The customer withdrew the claim.", moves_from(OPEN, S.CLOSED), Reason),
    Event("erp_recorded", "The ERP recorded the claim (credit note); the state does not change.",
          moves_from(S), ErpRef, {"erp_ref": "CN-2026-0007"}, ("api", "plugin"), stores=("erp_ref",)),
]
CLAIM = Lifecycle("claim", [s.value for s in S], S.OPENED, (S.CLOSED,), EVENTS)

# What the claim form (申请赔偿表) asks the customer to send back within 3 days (004).
CLAIM_DOCUMENTS = ("signed_delivery_receipt", "waybill", "commercial_invoice", "loss_evidence_photos",
                   "amount_claimed")
