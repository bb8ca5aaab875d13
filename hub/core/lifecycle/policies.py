"""After-sales policy of seed 003 as pure checks; every figure comes from configuration."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from hub.core.config import ReturnPolicy

BEFORE_PAYMENT = ("received", "price_escalated", "reviewed", "awaiting_confirmation", "awaiting_payment")
PAID_NOT_SHIPPED = ("posted", "released")
IN_DELIVERY_OR_DONE = ("shipped", "delivered", "closed")


def allowed_request_types(order_state: str) -> tuple[str, ...]:
    """Request types by order state (003): cancel before payment, refund before shipping, then all."""
    if order_state in BEFORE_PAYMENT:
        return ("cancel",)
    if order_state in PAID_NOT_SHIPPED:
        return ("refund",)
    if order_state in IN_DELIVERY_OR_DONE:
        return ("refund", "return_refund", "exchange", "repair")
    return ()


def months_later(start: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 Jan + 1 month = 28/29 Feb)."""
    years, month = divmod(start.month - 1 + months, 12)
    year = start.year + years
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def after_completion_reason(policy: ReturnPolicy, closed_at: datetime | None, now: datetime) -> str | None:
    # Counted in calendar days from the day of the event, as the seed counts (订单生成之日起).
    if closed_at and (now.date() - closed_at.date()).days > policy.after_completion_days:
        return f"requests close {policy.after_completion_days} days after the order completed"
    return None


@dataclass(frozen=True)
class Ground:
    """A ground for returning or exchanging what the policy would otherwise refuse (003), and what the
    request must carry to show it."""

    meaning: str
    needs: tuple[str, ...]  # fields of the request that must be filled in
    group_only: bool = True  # only for the product group of ``repeat_repair_categories`` (家居净水类)
    past_window: bool = True  # also after the after-completion window (a fault, not a change of mind)


GROUNDS = {
    "repeat_repair": Ground("repaired twice or more for the same fault (the hub counts its own repairs of the "
                            "unit)", ("unit_serial", "fault")),
    "frightened": Ground("a sudden fault frightened the customer, who complained", ("description",)),
    "injury": Ground("the product hurt someone", ("description", "evidence")),
    "logistics_damage": Ground("damaged in transport, found on receipt", ("evidence", "received_on"),
                               past_window=False),
    "allergy": Ground("an allergy or worse symptoms from the product, with a hospital's certificate (凭证明)",
                      ("medical_certificate",), group_only=False),
}


def ground_reason(policy: ReturnPolicy, ground: str, category: str, filled: dict[str, object],
                  repairs: int) -> str | None:
    """Why the ground does not hold, or None; ``repairs`` is the unit's completed repairs for the fault."""
    spec = GROUNDS[ground]
    if spec.group_only and category not in policy.repeat_repair_categories:
        return (f"the {ground} ground is for {', '.join(policy.repeat_repair_categories)} products, not "
                f"{category}")
    missing = [name for name in spec.needs if not filled.get(name)]
    if missing:
        return f"the {ground} ground needs {', '.join(missing)}"
    if ground == "repeat_repair" and repairs < policy.repairs_before_return:
        return (f"unit {filled['unit_serial']} was repaired {repairs} time(s) for this fault; a return needs "
                f"{policy.repairs_before_return}")
    return None


def exchange_reason(policy: ReturnPolicy, *, ordered_at: datetime, now: datetime, packaging_intact: bool,
                    point_difference: int, category: str, product_code: str, quantity: int,
                    grounded: bool = False) -> str | None:
    """Why an exchange is refused, or None (003: 60 days, packaging, ≤50 points, exclusions, caps).
    ``grounded``: a quality ground of the seed holds, so the exclusions and window give way."""
    if not grounded and (now.date() - ordered_at.date()).days > policy.exchange_window_days:
        return f"exchanges are accepted within {policy.exchange_window_days} days of the order"
    if not grounded and not packaging_intact:
        return "packaging must be intact for an exchange"
    if point_difference > policy.exchange_max_point_difference:
        return f"point-value difference {point_difference} exceeds {policy.exchange_max_point_difference}"
    if not grounded and category in policy.exchange_excluded_categories:
        return f"{category} items cannot be exchanged"
    cap = policy.exchange_quantity_caps.get(product_code, policy.exchange_quantity_caps.get(category))
    if cap is not None and quantity > cap:
        return f"at most {cap} of {product_code} per order can be exchanged"
    return None


def exchange_difference(original_price: Decimal, quantity: int, replacement_price: Decimal,
                        replacement_qty: int) -> Decimal:
    """What the customer pays on top (003: 金额多不退少补): a dearer replacement is paid up, a cheaper one
    refunds nothing; the same amount (a swap inside a set at equal points) costs nothing."""
    return max(Decimal(0), replacement_price * replacement_qty - original_price * quantity)


def shipping_paid_by(policy: ReturnPolicy, request_type: str, *, grounded: bool, warranty_covered: bool) -> str:
    """Who pays the shipping both ways: the customer for an exchange (来回运费自行承担) and a change of mind,
    the company for a repair under warranty (保修期内…运费由公司承担) and a return on a quality ground."""
    if request_type == "exchange" and not grounded:
        return policy.exchange_shipping_paid_by
    if request_type == "repair":
        return "company" if warranty_covered else "customer"
    return "company" if grounded else "customer"


def goodwill_reason(policy: ReturnPolicy, amount: Decimal) -> str | None:
    if not policy.goodwill_min <= amount <= policy.goodwill_max:
        return (f"goodwill compensation is {policy.goodwill_min}–{policy.goodwill_max}; "
                "beyond that it is a refund")
    return None


def warranty_reason(policy: ReturnPolicy, *, category: str, ordered_on: date, today: date,
                    proof_of_purchase: bool, manufactured_on: date | None) -> str | None:
    """Why a repair is not under warranty, or None (003: 1 year / 6 / 3 months; 15 months w/o proof)."""
    if category in policy.warranty_excluded_categories:
        return f"{category} items carry no warranty"
    if proof_of_purchase:
        months = policy.warranty_months.get(category, policy.warranty_months.get("accessory", 3))
        if today > months_later(ordered_on, months):
            return f"the {months}-month warranty from the order date has ended"
        return None
    if manufactured_on is None:
        return "without proof of purchase the manufacture date is needed"
    if today > months_later(manufactured_on, policy.warranty_months_from_manufacture):
        return (f"without proof of purchase the warranty runs {policy.warranty_months_from_manufacture}"
                " months from manufacture, and that has ended")
    return None


def checklist_voids_warranty(checklist: dict) -> list[str]:
    """Intake findings (003) that take a unit out of warranty: it becomes a paid repair."""
    findings = []
    if not checklist.get("serial_match"):
        findings.append("serial/IMEI inside and outside differ")
    if not checklist.get("seal_intact"):
        findings.append("seal broken")
    if checklist.get("liquid_marks"):
        findings.append("liquid marks")
    if checklist.get("unauthorised_repair"):
        findings.append("unauthorised repair")
    return findings
