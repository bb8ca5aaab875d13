"""Order lifecycle (seeds 000, 001, 002): intake, review, confirmation, payment, posting, delivery.

Guards read an ``OrderFacts`` built by the service from the stored order plus the event's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from typing import Annotated

from pydantic import Field, PositiveInt, model_validator

from hub.core.domain.inputs import Contact
from hub.core.lifecycle.table import (Approval, AttachmentId, Event, EventData, Lifecycle, Move, Reason,
                                      moves_from)


class OrderState(StrEnum):
    RECEIVED = "received"
    PRICE_ESCALATED = "price_escalated"
    REVIEWED = "reviewed"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    AWAITING_PAYMENT = "awaiting_payment"
    POSTED = "posted"
    RELEASED = "released"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


@dataclass(frozen=True)
class OrderFacts:
    grade: str = "B"
    kind: str = "standard"
    missing_fields: tuple[str, ...] = ()
    price_mismatches: tuple[int, ...] = ()  # line numbers whose price differs from the list
    special_approved: bool = False
    special_pending: tuple[str, ...] = ()  # departments whose heads have not signed the special review
    deposit_due: Decimal = Decimal(0)
    deposit_paid: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    amount_paid: Decimal = Decimal(0)
    open_claims: int = 0
    open_complaints: int = 0  # complaints (shortage, damage) not yet resolved or withdrawn hold the order too
    inspection_window_elapsed: bool = False
    back_orders_outstanding: bool = False
    special_made: bool = False  # a special order's product is made and in the warehouse (入库)
    undated_short_lines: tuple[int, ...] = ()  # short lines the review gave no supply date for


S = OrderState
BEFORE_SHIPPING = (S.RECEIVED, S.PRICE_ESCALATED, S.REVIEWED, S.AWAITING_CONFIRMATION,
                   S.AWAITING_PAYMENT, S.POSTED, S.RELEASED)


def _complete(f: OrderFacts) -> str | None:
    if f.missing_fields:
        return "order incomplete, clarify with the customer: " + ", ".join(f.missing_fields)
    return None


def _reviewable(f: OrderFacts) -> str | None:
    if reason := _complete(f):
        return reason
    if f.kind == "special" and not f.special_approved:
        pending = ", ".join(f.special_pending) or "the departments"
        return f"special order needs the special-order review signed by: {pending} (data.special_review)"
    return None


def _back_to_planning(f: OrderFacts) -> str | None:
    """A short line needs the date planning can supply it (000: 注明可供货时间和数量); without one the
    order stays with planning, under the planning_date timer, until a review gives it."""
    if reason := _reviewable(f):
        return reason
    return None if f.undated_short_lines else "every short line has its date"


def _dated(f: OrderFacts) -> str | None:
    if f.undated_short_lines:
        return "short lines " + ", ".join(map(str, f.undated_short_lines)) + " need back_order_eta"
    return None


def _review_complete(f: OrderFacts) -> str | None:
    """Reviewable, and every short line dated: what both outcomes of a review need."""
    return _reviewable(f) or _dated(f)


def _review_clean(f: OrderFacts) -> str | None:
    if reason := _review_complete(f):
        return reason
    if f.price_mismatches:
        return "lines " + ", ".join(map(str, f.price_mismatches)) + " need a price decision (off the list, unlisted or 0)"
    return None


def _review_mismatch(f: OrderFacts) -> str | None:
    return _review_complete(f) or (None if f.price_mismatches else "no price mismatch")


def _grade_a(f: OrderFacts) -> str | None:
    return None if f.grade == "A" else f"grade {f.grade} needs the returned confirmation before release"


def due_before_release(f: OrderFacts) -> Decimal:
    """What grade B and C pay before release (000, 001, 002): the agreed deposit, or, when none was
    agreed, the contract amount in full. Other terms need a named approver (terms_approved)."""
    return f.deposit_due if f.deposit_due > 0 else f.total


def _deposit_covered(f: OrderFacts) -> str | None:
    if f.kind == "special" and not f.special_made:
        return ("a special order is paid and shipped once the product is made and warehoused "
                "(000: 特殊订做产品入库后…通知客户打款): special_warehoused first")
    due, paid = due_before_release(f), f.deposit_paid + f.amount_paid
    if paid >= due:
        return None
    what = f"deposit {f.deposit_due}" if f.deposit_due > 0 else f"the contract amount {f.total} (no deposit agreed)"
    return f"{paid} of {what} received; terms outside policy need terms_approved with the approver's name"


def _deposit_short(f: OrderFacts) -> str | None:
    return "deposit covered" if _deposit_covered(f) is None else None


def _no_back_orders(f: OrderFacts) -> str | None:
    return "back-order lines still to ship" if f.back_orders_outstanding else None


def _can_close(f: OrderFacts) -> str | None:
    if f.open_claims:
        return f"{f.open_claims} claim(s) still open"
    if f.open_complaints:
        return f"{f.open_complaints} complaint(s) still open"
    return None


def _window_and_claims(f: OrderFacts) -> str | None:
    if not f.inspection_window_elapsed:
        return "inspection window still open"
    return _can_close(f)


def _claims_open(f: OrderFacts) -> str | None:
    return None if f.open_claims or f.open_complaints else "no open claim or complaint"


# --- event data -----------------------------------------------------------------------------


class Clarified(EventData):
    contact: Contact | None = Field(None, description="Contact fields the customer clarified.")
    specs: dict[PositiveInt, Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=dict, max_length=500, description="line_no → the clarified specification.")
    quantities: dict[PositiveInt, Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=3)]] = Field(
        default_factory=dict, max_length=500, description="line_no → the clarified quantity.")
    prices: dict[PositiveInt, Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]] = Field(
        default_factory=dict, max_length=500, description="line_no → the clarified unit price.")


class ReviewLine(EventData):
    line_no: PositiveInt
    available_qty: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=3,
                                          description="What planning can supply now.")
    back_order_eta: date | None = Field(None, description="When planning can supply the rest.")
    list_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=4,
                                       description="The price list's price, when the ERP knows it.")
    on_hand: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=3, description=(
        "Stock on hand of the product now: the hub then allocates it across open orders by customer grade, "
        "then order time, never taking what a confirmation already promised (000), and sets available_qty."))


class Reviewed(EventData):
    lines: list[ReviewLine] = Field(default_factory=list, max_length=500)
    special_review: dict[Annotated[str, Field(min_length=1, max_length=32)],
                         Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=dict, max_length=20, description=(
            "A special order's review (特殊产品合同评审表): department → the head who signed. Every department "
            "of [orders] special_review_departments must sign before production."))






class ConfirmationReceived(EventData):
    """The signed and stamped confirmation (订单确认书) back from the customer."""

    attachments: list[AttachmentId] = Field(default_factory=list, max_length=20, description=(
        "The order's uploaded files (POST /api/orders/{ref}/attachments) that are the signed confirmation, "
        "by id; they are tagged signed_confirmation."))


class SignedApproval(EventData):
    """Terms outside policy are approved in writing by a named manager (001: 政策之外…领导签字)."""

    approver: str = Field(min_length=1, max_length=64, description="The manager who signed.")
    terms: str = Field(min_length=1, max_length=500, description="The terms approved, e.g. 50% now, rest in 30 days.")


class Payment(EventData):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    reference: str | None = Field(None, max_length=64, description="The bank or payment reference.")


class Warehoused(EventData):
    receipt_ref: str | None = Field(None, min_length=1, max_length=64,
                                    description="The warehouse receipt (入库单) of the special product.")


class ErpRefs(EventData):
    erp_ref: str | None = Field(None, min_length=1, max_length=64, description="The ERP's document number.")
    outbound_ref: str | None = Field(None, min_length=1, max_length=64,
                                     description="The outbound note (成品出库表) number.")


class ErpRecorded(ErpRefs):
    """At least one of the ERP's numbers: recording nothing is a mistake, not a no-op."""

    @model_validator(mode="after")
    def _one_number(self) -> ErpRecorded:
        if not (self.erp_ref or self.outbound_ref):
            raise ValueError("erp_recorded needs erp_ref or outbound_ref")
        return self


