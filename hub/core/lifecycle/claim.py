"""Claim lifecycle (004, 索赔处理流程): documents, the insured/uninsured branch, the claim report,
approvals (the vice-president's when the company is at fault), finance's debt check, payment, and the
claim against the carrier or agent that runs beside it.

Guards read a ``ClaimFacts`` the behaviour (hub/core/domain/claims.py) builds from the stored claim.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal, get_args

from pydantic import Field, field_validator

from hub.core.lifecycle.table import (Approval, AttachmentId, ErpRef, Event, EventData, Lifecycle, Move, Reason,
                                      moves_from)


class ClaimState(StrEnum):
    OPENED = "opened"
    DOCUMENTS_RECEIVED = "documents_received"
    WITH_INSURER = "with_insurer"
    NEGOTIATING = "negotiating"
    SETTLEMENT_PROPOSED = "settlement_proposed"
    MANAGER_APPROVED = "manager_approved"  # customer-service manager signed
    APPROVED = "approved"  # general manager (or delegate) signed; the vice-president when the company is at fault
    PAID = "paid"
    WITH_LEGAL = "with_legal"
    CLOSED = "closed"


# What the claim form (申请赔偿表) asks the customer to send back within 3 days (004).
ClaimDocument = Literal["signed_delivery_receipt", "waybill", "commercial_invoice", "loss_evidence_photos",
                        "amount_claimed"]
CLAIM_DOCUMENTS: tuple[str, ...] = get_args(ClaimDocument)
# Who caused the loss. The company's own fault (我司原因) changes who signs last (004).
Fault = Literal["company", "carrier", "customer", "unknown"]
COMPANY = "company"


@dataclass(frozen=True)
class ClaimFacts:
    insured: bool = False
    loss: Decimal = Decimal(0)
    minimum_claimable: Decimal = Decimal(0)
    report_issued: bool = False
    debt_checked: bool = False
    fault: str = "unknown"
    carrier_claimed: bool = False


def insurer_path(f: ClaimFacts) -> bool:
    """Insured and the loss reaches the insurer's minimum → insurer; else negotiation (004)."""
    return f.insured and f.loss >= f.minimum_claimable


def _to_insurer(f: ClaimFacts) -> str | None:
    return None if insurer_path(f) else "uninsured or below the minimum claimable amount"


def _to_negotiation(f: ClaimFacts) -> str | None:
    return "insured and claimable: goes to the insurer" if insurer_path(f) else None


def _report_issued(f: ClaimFacts) -> str | None:
    # 004: 出《理赔申请报告书》 comes before 客户服务部经理审批: the manager signs the report, not a figure.
    return None if f.report_issued else "the claim report (理赔申请报告书) is not issued yet: send report_issued first"


def _general_manager_signs(f: ClaimFacts) -> str | None:
    if f.fault == COMPANY:
        return ("the company is at fault (我司原因): the vice-president in charge approves, not the general "
                "manager: send vp_approved")
    return None


def _vice_president_signs(f: ClaimFacts) -> str | None:
    if f.fault != COMPANY:
        return (f"vp_approved is for a claim the company is at fault for; this one's fault is {f.fault}: "
                "the general manager approves (gm_approved)")
    return None


def _debt_checked(f: ClaimFacts) -> str | None:
    # 004: 财会部评估客户欠款情况 before 财会部审核后付款: what the customer owes may be set off.
    if f.debt_checked:
        return None
    return "finance has not checked the customer's outstanding debt: send debt_checked first"


def _carrier_claimed(f: ClaimFacts) -> str | None:
    return None if f.carrier_claimed else "no claim against the carrier or agent was made: send carrier_claimed first"


S = ClaimState
# Until the last approval, a claim may still be handed to legal or withdrawn, and its fault found.
OPEN = (S.OPENED, S.DOCUMENTS_RECEIVED, S.WITH_INSURER, S.NEGOTIATING, S.SETTLEMENT_PROPOSED,
        S.MANAGER_APPROVED)
# The claim against the carrier or agent runs on its own: recovering the loss often ends after the
# customer was paid, or while legal has the case.
NOT_CLOSED = tuple(s for s in S if s != S.CLOSED)
# Finance may check the debt once an amount is proposed, and again up to the payment.
DEBT_CHECK_STATES = (S.SETTLEMENT_PROPOSED, S.MANAGER_APPROVED, S.APPROVED)


class Documents(EventData):
    amount_claimed: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2,
                                           description="The amount the customer claims, from the form.")
    documents: list[ClaimDocument] = Field(min_length=1, max_length=20, description=(
        "Which of the requested documents came in: " + ", ".join(CLAIM_DOCUMENTS) + "."))
    attachments: list[AttachmentId] = Field(default_factory=list, max_length=20, description=(
        "The claim's uploaded files (POST /api/claims/{ref}/attachments) these documents are, by id; a "
        "single document named tags the untagged ones as that document."))


class Amount(EventData):
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="The settlement amount.")


class ReportIssued(EventData):
    report_ref: str | None = Field(None, min_length=1, max_length=64,
                                   description="The report's number (天霖星洲索赔申请报告书 No.).")


