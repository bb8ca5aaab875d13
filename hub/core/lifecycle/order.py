"""Order lifecycle (seeds 000, 001, 002): intake, review, confirmation, payment, posting, delivery.

Guards read an ``OrderFacts`` built by the service from the stored order plus the event's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from hub.core.lifecycle.table import Lifecycle, Rule, rules_from


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
    deposit_due: Decimal = Decimal(0)
    deposit_paid: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    amount_paid: Decimal = Decimal(0)
    open_claims: int = 0
    inspection_window_elapsed: bool = False
    back_orders_outstanding: bool = False


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
        return "special order needs the departments' special-order review"
    return None


def _review_clean(f: OrderFacts) -> str | None:
    if reason := _reviewable(f):
        return reason
    return "prices differ from the price list" if f.price_mismatches else None


def _review_mismatch(f: OrderFacts) -> str | None:
    if reason := _reviewable(f):
        return reason
    return None if f.price_mismatches else "no price mismatch"


def _grade_a(f: OrderFacts) -> str | None:
    return None if f.grade == "A" else f"grade {f.grade} needs the returned confirmation before release"


def _deposit_covered(f: OrderFacts) -> str | None:
    if f.deposit_paid >= f.deposit_due or f.amount_paid >= f.total:
        return None
    return f"deposit {f.deposit_paid} of {f.deposit_due} received"


def _deposit_short(f: OrderFacts) -> str | None:
    return "deposit covered" if _deposit_covered(f) is None else None


def _no_back_orders(f: OrderFacts) -> str | None:
    return "back-order lines still to ship" if f.back_orders_outstanding else None


def _can_close(f: OrderFacts) -> str | None:
    if f.open_claims:
        return f"{f.open_claims} claim(s) still open"
    return None


def _window_and_claims(f: OrderFacts) -> str | None:
    if not f.inspection_window_elapsed:
        return "inspection window still open"
    return _can_close(f)


def _claims_open(f: OrderFacts) -> str | None:
    return None if f.open_claims else "no open claim"


RULES = [
    Rule(S.RECEIVED, "clarified", S.RECEIVED),
    Rule(S.RECEIVED, "reviewed", S.PRICE_ESCALATED, _review_mismatch),
    Rule(S.RECEIVED, "reviewed", S.REVIEWED, _review_clean),
    Rule(S.PRICE_ESCALATED, "price_approved", S.REVIEWED),
    Rule(S.REVIEWED, "confirmation_sent", S.AWAITING_CONFIRMATION),
    Rule(S.AWAITING_CONFIRMATION, "confirmation_received", S.AWAITING_PAYMENT),
    Rule(S.AWAITING_CONFIRMATION, "released", S.POSTED, _grade_a),
    # Grade A needs neither the confirmation nor the deposit before release (002).
    Rule(S.AWAITING_PAYMENT, "released", S.POSTED, _grade_a),
    Rule(S.AWAITING_PAYMENT, "deposit_received", S.POSTED, _deposit_covered),
    Rule(S.AWAITING_PAYMENT, "deposit_received", S.AWAITING_PAYMENT, _deposit_short),
    Rule(S.AWAITING_PAYMENT, "payment_received", S.POSTED, _deposit_covered),
    Rule(S.AWAITING_PAYMENT, "payment_received", S.AWAITING_PAYMENT, _deposit_short),
    Rule(S.AWAITING_PAYMENT, "terms_approved", S.POSTED),
    *rules_from((S.POSTED, S.RELEASED, S.SHIPPED, S.DELIVERED), "confirmation_received", "", _grade_a),
    Rule(S.POSTED, "finance_approved", S.RELEASED),
    Rule(S.RELEASED, "shipped", S.SHIPPED),
    Rule(S.SHIPPED, "shipped", S.SHIPPED),
    Rule(S.SHIPPED, "delivered", S.DELIVERED, _no_back_orders),
    Rule(S.SHIPPED, "claim_opened", S.SHIPPED),
    Rule(S.SHIPPED, "claim_closed", S.SHIPPED),
    Rule(S.SHIPPED, "followed_up", S.SHIPPED),  # the follow-up call after shipping (001)
    Rule(S.DELIVERED, "followed_up", S.DELIVERED),
    Rule(S.DELIVERED, "claim_opened", S.DELIVERED),
    Rule(S.DELIVERED, "claim_closed", S.CLOSED, _window_and_claims),
    Rule(S.DELIVERED, "claim_closed", S.DELIVERED),
    Rule(S.DELIVERED, "inspection_window_elapsed", S.CLOSED, _can_close),
    Rule(S.DELIVERED, "inspection_window_elapsed", S.DELIVERED, _claims_open),
    Rule(S.DELIVERED, "inspection_passed", S.CLOSED, _can_close),
    *rules_from(BEFORE_SHIPPING, "cancelled", S.CANCELLED),
    *rules_from((S.RECEIVED, S.PRICE_ESCALATED, S.REVIEWED), "rejected", S.REJECTED),
]
# A grade-A confirmation that arrives after release changes no state: its target is the source.
RULES = [Rule(r.source, r.event, r.target or r.source, r.guard) for r in RULES]

ORDER = Lifecycle("order", [s.value for s in S], S.RECEIVED,
                  (S.CLOSED, S.CANCELLED, S.REJECTED), RULES)

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


def price_mismatches(lines: list[dict], price_list: dict[str, Decimal]) -> tuple[int, ...]:
    """Lines whose unit price differs from the price list; never silently accepted (002)."""
    out = []
    for line in lines:
        listed = line.get("list_price")
        if listed is None:
            listed = price_list.get(line["product_code"])
        if listed is not None and Decimal(str(line["unit_price"])) != Decimal(str(listed)):
            out.append(int(line["line_no"]))
    return tuple(out)