class ReadyLine(EventData):
    line_no: PositiveInt
    available_qty: Decimal = Field(ge=0, max_digits=14, decimal_places=3,
                                   description="What is available for the line now, in all (shipped included).")
    back_order_eta: date | None = Field(None, description="When the rest comes, if some is still short.")


class BackOrderReady(EventData):
    lines: list[ReadyLine] = Field(min_length=1, max_length=500)


class FinanceRejection(EventData):
    reason: str = Field(min_length=1, max_length=500, description="Why finance refused, for the order desk.")
    erp_ref: str | None = Field(None, min_length=1, max_length=64, description="The ERP document refused.")
    payment_not_received: bool = Field(False, description=(
        "The money recorded as received is not on the account: the order's paid amounts go back to 0."))


class ShipmentRef(EventData):
    shipment_ref: str = Field(min_length=1, max_length=64)


class ClaimRef(EventData):
    claim_ref: str = Field(min_length=1, max_length=64)


class ComplaintRef(EventData):
    complaint_ref: str = Field(min_length=1, max_length=64)


class WindowEnded(EventData):
    timer: str | None = Field(None, max_length=64, description="The time rule that ended.")




class Cancelled(Reason):
    return_ref: str | None = Field(None, max_length=64, description="The cancel or refund request that led here.")


