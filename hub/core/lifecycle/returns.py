"""Return / after-sales lifecycle (000, 003): no goods come back before the request is approved.

Beside the request types (cancel, refund, return and refund, exchange, repair), the states carry the
service clock of 003 (look-up, first reply, on-site visit, turnaround: timers in domain/timers.py) and
the repair handling of 003's equipment manual: an on-site visit stays open until the fault is fixed
and the customer signs the quality feedback form (质量信息反馈处理表), or the unit goes to the workshop
on a date both sides agreed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field

from hub.core.lifecycle.table import ErpRef, Event, EventData, Lifecycle, Move, Reason, moves_from


class ReturnState(StrEnum):
    PENDING_REVIEW = "pending_review"
    ON_SITE_REPAIR = "on_site_repair"  # the technician is sent; the visit stays open until fixed (003)
    AWAITING_CUSTOMER_SHIPMENT = "awaiting_customer_shipment"
    AWAITING_RETURN_RECEIPT = "awaiting_return_receipt"
    AWAITING_EXCHANGE_SHIPMENT = "awaiting_exchange_shipment"
    AWAITING_REFUND = "awaiting_refund"
    COMPLETED = "completed"
    CLOSED = "closed"


class ReturnType(StrEnum):
    CANCEL = "cancel"
    REFUND = "refund"
    RETURN_REFUND = "return_refund"
    EXCHANGE = "exchange"
    REPAIR = "repair"


@dataclass(frozen=True)
class ReturnFacts:
    type: str = ReturnType.REFUND
    on_site: bool = False
    visited: bool = False  # the technician reached the customer (on_site_visited)
    difference_due: Decimal = Decimal(0)  # an exchange's price difference the customer pays (少补)
    difference_collected: Decimal = Decimal(0)
    at_factory: bool = False  # packed or sent in a repair batch: the unit is not here to ship back


GOODS_BACK = (ReturnType.RETURN_REFUND, ReturnType.EXCHANGE, ReturnType.REPAIR)


def _goods_back(f: ReturnFacts) -> str | None:
    if f.type == ReturnType.REPAIR and f.on_site:
        return "an on-site repair is fixed where the unit is"
    return None if f.type in GOODS_BACK else f"a {f.type} request takes no goods back"


def _on_site(f: ReturnFacts) -> str | None:
    return None if f.type == ReturnType.REPAIR and f.on_site else "only an on-site repair sends a technician"


def _money_only(f: ReturnFacts) -> str | None:
    return None if f.type == ReturnType.REFUND else f"a {f.type} request needs the goods back"


def _cancel(f: ReturnFacts) -> str | None:
    return None if f.type == ReturnType.CANCEL else "only a cancel request completes on approval"


def _refund_after_receipt(f: ReturnFacts) -> str | None:
    return None if f.type == ReturnType.RETURN_REFUND else f"a {f.type} request ships goods back"


def _ship_back(f: ReturnFacts) -> str | None:
    # An exchange ships a replacement; a repair ships the repaired unit back.
    return None if f.type in (ReturnType.EXCHANGE, ReturnType.REPAIR) else "a refund ships nothing"


def _difference_paid(f: ReturnFacts) -> str | None:
    if f.at_factory:
        return "the unit is with the factory in a repair batch: it ships back once the batch returns"
    # 003: 金额多不退少补 — the cashier collects what the replacement costs more before it leaves.
    if f.difference_collected < f.difference_due:
        return (f"the customer owes a price difference of {f.difference_due} ({f.difference_collected} collected): "
                "record difference_collected first")
    return None


def _visited(f: ReturnFacts) -> str | None:
    return None if f.visited else "the technician has not reached the customer yet: record on_site_visited"


def _exchange_only(f: ReturnFacts) -> str | None:
    return None if f.type == ReturnType.EXCHANGE else "only an exchange has a price difference"


class Parcel(EventData):
    carrier: str | None = Field(None, max_length=32)
    tracking_number: str | None = Field(None, max_length=64)


class Refund(EventData):
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2,
                                   description="What was refunded: at most the request's amount (capped at what "
                                               "was paid).")
    reference: str | None = Field(None, max_length=64)


class Collected(EventData):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="What the cashier collected.")
    reference: str | None = Field(None, max_length=64, description="The receipt's number.")


class Visit(EventData):
    technician: str = Field(min_length=1, max_length=64, description="Who is on site.")


class FeedbackForm(EventData):
    """The quality feedback form (质量信息反馈处理表) the technician fills in and the customer signs (003)."""

    technician: str = Field(min_length=1, max_length=64)
    cause: str = Field(min_length=1, max_length=1000, description="Why the unit failed (损坏原因).")
    action: str = Field(min_length=1, max_length=1000, description="What was done (处理方式).")
    customer_signed: Literal[True] = Field(description="The customer confirmed and signed the form: the "
                                                       "technician does not leave before.")
    customer_opinion: str | None = Field(None, max_length=1000, description="The customer's comments (签署意见).")
    removed_parts: list[str] = Field(default_factory=list, max_length=50, description=(
        "Parts taken out, handed back to the customer in a sealed bag."))


class Workshop(EventData):
    """Not fixable on site: the unit goes back for repair on a date both sides agreed (双方商定交付时间)."""

    agreed_return_date: date = Field(description="When the repaired unit is due back with the customer.")
    reason: str = Field(min_length=1, max_length=500, description="Why it cannot be fixed on site.")


class FollowUp(EventData):
    """The follow-up call after the service (回访)."""

    satisfied: bool
    caller: str | None = Field(None, max_length=64)


class Goodwill(EventData):
    """Goodwill compensation (补损, 003: 5–15 元 by the agent's judgement): a decision with its approver."""

    amount: Decimal = Field(gt=0, max_digits=10, decimal_places=2)
    approver: str = Field(min_length=1, max_length=64, description="Who decided (the agent, or above the range "
                                                                   "no one: refund instead).")
    reason: str = Field(min_length=1, max_length=500)


S = ReturnState
OPEN = (S.PENDING_REVIEW, S.ON_SITE_REPAIR, S.AWAITING_CUSTOMER_SHIPMENT, S.AWAITING_RETURN_RECEIPT,
        S.AWAITING_EXCHANGE_SHIPMENT, S.AWAITING_REFUND)
EVENTS = [
    Event("approved", "The agent approved the request: goods come back, money goes out, a technician goes on "
          "site, or the order is cancelled, by the request's type.",
          (Move(S.PENDING_REVIEW, S.ON_SITE_REPAIR, _on_site),
           Move(S.PENDING_REVIEW, S.AWAITING_CUSTOMER_SHIPMENT, _goods_back),
           Move(S.PENDING_REVIEW, S.AWAITING_REFUND, _money_only), Move(S.PENDING_REVIEW, S.COMPLETED, _cancel))),
    Event("looked_up", "The agent looked up the buyer's orders and earlier conversations and answered (within 10 "
          "minutes, 003).", (Move(S.PENDING_REVIEW),)),
    Event("replied", "The agent's first reply to an equipment fault, with the first analysis (within 4 hours, 003).",
          (Move(S.PENDING_REVIEW),)),
    Event("on_site_visited", "The technician reached the customer (within 24 hours, 003); the visit stays open "
          "until the fault is fixed.", moves_from((S.PENDING_REVIEW, S.ON_SITE_REPAIR)), Visit,
          {"technician": "tech-wang"}),
    Event("fixed_on_site", "Fixed on site: the technician filled in the quality feedback form and the customer "
          "signed it.", (Move(S.ON_SITE_REPAIR, S.COMPLETED, _visited),), FeedbackForm,
          {"technician": "tech-wang", "cause": "worn bearing", "action": "bearing replaced", "customer_signed": True,
           "removed_parts": ["bearing"]}),
    Event("taken_to_workshop", "Not fixable on site: the unit goes back for repair, due back on the agreed date.",
          (Move(S.ON_SITE_REPAIR, S.AWAITING_RETURN_RECEIPT, _visited),), Workshop,
          {"agreed_return_date": "2026-03-20", "reason": "stator burnt, needs the workshop"}),
    Event("customer_shipped", "The customer sent the goods back.",
          (Move(S.AWAITING_CUSTOMER_SHIPMENT, S.AWAITING_RETURN_RECEIPT),), Parcel,
          {"carrier": "sf", "tracking_number": "SF1234567890"}),
    Event("goods_received", "The returned goods arrived: a refund is due, or the replacement or repaired unit "
          "ships.", (Move(S.AWAITING_RETURN_RECEIPT, S.AWAITING_REFUND, _refund_after_receipt),
                     Move(S.AWAITING_RETURN_RECEIPT, S.AWAITING_EXCHANGE_SHIPMENT, _ship_back))),
    Event("difference_collected", "The cashier collected the price difference of an exchange (收银收补差价).",
          moves_from((S.AWAITING_CUSTOMER_SHIPMENT, S.AWAITING_RETURN_RECEIPT, S.AWAITING_EXCHANGE_SHIPMENT), "",
                     _exchange_only), Collected, {"amount": "30.00", "reference": "POS-0192"}, ("api", "plugin")),
    Event("exchange_shipped", "The replacement or repaired unit shipped to the customer (an exchange's price "
          "difference collected first).", (Move(S.AWAITING_EXCHANGE_SHIPMENT, S.COMPLETED, _difference_paid),),
          Parcel, {"carrier": "sf", "tracking_number": "SF987"}),
    Event("refunded", "The refund was paid to the customer: before shipping, the order (or the refunded line) is "
          "cancelled and its stock freed.", (Move(S.AWAITING_REFUND, S.COMPLETED),), Refund,
          {"amount": "199.00"}, ("api", "plugin")),
    Event("goodwill_granted", "The agent granted goodwill compensation (补损) within the configured range.",
          moves_from((*OPEN, S.COMPLETED)), Goodwill,
          {"amount": "10.00", "approver": "agent-chen", "reason": "colour differs from the photos"}),
    Event("followed_up", "The follow-up call after the service (回访): archived with the customer's satisfaction.",
          (Move(S.COMPLETED),), FollowUp, {"satisfied": True, "caller": "cs-liu"}),
    Event("rejected", "The request was refused, with the reason.", (Move(S.PENDING_REVIEW, S.CLOSED),), Reason,
          {"reason": "outside the return period"}),
    Event("withdrawn", "The customer withdrew the request.",
          # the technician stays until it is fixed, but the customer may still call the service off
          moves_from((S.PENDING_REVIEW, S.ON_SITE_REPAIR, S.AWAITING_CUSTOMER_SHIPMENT, S.AWAITING_REFUND), S.CLOSED),
          Reason),
    Event("erp_recorded", "The ERP recorded the return; the state does not change.", moves_from(S), ErpRef,
          {"erp_ref": "RT-2026-0003"}, ("api", "plugin"), stores=("erp_ref",)),
]
RETURN = Lifecycle("return", [s.value for s in S], S.PENDING_REVIEW, (S.COMPLETED, S.CLOSED), EVENTS)
