"""After-sales policy of seed 003: request types by order state, exchange and warranty rules."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from hub.core.config import ReturnPolicy
from hub.core.lifecycle import ORDER
from hub.core.lifecycle.policies import (
    GROUNDS,
    after_completion_reason,
    allowed_request_types,
    checklist_voids_warranty,
    exchange_difference,
    exchange_reason,
    goodwill_reason,
    ground_reason,
    months_later,
    shipping_paid_by,
    warranty_reason,
)

POLICY = ReturnPolicy()
AFTER_DELIVERY = ("refund", "return_refund", "exchange", "repair")
REQUEST_TYPES = {
    # before payment: the customer can only cancel
    "received": ("cancel",), "price_escalated": ("cancel",), "reviewed": ("cancel",),
    "awaiting_confirmation": ("cancel",), "awaiting_payment": ("cancel",),
    # paid, not shipped: money back only
    "posted": ("refund",), "released": ("refund",),
    # in delivery or completed: everything
    "shipped": AFTER_DELIVERY, "delivered": AFTER_DELIVERY, "closed": AFTER_DELIVERY,
    # nothing to ask for on an order that never went through
    "cancelled": (), "rejected": (),
}


def test_every_order_state_has_its_request_types():
    assert set(REQUEST_TYPES) == set(ORDER.states)


@pytest.mark.parametrize(("state", "types"), list(REQUEST_TYPES.items()))
def test_request_types_follow_the_order_state(state, types):
    assert set(allowed_request_types(state)) == set(types)


def test_an_unknown_order_state_allows_no_request():
    assert allowed_request_types("nonsense") == ()


# --- requests after completion ------------------------------------------------------------------

CLOSED_AT = datetime(2024, 6, 1, 12, 0)


def test_requests_are_accepted_up_to_the_configured_days_after_completion():
    # calendar days, as the seed counts: the whole 15th day is still inside
    assert after_completion_reason(POLICY, CLOSED_AT, CLOSED_AT + timedelta(days=15, hours=8)) is None
    reason = after_completion_reason(POLICY, CLOSED_AT, CLOSED_AT + timedelta(days=16))
    assert reason is not None and "15 days" in reason
    seven = ReturnPolicy(after_completion_days=7)
    assert "7 days" in after_completion_reason(seven, CLOSED_AT, CLOSED_AT + timedelta(days=8))


def test_an_order_not_yet_completed_has_no_after_completion_limit():
    assert after_completion_reason(POLICY, None, CLOSED_AT + timedelta(days=400)) is None


# --- exchanges ----------------------------------------------------------------------------------

ORDERED_AT = datetime(2024, 3, 1, 10, 0)


def _exchange(policy: ReturnPolicy = POLICY, **overrides) -> str | None:
    kwargs = {"ordered_at": ORDERED_AT, "now": ORDERED_AT + timedelta(days=10), "packaging_intact": True,
              "point_difference": 0, "category": "main_unit", "product_code": "P-1", "quantity": 1}
    return exchange_reason(policy, **{**kwargs, **overrides})


def test_an_exchange_within_every_rule_is_accepted():
    assert _exchange() is None


def test_the_exchange_window_is_sixty_days_from_the_order():
    assert _exchange(now=ORDERED_AT + timedelta(days=60)) is None
    reason = _exchange(now=ORDERED_AT + timedelta(days=61))
    assert reason is not None and "60 days" in reason


def test_the_exchange_window_is_configuration():
    policy = ReturnPolicy(exchange_window_days=30)
    assert _exchange(policy, now=ORDERED_AT + timedelta(days=30)) is None
    assert "30 days" in _exchange(policy, now=ORDERED_AT + timedelta(days=31))


def test_an_exchange_needs_intact_packaging():
    assert "packaging" in _exchange(packaging_intact=False)


def test_the_point_value_difference_may_be_at_most_fifty():
    assert _exchange(point_difference=50) is None
    reason = _exchange(point_difference=51)
    assert reason is not None and "51" in reason and "50" in reason


@pytest.mark.parametrize("category", ["flash_sale_bundle", "cookware", "water_machine", "air_purifier", "cosmetics"])
def test_excluded_categories_cannot_be_exchanged(category):
    reason = _exchange(category=category)
    assert reason is not None and category in reason


def test_per_order_quantity_caps_limit_an_exchange():
    policy = ReturnPolicy(exchange_quantity_caps={"P-1": 2})
    assert _exchange(policy, quantity=2) is None
    reason = _exchange(policy, quantity=3)
    assert reason is not None and "P-1" in reason and "2" in reason
    assert _exchange(policy, product_code="P-9", quantity=50) is None  # no cap on other items


# --- warranty -----------------------------------------------------------------------------------

ORDERED_ON = date(2024, 1, 10)


def _warranty(**overrides) -> str | None:
    kwargs = {"category": "main_unit", "ordered_on": ORDERED_ON, "today": ORDERED_ON,
              "proof_of_purchase": True, "manufactured_on": None}
    return warranty_reason(POLICY, **{**kwargs, **overrides})


@pytest.mark.parametrize(("category", "last_day"), [
    ("main_unit", date(2025, 1, 10)),     # 1 year
    ("charger", date(2025, 1, 10)),       # 1 year
    ("battery", date(2024, 7, 10)),       # 6 months
    ("accessory", date(2024, 4, 10)),     # 3 months
    ("stylus", date(2024, 4, 10)),        # any other accessory: 3 months
])
def test_the_warranty_runs_from_the_order_date_by_category(category, last_day):
    assert _warranty(category=category, today=last_day) is None
    reason = _warranty(category=category, today=last_day + timedelta(days=1))
    assert reason is not None and "ended" in reason


def test_consumables_carry_no_warranty_even_on_day_one():
    reason = _warranty(category="consumable")
    assert reason is not None and "consumable" in reason
    assert _warranty(category="consumable", proof_of_purchase=False, manufactured_on=ORDERED_ON) is not None


def test_without_proof_of_purchase_the_warranty_runs_fifteen_months_from_manufacture():
    made = date(2023, 6, 1)
    # long after a 12-month warranty from the order date would have ended
    assert _warranty(proof_of_purchase=False, manufactured_on=made, today=date(2024, 9, 1)) is None
    reason = _warranty(proof_of_purchase=False, manufactured_on=made, today=date(2024, 9, 2))
    assert reason is not None and "15" in reason and "manufacture" in reason


def test_without_proof_of_purchase_the_manufacture_date_is_needed():
    reason = _warranty(proof_of_purchase=False, manufactured_on=None)
    assert reason is not None and "manufacture date" in reason


def test_a_clean_intake_checklist_keeps_the_warranty():
    assert checklist_voids_warranty({"serial_match": True, "seal_intact": True}) == []


@pytest.mark.parametrize(("checklist", "finding"), [
    ({"serial_match": False, "seal_intact": True}, "serial"),
    ({"serial_match": True, "seal_intact": False}, "seal"),
    ({"serial_match": True, "seal_intact": True, "liquid_marks": True}, "liquid"),
    ({"serial_match": True, "seal_intact": True, "unauthorised_repair": True}, "unauthorised repair"),
])
def test_each_intake_finding_voids_the_warranty(checklist, finding):
    findings = checklist_voids_warranty(checklist)
    assert len(findings) == 1 and finding in findings[0]


def test_an_unchecked_serial_and_seal_do_not_count_as_intact():
    assert len(checklist_voids_warranty({})) == 2
    assert len(checklist_voids_warranty({"serial_match": False, "seal_intact": False, "liquid_marks": True,
                                         "unauthorised_repair": True})) == 4


# --- months_later -------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),    # leap year: the end of February
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2000, 1, 31), 1, date(2000, 2, 29)),    # divisible by 400: a leap year
    (date(2100, 1, 31), 1, date(2100, 2, 28)),    # divisible by 100 only: not a leap year
    (date(2024, 3, 31), 1, date(2024, 4, 30)),
    (date(2024, 11, 30), 3, date(2025, 2, 28)),
    (date(2024, 12, 15), 1, date(2025, 1, 15)),   # across the year end
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2023, 6, 1), 15, date(2024, 9, 1)),
    (date(2024, 1, 10), 24, date(2026, 1, 10)),
    (date(2024, 5, 17), 0, date(2024, 5, 17)),
])
def test_months_later_lands_on_the_same_day_or_the_month_end(start, months, expected):
    assert months_later(start, months) == expected


# --- 003's defaults, grounds, price differences, shipping, goodwill ---------------------------------------

def test_the_default_caps_allow_two_sanqi_grape_seed_capsules_per_order():
    assert _exchange(category="sanqi_grape_seed_capsule", quantity=2) is None
    assert "at most 2" in _exchange(category="sanqi_grape_seed_capsule", quantity=3)


def test_a_quality_ground_lifts_the_exclusion_and_window_but_not_the_caps_or_points():
    late = ORDERED_AT + timedelta(days=200)
    assert _exchange(category="water_machine", now=late, grounded=True) is None
    assert "at most 2" in _exchange(category="sanqi_grape_seed_capsule", quantity=3, grounded=True)
    assert "exceeds 50" in _exchange(point_difference=80, grounded=True)


@pytest.mark.parametrize(("ground", "filled", "reason"), [
    ("repeat_repair", {"unit_serial": "WM-1"}, "needs fault"),
    ("frightened", {}, "needs description"),
    ("injury", {"description": "burnt hand"}, "needs evidence"),
    ("logistics_damage", {"evidence": ["dent.jpg"]}, "needs received_on"),
])
def test_each_ground_asks_for_what_the_seed_collects(ground, filled, reason):
    assert reason in ground_reason(POLICY, ground, "water_machine", filled, repairs=5)


def test_the_household_water_grounds_are_for_that_group_and_allergy_for_any_product():
    assert "water_machine, air_purifier, cookware" in ground_reason(POLICY, "frightened", "main_unit",
                                                                   {"description": "x"}, 0)
    assert ground_reason(POLICY, "allergy", "capsule", {"medical_certificate": "cert-1"}, 0) is None
    assert set(GROUNDS) == {"repeat_repair", "frightened", "injury", "logistics_damage", "allergy"}


def test_repeat_repair_needs_the_configured_number_of_repairs():
    filled = {"unit_serial": "WM-1", "fault": "no heating"}
    assert "repaired 1 time(s)" in ground_reason(POLICY, "repeat_repair", "water_machine", filled, 1)
    assert ground_reason(POLICY, "repeat_repair", "water_machine", filled, 2) is None
    three = ReturnPolicy(repairs_before_return=3)
    assert ground_reason(three, "repeat_repair", "water_machine", filled, 2) is not None


def test_a_dearer_replacement_is_paid_up_a_cheaper_one_refunds_nothing():
    assert exchange_difference(Decimal("100"), 1, Decimal("130"), 1) == Decimal("30")
    assert exchange_difference(Decimal("100"), 1, Decimal("70"), 1) == 0
    assert exchange_difference(Decimal("150"), 1, Decimal("150"), 2) == Decimal("150")


def test_who_pays_the_shipping_both_ways():
    assert shipping_paid_by(POLICY, "exchange", grounded=False, warranty_covered=False) == "customer"
    assert shipping_paid_by(POLICY, "exchange", grounded=True, warranty_covered=False) == "company"
    assert shipping_paid_by(POLICY, "repair", grounded=False, warranty_covered=True) == "company"
    assert shipping_paid_by(POLICY, "repair", grounded=False, warranty_covered=False) == "customer"
    assert shipping_paid_by(POLICY, "return_refund", grounded=False, warranty_covered=False) == "customer"
    company = ReturnPolicy(exchange_shipping_paid_by="company")
    assert shipping_paid_by(company, "exchange", grounded=False, warranty_covered=False) == "company"


def test_goodwill_compensation_stays_within_five_to_fifteen():
    assert goodwill_reason(POLICY, Decimal("5")) is None and goodwill_reason(POLICY, Decimal("15")) is None
    assert "5–15" in goodwill_reason(POLICY, Decimal("15.01"))
    assert goodwill_reason(POLICY, Decimal("4.99")) is not None