class LinesCancelled(Reason):
    lines: list[PositiveInt] = Field(min_length=1, max_length=500, description="The cancelled lines' numbers.")
    return_ref: str | None = Field(None, max_length=64, description="The refund request that led here.")


EVENTS = [
    Event("clarified", "The customer clarified missing specifications or contact details; the order is "
          "received anew.", (Move(S.RECEIVED),), Clarified,
          {"specs": {"1": "1.8 m, grey fabric"}, "contact": {"phone": "13800000000"}}, ("api",),
          loop_hook=S.RECEIVED),  # the ERP reviews it again once it is complete
    Event("reviewed", "Planning reviewed the order: available quantities, back-order dates and list "
          "prices per line; off-list prices escalate, a short line without its date stays with planning.",
          (Move(S.RECEIVED, "", _back_to_planning), Move(S.RECEIVED, S.PRICE_ESCALATED, _review_mismatch),
           Move(S.RECEIVED, S.REVIEWED, _review_clean)),
          Reviewed, {"lines": [{"line_no": 1, "available_qty": "2"}]}, ("api", "plugin")),
    Event("price_approved", "The salesperson and supervisor accepted the off-list prices.",
          (Move(S.PRICE_ESCALATED, S.REVIEWED),), Approval, {"approver": "sales-supervisor"}),
    Event("confirmation_sent", "The order confirmation (订单确认书) went to the customer (the notify plugin "
          "that sent it replies; a second channel sending it too changes nothing).",
          (Move(S.REVIEWED, S.AWAITING_CONFIRMATION),
           # a channel's reply arriving after a person recorded it, or after the customer returned it
           *moves_from((S.AWAITING_CONFIRMATION, S.AWAITING_PAYMENT, S.POSTED, S.RELEASED, S.SHIPPED, S.DELIVERED))),
          sent_by=("api", "plugin")),
    Event("confirmation_received", "The customer returned the confirmation, signed and stamped; a late "
          "return moves the promised date.",
          (Move(S.AWAITING_CONFIRMATION, S.AWAITING_PAYMENT),
           *moves_from((S.POSTED, S.RELEASED, S.SHIPPED, S.DELIVERED), "", _grade_a)), ConfirmationReceived),
    Event("released", "A grade A customer's order is released without the confirmation or deposit.",
          moves_from((S.AWAITING_CONFIRMATION, S.AWAITING_PAYMENT), S.POSTED, _grade_a), Approval),
    Event("deposit_received", "A deposit was received; once it covers what is due the order is posted.",
          (Move(S.AWAITING_PAYMENT, S.POSTED, _deposit_covered), Move(S.AWAITING_PAYMENT, "", _deposit_short)),
          Payment, {"amount": "1260.00", "reference": "BANK-20261201-01"}, ("api", "plugin")),
    Event("payment_received", "A payment was received; once it covers the deposit due the order is posted.",
          (Move(S.AWAITING_PAYMENT, S.POSTED, _deposit_covered), Move(S.AWAITING_PAYMENT, "", _deposit_short)),
          Payment, {"amount": "4200.00"}, ("api", "plugin")),
    Event("special_warehoused", "The special product was made and is in the warehouse: the customer is asked "
          "to pay (000: 特殊订做产品入库后,跟单员需通知客户打款及安排货运); paid already, the order is posted.",
          (Move(S.AWAITING_PAYMENT, S.POSTED, _deposit_covered), Move(S.AWAITING_PAYMENT, "", _deposit_short)),
          Warehoused, {"receipt_ref": "IN-2026-0301"}, ("api", "plugin"),
          loop_hook=S.AWAITING_PAYMENT),  # made and warehoused: now the customer is asked to pay
    Event("terms_approved", "A named manager approved payment terms outside policy; the order is posted.",
          (Move(S.AWAITING_PAYMENT, S.POSTED),), SignedApproval,
          {"approver": "gm-li", "terms": "30% now, the rest within 30 days of delivery"}),
    Event("finance_approved", "Finance approved the posted order; the outbound note goes to the warehouse.",
          (Move(S.POSTED, S.RELEASED),), ErpRefs, {"erp_ref": "SO-2026-0042"}, ("api", "plugin"),
          stores=("erp_ref", "outbound_ref")),
    Event("finance_rejected", "Finance refused the posting (payment not in, terms not met): the order goes "
          "back to the order desk with the reason, awaiting payment.", (Move(S.POSTED, S.AWAITING_PAYMENT),),
          FinanceRejection, {"reason": "deposit not received on the account", "erp_ref": "SO-2026-0042"},
          ("api", "plugin"), stores=("erp_ref",)),
    Event("back_order_ready", "Planning has stock for back-ordered lines: they may ship now (000: 欠货清单); the hub "
          "sends it too when a cancelled order's stock goes to a waiting back order.",
          moves_from((S.RELEASED, S.SHIPPED)), BackOrderReady,
          {"lines": [{"line_no": 1, "available_qty": "5"}]}, ("api", "plugin", "hub")),
    Event("shipped", "A shipment of the order was booked or picked up (sent by the hub: create a "
          "shipment with POST /api/orders/{ref}/shipments).",
          (Move(S.RELEASED, S.SHIPPED), Move(S.SHIPPED)), ShipmentRef, {"shipment_ref": "SH-1"}, ("hub",),
          loop_hook=S.SHIPPED),  # a back order shipped later: the customer hears of it too
    Event("delivered", "Every line shipped and every shipment delivered (sent by the hub).",
          (Move(S.SHIPPED, S.DELIVERED, _no_back_orders),), sent_by=("hub",)),
    Event("claim_opened", "A claim was opened on the order (sent by the hub: open one with POST /api/claims).",
          moves_from((S.SHIPPED, S.DELIVERED)), ClaimRef, {"claim_ref": "CL-1"}, ("hub",)),
    Event("claim_closed", "A claim of the order ended; a delivered order whose window passed closes.",
          (Move(S.SHIPPED), Move(S.DELIVERED, S.CLOSED, _window_and_claims), Move(S.DELIVERED)),
          ClaimRef, {"claim_ref": "CL-1"}, ("hub",)),
    Event("complaint_opened", "A complaint of shortage, damage or wrong goods was recorded on the order (sent by "
          "the hub: record one with POST /api/orders/{ref}/complaints).",
          moves_from((S.SHIPPED, S.DELIVERED)), ComplaintRef, {"complaint_ref": "CP-1"}, ("hub",)),
    Event("complaint_closed", "A complaint of the order was resolved or withdrawn; a delivered order whose window "
          "passed closes.", (Move(S.SHIPPED), Move(S.DELIVERED, S.CLOSED, _window_and_claims), Move(S.DELIVERED)),
          ComplaintRef, {"complaint_ref": "CP-1"}, ("hub",)),
    Event("followed_up", "Customer service called the customer after shipping (001).",
          moves_from((S.SHIPPED, S.DELIVERED))),
    Event("inspection_window_elapsed", "The 3-day inspection window after delivery passed (sent by its timer).",
          (Move(S.DELIVERED, S.CLOSED, _can_close), Move(S.DELIVERED, "", _claims_open)),
          WindowEnded, {"timer": "inspection_window"}, ("timer",)),
    Event("inspection_passed", "The customer confirmed the goods are complete and undamaged.",
          (Move(S.DELIVERED, S.CLOSED, _can_close),)),
    Event("cancelled", "The order was cancelled before shipping.", moves_from(BEFORE_SHIPPING, S.CANCELLED),
          Cancelled, {"reason": "customer changed plans"}, ("api", "hub")),
    Event("lines_cancelled", "Lines of a paid order were refunded before any of them shipped (sent by the hub when "
          "the refund completes; a back-ordered line of a shipped order too): they will not ship, their stock is "
          "freed and a released order's warehouse gets the amended outbound note.",
          moves_from((S.POSTED, S.RELEASED, S.SHIPPED)), LinesCancelled,
          {"lines": [2], "return_ref": "RT-1", "reason": "refunded before shipping (RT-1)"}, ("hub",),
          loop_hook=S.RELEASED),  # a released order's outbound note is with the warehouse: it goes again, amended
    Event("rejected", "The order cannot be made (production impossible, special order out of range).",
          moves_from((S.RECEIVED, S.PRICE_ESCALATED, S.REVIEWED), S.REJECTED), Reason,
          {"reason": "production cannot make this size"}, ("api", "plugin", "hub")),
    Event("erp_recorded", "The ERP recorded the order under its own numbers; the state does not change.",
          moves_from(S), ErpRecorded, {"erp_ref": "SO-2026-0042", "outbound_ref": "OUT-7"}, ("api", "plugin"),
          stores=("erp_ref", "outbound_ref")),
]
ORDER = Lifecycle("order", [s.value for s in S], S.RECEIVED, (S.CLOSED, S.CANCELLED, S.REJECTED), EVENTS)