class DebtCheck(EventData):
    """Finance's look at what the customer owes (财会部评估客户欠款情况), from the ERP or by hand."""

    open_balance: Decimal = Field(max_digits=16, decimal_places=2,
                                  description="What the customer owes now; negative: the customer is in credit.")
    overdue: Decimal | None = Field(None, max_digits=16, decimal_places=2, description="Of it, what is overdue.")
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code, e.g. CNY.")
    source: str | None = Field(None, min_length=1, max_length=64,
                               description="Where the figure comes from, e.g. tryton, or finance by hand.")

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value


class FaultFound(EventData):
    party: Fault = Field(description="company (我司原因), carrier, customer or unknown.")


class CarrierClaimed(EventData):
    against: str = Field(min_length=1, max_length=200, description="The carrier or agent claimed against (向代理索赔).")
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="The amount claimed from them.")
    reference: str | None = Field(None, min_length=1, max_length=64, description="Their claim or case number.")


class CarrierClaimSettled(EventData):
    amount_recovered: Decimal = Field(ge=0, max_digits=14, decimal_places=2,
                                      description="What the carrier or agent paid back.")
    reference: str | None = Field(None, min_length=1, max_length=64, description="Their settlement reference.")


class Payment(EventData):
    reference: str | None = Field(None, max_length=64, description="The payment's bank reference.")


EVENTS = [
    Event("documents_received", "The customer's signed receipt, waybill, invoice and photos came in (some may "
          "still be missing, and come later); the departments have 3 days to answer.",
          (Move(S.OPENED, S.DOCUMENTS_RECEIVED), Move(S.DOCUMENTS_RECEIVED)), Documents,
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
    Event("report_issued", "The claim report (理赔申请报告书) on the proposed amount went to the approvers, "
          "within a day of the amount.", (Move(S.SETTLEMENT_PROPOSED),), ReportIssued,
          {"report_ref": "CR-2026-0012"}, ("api", "plugin")),
    Event("debt_checked", "Finance checked what the customer owes (from the ERP or by hand) before the claim "
          "is paid.", moves_from(DEBT_CHECK_STATES), DebtCheck,
          {"open_balance": "1250.00", "overdue": "300.00", "currency": "CNY", "source": "tryton"},
          ("api", "plugin")),
    Event("manager_approved", "The customer-service manager approved the settlement on the claim report.",
          (Move(S.SETTLEMENT_PROPOSED, S.MANAGER_APPROVED, _report_issued),), Approval,
          {"approver": "cs-manager-zhao"}),
    Event("gm_approved", "The general manager (or delegate) approved; finance pays within 7 days.",
          (Move(S.MANAGER_APPROVED, S.APPROVED, _general_manager_signs),), Approval, {"approver": "gm-li"}),
    Event("vp_approved", "The vice-president in charge approved a claim the company is at fault for; finance "
          "pays within 7 days.", (Move(S.MANAGER_APPROVED, S.APPROVED, _vice_president_signs),), Approval,
          {"approver": "vp-chen"}),
    # A rejection goes back to customer service, who negotiate again (004).
    Event("rejected", "An approver rejected the settlement; customer service negotiates again.",
          moves_from((S.SETTLEMENT_PROPOSED, S.MANAGER_APPROVED), S.NEGOTIATING), Reason,
          {"reason": "amount above the loss shown"}),
    Event("paid", "Finance paid the claim after checking the customer's debt.",
          (Move(S.APPROVED, S.PAID, _debt_checked),), Payment, {"reference": "PAY-0042"}, ("api", "plugin")),
    Event("closed", "The claim ended after payment or legal.", moves_from((S.PAID, S.WITH_LEGAL), S.CLOSED),
          Reason),
    Event("handed_to_legal", "The case went to legal.", moves_from(OPEN, S.WITH_LEGAL), Reason,
          {"reason": "no agreement after two weeks"}),
    Event("withdrawn", "The customer withdrew the claim.", moves_from(OPEN, S.CLOSED), Reason),
    Event("fault_found", "Who caused the loss was established; the company's own fault (我司原因) has the "
          "vice-president in charge sign instead of the general manager.", moves_from(OPEN), FaultFound,
          {"party": "carrier", "note": "the agent's scan shows the crate dropped at the hub"}),
    Event("carrier_claimed", "The loss was claimed from the carrier or agent (向代理索赔).", moves_from(NOT_CLOSED),
          CarrierClaimed, {"against": "DHL Ningbo agent", "amount": "750.00", "reference": "DHL-CLM-88"}),
    Event("carrier_claim_settled", "The carrier or agent settled the claim against them.",
          moves_from(NOT_CLOSED, guard=_carrier_claimed), CarrierClaimSettled,
          {"amount_recovered": "500.00", "reference": "DHL-CN-0091"}),
    Event("erp_recorded", "The ERP recorded the claim (credit note); the state does not change.",
          moves_from(S), ErpRef, {"erp_ref": "CN-2026-0007"}, ("api", "plugin"), stores=("erp_ref",)),
]
CLAIM = Lifecycle("claim", [s.value for s in S], S.OPENED, (S.CLOSED,), EVENTS)


def missing_documents(received: list[str] | tuple[str, ...]) -> list[str]:
    """The requested documents not in yet, in the claim form's order."""
    return [name for name in CLAIM_DOCUMENTS if name not in received]
