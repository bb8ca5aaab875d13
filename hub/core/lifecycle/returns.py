"""Return / after-sales lifecycle (000, 003): no goods come back before the request is approved."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub.core.lifecycle.table import Lifecycle, Rule, rules_from


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


S = ReturnState
RULES = [
    Rule(S.PENDING_REVIEW, "approved", S.AWAITING_CUSTOMER_SHIPMENT, _goods_back),
    Rule(S.PENDING_REVIEW, "approved", S.AWAITING_REFUND, _money_only),
    Rule(S.PENDING_REVIEW, "approved", S.COMPLETED, _cancel),
    Rule(S.PENDING_REVIEW, "replied", S.PENDING_REVIEW),  # first reply to the customer (003)
    Rule(S.PENDING_REVIEW, "on_site_visited", S.PENDING_REVIEW),
    Rule(S.AWAITING_CUSTOMER_SHIPMENT, "customer_shipped", S.AWAITING_RETURN_RECEIPT),
    Rule(S.AWAITING_RETURN_RECEIPT, "goods_received", S.AWAITING_REFUND, _refund_after_receipt),
    Rule(S.AWAITING_RETURN_RECEIPT, "goods_received", S.AWAITING_EXCHANGE_SHIPMENT, _ship_back),
    Rule(S.AWAITING_EXCHANGE_SHIPMENT, "exchange_shipped", S.COMPLETED),
    Rule(S.AWAITING_REFUND, "refunded", S.COMPLETED),
    *rules_from((S.PENDING_REVIEW,), "rejected", S.CLOSED),
    *rules_from((S.PENDING_REVIEW, S.AWAITING_CUSTOMER_SHIPMENT), "withdrawn", S.CLOSED),
]
RETURN = Lifecycle("return", [s.value for s in S], S.PENDING_REVIEW, (S.COMPLETED, S.CLOSED), RULES)