# Fields the confirmation (订单确认书) cannot go out without (000).
REQUIRED_FIELDS = ("product_code", "qty", "unit_price", "delivery_mode", "contact")


def promised_date(original: date, confirmation_due: datetime, returned_at: datetime) -> date:
    """The promised date slips one day per day the confirmation comes back late (002)."""
    late_days = (returned_at.date() - confirmation_due.date()).days
    return original + timedelta(days=max(0, late_days))


def special_order_check(standard: dict[str, Decimal], requested: dict[str, Decimal]) -> str | None:
    """Special orders (特订, 000): size changes only, each at most one third either way.

    Returns the rejection reason, or None when the request is in range.
    """
    if set(requested) - set(standard):
        extra = ", ".join(sorted(set(requested) - set(standard)))
        return f"special orders may change sizes only, not {extra}"
    for dim, size in requested.items():
        base = Decimal(standard[dim])
        if base <= 0:
            return f"standard {dim} must be positive"
        change = abs(Decimal(size) - base) / base
        if change > Decimal(1) / Decimal(3):
            return (f"{dim} {size} differs from the standard {base} by {change:.0%}, "
                    "more than one third")
    return None


def price_mismatches(lines: list[dict], price_list: dict[str, Decimal], priced: bool = False) -> tuple[int, ...]:
    """Lines whose price must be decided by the salesperson and supervisor (002), never silently
    accepted: a price off the list, a line given away at 0, and, where a price list exists
    (``priced``), a product the list does not know."""
    out = []
    for line in lines:
        if line.get("unit_price") is None:
            continue  # still to clarify: the order cannot be reviewed yet
        price = Decimal(str(line["unit_price"]))
        listed = line.get("list_price")
        if listed is None:
            listed = price_list.get(line["product_code"])
        if price == 0 or (listed is not None and price != Decimal(str(listed))) or (listed is None and priced):
            out.append(int(line["line_no"]))
    return tuple(out)
