"""Return / after-sales lifecycle (000, 003): no goods come back before the request is approved."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from decimal import Decimal

from pydantic import Field

from hub.core.lifecycle.table import ErpRef, Event, EventData, Lifecycle, Move, Reason, moves_from


class ReturnState(StrEnum):
    PENDING_REVIEW = "pending_review"
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


GOODS_BACK = (ReturnType.RETURN_REFUND, ReturnType.EXCHANGE, ReturnType.REPAIR)


def _goods_back(f: ReturnFacts) -> str | None:
    return None if f.type in GOODS_BACK else f"a {f.type} request takes no goods back"


def _money_only(f: ReturnFacts) -> str | None:
    return None if f.type == ReturnType.REFUND else f"a {f.type} request needs the goods back"


def _cancel(f: ReturnFacts) -> str | None:
    return None if f.type == ReturnType.CANCEL else "only a cancel request completes on approval"


def _refund_after_receipt(f: ReturnFacts) -> str | None:
    return None if f.type == ReturnType.RETURN_REFUND else f"a {f.type} request ships goods back"


def _ship_back(f: ReturnFacts) -> str | None:
    # An exchange ships a replacement; a repair ships the repaired unit back.
    return None if f.type in (ReturnType.EXCHANGE, ReturnType.REPAIR) else "a refund ships nothing"




class Parcel(EventData):
    carrier: str | None = Field(None, max_length=32)
    tracking_number: str | None = Field(None, max_length=64)


class Refund(EventData):
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, description="What was refunded.")
    reference: str | None = Field(None, max_length=64)




S = ReturnState
EVENTS = [
    Event("approved", "The agent approved the request: goods come back, money goes out, or the order is "
          "cancelled, by the request's type.",
          (Move(S.PENDING_REVIEW, S.AWAITING_CUSTOMER_SHIPMENT, _goods_back),
           Move(S.PENDING_REVIEW, S.AWAITING_REFUND, _money_only), Move(S.PENDING_REVIEW, S.COMPLETED, _cancel))),
    Event("replied", "The agent's first reply to the customer (within 4 hours, 003).", (Move(S.PENDING_REVIEW),)),
    Event("on_site_visited", "A technician visited the customer (within 24 hours, 003).", (Move(S.PENDING_REVIEW),)),
    Event("customer_shipped", "The customer sent the goods back.",
          (Move(S.AWAITING_CUSTOMER_SHIPMENT, S.AWAITING_RETURN_RECEIPT),), Parcel,
          {"carrier": "sf", "tracking_number": "SF1234567890"}),
    Event("goods_received", "The returned goods arrived: a refund is due, or the replacement or repaired unit "
          "ships.", (Move(S.AWAITING_RETURN_RECEIPT, S.AWAITING_REFUND, _refund_after_receipt),
                     Move(S.AWAITING_RETURN_RECEIPT, S.AWAITING_EXCHANGE_SHIPMENT, _ship_back))),
    Event("exchange_shipped", "The replacement or repaired unit shipped to the customer.",
          (Move(S.AWAITING_EXCHANGE_SHIPMENT, S.COMPLETED),), Parcel, {"carrier": "sf", "tracking_number": "SF987"}),
    Event("refunded", "The refund was paid to the customer.", (Move(S.AWAITING_REFUND, S.COMPLETED),), Refund,
          {"amount": "199.00"}, ("api", "plugin")),
    Event("rejected", "The request was refused, with the reason.", (Move(S.PENDING_REVIEW, S.CLOSED),), Reason,
          {"reason": "outside the return period"}),
    Event("withdrawn", "The customer withdrew the request.",
          moves_from((S.PENDING_REVIEW, S.AWAITING_CUSTOMER_SHIPMENT), S.CLOSED), Reason),
    Event("erp_recorded", "The ERP recorded the return; the state does not change.", moves_from(S), ErpRef,
          {"erp_ref": "RT-2026-0003"}, ("api", "plugin"), stores=("erp_ref",)),
]
RETURN = Lifecycle("return", [s.value for s in S], S.PENDING_REVIEW, (S.COMPLETED, S.CLOSED), EVENTS)
