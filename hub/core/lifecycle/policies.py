"""After-sales policy of seed 003 as pure checks; every figure comes from configuration."""
from __future__ import annotations

import calendar
from datetime import date, datetime

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


def exchange_reason(policy: ReturnPolicy, *, ordered_at: datetime, now: datetime, packaging_intact: bool,
                    point_difference: int, category: str, product_code: str, quantity: int) -> str | None:
    """Why an exchange is refused, or None (003: 60 days, packaging, ≤50 points, exclusions, caps)."""
    if (now.date() - ordered_at.date()).days > policy.exchange_window_days:
        return f"exchanges are accepted within {policy.exchange_window_days} days of the order"
    if not packaging_intact:
        return "packaging must be intact for an exchange"
    if point_difference > policy.exchange_max_point_difference:
        return f"point-value difference {point_difference} exceeds {policy.exchange_max_point_difference}"
    if category in policy.exchange_excluded_categories:
        return f"{category} items cannot be exchanged"
    cap = policy.exchange_quantity_caps.get(product_code)
    if cap is not None and quantity > cap:
        return f"at most {cap} of {product_code} per order can be exchanged"
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
