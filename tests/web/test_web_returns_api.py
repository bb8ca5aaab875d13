"""After-sales requests through the HTTP API as seeds 000 and 003 run them, with the clock driven by the
test, on SQLite and PostgreSQL: a refund before shipping cancels the order (or its line) and is capped
at what was paid; warranty repairs outlive the after-completion window; the hub counts its own repairs
per unit and fault; the exchange policy of 003 by default (exclusions, caps, price difference, who pays
shipping); 000's return form; the quality grounds; goodwill compensation; the on-site repair that stays
open until fixed and signed; the service clock's limits."""
from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hub.core.config import HubConfig

from .test_web_catalogue import response_schema
from .web_support import PLUGINS, EntityApi, make_config, new_order, shanghai, served

# The products of 003's collection, with the categories the default policy names.
PRODUCTS = {"SOFA-3": ("main_unit", "4200"), "WM-1": ("water_machine", "1999"), "POT-1": ("cookware", "399"),
            "CAP-37": ("sanqi_grape_seed_capsule", "120"), "CAP-38": ("capsule", "150"),
            "LIP-1": ("cosmetics", "89")}
CHECKLIST = {"serial_match": True, "seal_intact": True, "liquid_marks": False, "missing_parts": False,
             "unauthorised_repair": False, "data_loss_acknowledged": True, "sealed_bag": ["filter cartridge"]}


class Api(EntityApi):
    collection, default_ref = "returns", "RT-1"

    async def order(self, ref: str) -> dict[str, Any]:
        return await self.get(f"/api/orders/{ref}")

    async def request(self, body: dict[str, Any], expect: int = 201) -> dict[str, Any]:
        status, answer = await self.post("/api/returns", body)
        assert status == expect, answer
        return answer

    async def hooks(self, hook: str, order_ref: str) -> list[dict[str, Any]]:
        """The order's handoffs of ``hook``, one per plugin that implements it."""
        page = await self.get(f"/api/handoffs?order_ref={order_ref}&limit=500")
        return [h for h in page["items"] if h["hook"] == hook]


@pytest.fixture
def config(tmp_path: Path, migrated_db: Path) -> HubConfig:
    shutil.copyfile(migrated_db, tmp_path / "hub.sqlite3")
    plugins = {**PLUGINS, "erp.sandbox": {"stock": {code: "50" for code in PRODUCTS},
                                          "prices": {code: price for code, (_, price) in PRODUCTS.items()}}}
    return make_config(tmp_path).model_copy(update={"plugins": plugins})


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig, clock: Any,
              tmp_path: Path) -> AsyncIterator[Api]:
    clock.set(shanghai(2026, 3, 2, 9))
    async with served(Api, request.param, "returns", aiohttp_client, config, clock, tmp_path) as api:
        yield api


def lines(*items: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"product_code": code, "spec": "standard", "qty": qty, "unit_price": PRODUCTS[code][1],
             "category": PRODUCTS[code][0]} for code, qty in items]


async def released(api: Api, ref: str, *items: tuple[str, int], paid: str | None = None) -> dict[str, Any]:
    """An order walked to released through the API: reviewed by the ERP sandbox, confirmed, paid in full."""
    body = new_order(ref, lines=lines(*items or (("SOFA-3", 2),)))
    status, answer = await api.post("/api/orders", body)
    assert status == 201, answer
    await api.runtime.settle()
    total = (await api.order(ref))["total"]
    for event, data in (("confirmation_sent", {}), ("confirmation_received", {}),
                        ("payment_received", {"amount": paid or total})):
        await api.post(f"/api/orders/{ref}/events", {"event": event, "data": data})
    await api.runtime.settle()
    order = await api.order(ref)
    assert order["state"] == "released", order["timeline"]
    return order


async def delivered(api: Api, ref: str, *items: tuple[str, int]) -> None:
    await released(api, ref, *items)
    status, body = await api.post(f"/api/orders/{ref}/shipments", {"ref": f"SH-{ref}", "carrier": "dhl",
                                                                   "tracking_number": f"TN-{ref}"})
    assert status == 201, body
    for event in ("in_transit", "delivered"):
        status, body = await api.post(f"/api/shipments/SH-{ref}/events", {"event": event})
        assert status == 200, body
    await api.runtime.settle()
    assert (await api.order(ref))["state"] == "delivered"


async def closed(api: Api, ref: str, *items: tuple[str, int]) -> None:
    """Delivered, then the 3-day inspection window passes and the order closes."""
    await delivered(api, ref, *items)
    api.hub.clock.advance(days=3, minutes=1)
    await api.runtime.settle()
    assert (await api.order(ref))["state"] == "closed"


async def completed_repair(api: Api, ref: str, order: str, serial: str, fault: str) -> None:
    await api.request({"ref": ref, "order_ref": order, "type": "repair", "reason": fault, "fault": fault,
                       "unit_serial": serial, "address": "1 Harbour Rd", "checklist": CHECKLIST})
    for event in ("approved", "customer_shipped", "goods_received", "exchange_shipped"):
        await api.event(ref, event)
    assert (await api.entity(ref))["state"] == "completed"


# --- refunds before shipping ---------------------------------------------------------------------------

async def test_a_refund_before_shipping_holds_the_shipment_then_cancels_the_order_and_frees_its_stock(api):
    # given a released, fully paid order of two sofas (8,400)
    await released(api, "SO-R1")
    # when the customer asks for the money back before anything left
    created = await api.request({"ref": "RT-1", "order_ref": "SO-R1", "type": "refund", "reason": "changed plans"})
    response_schema("/api/returns", "post", 201).validate(created)
    # then the refund is what was paid, and the warehouse cannot ship while it is open
    refund = await api.entity()
    assert refund["amount"] == "8400.00" and refund["details"]["before_shipping"] is True
    status, body = await api.post("/api/orders/SO-R1/shipments", {"carrier": "dhl", "tracking_number": "TN-X"})
    assert status == 409 and "RT-1" in body["error"], body
    # when it is approved and paid out
    await api.event("RT-1", "approved")
    await api.event("RT-1", "refunded", {"amount": "8400.00", "reference": "BANK-RF-1"})
    await api.runtime.settle()
    # then the order is cancelled, its stock promise released, and the cancellation's hook delivered
    order = await api.order("SO-R1")
    assert order["state"] == "cancelled"
    cancelled = [e for e in order["timeline"] if e["event"] == "cancelled"][0]
    assert cancelled["data"] == {"return_ref": "RT-1", "reason": "refunded before shipping (RT-1)"}
    told = await api.hooks("hub_order_cancelled", "SO-R1")
    assert told and all(h["state"] == "done" for h in told)
    warehouse = [m for m in api.letters() if m["milestone"].startswith("order_cancelled")]
    assert warehouse and "role:warehouse" in warehouse[0]["to"] and "SO-R1" in warehouse[0]["body"]
    status, body = await api.post("/api/orders/SO-R1/shipments", {"carrier": "dhl", "tracking_number": "TN-X"})
    assert status in (409, 422) and "cancelled" in body["error"]


async def test_a_refund_of_one_line_cancels_that_line_and_the_warehouse_gets_the_amended_outbound_note(api):
    # given a released order of a water machine and a pot
    await released(api, "SO-R2", ("WM-1", 1), ("POT-1", 2))
    notes_before = len(await api.hooks("hub_order_released", "SO-R2"))
    # when the pot line is refunded before shipping
    await api.request({"ref": "RT-1", "order_ref": "SO-R2", "type": "refund", "line_no": 2, "reason": "not needed"})
    assert (await api.entity())["amount"] == "798.00"  # the line's value, not the whole payment
    await api.event("RT-1", "approved")
    await api.event("RT-1", "refunded")
    await api.runtime.settle()
    # then the order stays released with the line cancelled and its total reduced
    order = await api.order("SO-R2")
    assert order["state"] == "released" and Decimal(order["total"]) == Decimal("1999")
    pot = order["lines"][1]
    assert (pot["qty"], pot["cancelled_qty"], pot["cancelled"]) == ("0", "2", True)
    cancelled = [e for e in order["timeline"] if e["event"] == "lines_cancelled"]
    assert cancelled[0]["data"]["lines"] == [2] and cancelled[0]["data"]["return_ref"] == "RT-1"
    # and the outbound note went to the warehouse again, amended; the rest ships
    assert len(await api.hooks("hub_order_released", "SO-R2")) == notes_before + 1
    status, body = await api.post("/api/orders/SO-R2/shipments", {"carrier": "dhl", "tracking_number": "TN-R2"})
    assert status == 201, body
    shipped = (await api.order("SO-R2"))["lines"]
    assert [(ln["shipped_qty"], ln["qty"]) for ln in shipped] == [("1", "1"), ("0", "0")]


async def test_a_refund_is_capped_at_what_was_paid(api):
    # given an 8,400 order paid in full
    await released(api, "SO-R3")
    # when someone asks for 999,999, then it is refused naming what was paid
    status, body = await api.post("/api/returns", {"order_ref": "SO-R3", "type": "refund", "reason": "x",
                                                   "amount": "999999"})
    assert status == 422 and "8400" in body["error"] and body["errors"][0]["field"] == "amount", body
    # and two refunds together never exceed it
    await api.request({"ref": "RT-1", "order_ref": "SO-R3", "type": "refund", "line_no": 1, "reason": "x",
                       "amount": "6000"})
    status, body = await api.post("/api/returns", {"order_ref": "SO-R3", "type": "refund", "reason": "y",
                                                   "amount": "2401"})
    assert status == 422 and "6000" in body["error"], body
    # and the refund paid out is never more than the request
    await api.event("RT-1", "approved")
    body = await api.event("RT-1", "refunded", {"amount": "6000.01"}, expect=422)
    assert "capped" in body["error"]
    assert (await api.entity())["state"] == "awaiting_refund"


async def test_a_withdrawn_refund_lets_the_order_ship(api):
    await released(api, "SO-R4")
    await api.request({"ref": "RT-1", "order_ref": "SO-R4", "type": "refund", "reason": "x"})
    await api.event("RT-1", "approved")
    await api.event("RT-1", "withdrawn", {"reason": "the customer keeps the sofas"})
    status, body = await api.post("/api/orders/SO-R4/shipments", {"carrier": "dhl", "tracking_number": "TN-R4"})
    assert status == 201, body


# --- warranty, repairs and the after-completion window -------------------------------------------------

async def test_a_warranty_repair_months_after_completion_is_accepted_while_a_late_refund_is_not(api):
    # given a sofa order closed 3 days after delivery
    await closed(api, "SO-W1")
    # when five months later the unit fails
    api.hub.clock.advance(days=150)
    status, body = await api.post("/api/returns", {"order_ref": "SO-W1", "type": "return_refund",
                                                   "reason": "changed mind", "address": "x"})
    assert status == 422 and "15 days after the order completed" in body["error"]
    # then a repair is still accepted, under the 12-month warranty, the company paying the shipping
    await api.request({"ref": "RT-1", "order_ref": "SO-W1", "type": "repair", "reason": "frame creaks",
                       "fault": "frame creaks", "address": "x", "checklist": CHECKLIST})
    details = (await api.entity())["details"]
    assert details["warranty"] == {"covered": True, "reasons": []}
    assert details["shipping_paid_by"] == "company"
    assert details["checklist"]["sealed_bag"] == ["filter cartridge"]
    # and fourteen months after the order the warranty has ended: a paid repair, the customer pays shipping
    api.hub.clock.advance(days=280)
    await api.request({"ref": "RT-2", "order_ref": "SO-W1", "type": "repair", "reason": "frame creaks",
                       "fault": "frame creaks", "address": "x", "checklist": CHECKLIST})
    details = (await api.entity("RT-2"))["details"]
    assert details["warranty"]["covered"] is False and "12-month warranty" in details["warranty"]["reasons"][0]
    assert details["shipping_paid_by"] == "customer"


async def test_the_hub_counts_repairs_per_unit_and_fault_before_a_water_machine_may_be_returned(api):
    # given a water machine repaired once for "no heating"
    await closed(api, "SO-W2", ("WM-1", 1))
    await completed_repair(api, "RT-1", "SO-W2", "WM-0001", "No heating")
    body = {"order_ref": "SO-W2", "type": "return_refund", "reason": "keeps failing", "address": "x",
            "ground": "repeat_repair", "unit_serial": "WM-0001", "fault": "no  heating"}
    # when the customer asks to return it, then once is not enough
    status, answer = await api.post("/api/returns", body)
    assert status == 422 and "repaired 1 time(s)" in answer["error"] and answer["errors"][0]["field"] == "ground"
    # a repair of another fault, or of another unit, does not count
    await completed_repair(api, "RT-2", "SO-W2", "WM-0001", "leaks")
    await completed_repair(api, "RT-3", "SO-W2", "WM-0002", "no heating")
    status, answer = await api.post("/api/returns", body)
    assert status == 422 and "repaired 1 time(s)" in answer["error"]
    # the second repair for the same fault makes the return possible, long after the window closed
    await completed_repair(api, "RT-4", "SO-W2", "WM-0001", "NO HEATING")
    api.hub.clock.advance(days=100)
    created = await api.request({**body, "ref": "RT-5"})
    details = (await api.entity("RT-5"))["details"]
    assert created["state"] == "pending_review" and details["repairs_for_fault"] == 2
    assert details["shipping_paid_by"] == "company"
    # the caller cannot send the count any more
    status, answer = await api.post("/api/returns", {**body, "same_fault_repairs": 5})
    assert status == 422 and "same_fault_repairs" in str(answer)


async def test_the_repeat_repair_ground_is_for_the_household_water_group_only(api):
    await delivered(api, "SO-W3", ("SOFA-3", 1))
    status, answer = await api.post("/api/returns", {
        "order_ref": "SO-W3", "type": "return_refund", "reason": "x", "address": "x", "ground": "repeat_repair",
        "unit_serial": "S-1", "fault": "creak"})
    assert status == 422 and "water_machine, air_purifier, cookware" in answer["error"]


# --- the exchange policy of 003 ------------------------------------------------------------------------

async def test_the_default_exchange_policy_excludes_003s_products_and_caps_the_capsules(api):
    await delivered(api, "SO-X1", ("POT-1", 1), ("LIP-1", 1), ("CAP-37", 4), ("WM-1", 1))
    for line_no, category in ((1, "cookware"), (2, "cosmetics"), (4, "water_machine")):
        status, body = await api.post("/api/returns", {"order_ref": "SO-X1", "type": "exchange", "line_no": line_no,
                                                       "reason": "colour", "address": "x"})
        assert status == 422 and f"{category} items cannot be exchanged" in body["error"], body
    status, body = await api.post("/api/returns", {"order_ref": "SO-X1", "type": "exchange", "line_no": 3,
                                                   "quantity": 3, "reason": "taste", "address": "x"})
    assert status == 422 and "at most 2" in body["error"]
    await api.request({"ref": "RT-1", "order_ref": "SO-X1", "type": "exchange", "line_no": 3, "quantity": 2,
                       "reason": "taste", "address": "x"})
    # a pot that reached the customer damaged may still be exchanged: the ground of 003, with its photos
    status, body = await api.post("/api/returns", {"order_ref": "SO-X1", "type": "exchange", "line_no": 1,
                                                   "reason": "dented", "address": "x", "ground": "logistics_damage",
                                                   "received_on": "2026-03-02"})
    assert status == 422 and "needs evidence" in body["error"]
    await api.request({"ref": "RT-2", "order_ref": "SO-X1", "type": "exchange", "line_no": 1, "reason": "dented",
                       "address": "x", "ground": "logistics_damage", "received_on": "2026-03-02",
                       "evidence": ["photo-dent-1.jpg"]})
    assert (await api.entity("RT-2"))["details"]["evidence"] == ["photo-dent-1.jpg"]


async def test_an_exchange_for_a_dearer_item_ships_only_once_the_difference_is_paid(api):
    await delivered(api, "SO-X2", ("CAP-38", 1))
    # when the 150 capsules are exchanged for the 120 ones: nothing is refunded (多不退)
    await api.request({"ref": "RT-1", "order_ref": "SO-X2", "type": "exchange", "reason": "taste", "address": "x",
                       "replacement": {"product_code": "CAP-37", "unit_price": "120"}})
    cheaper = (await api.entity())["details"]
    assert cheaper["settlement"]["difference_due"] == "0" and cheaper["shipping_paid_by"] == "customer"
    await api.event("RT-1", "withdrawn")
    # when they are exchanged for two boxes at 150 … the customer pays the difference (少补)
    await api.request({"ref": "RT-2", "order_ref": "SO-X2", "type": "exchange", "reason": "more", "address": "x",
                       "replacement": {"product_code": "CAP-38", "unit_price": "150", "qty": 2}})
    assert (await api.entity("RT-2"))["details"]["settlement"]["difference_due"] == "150"
    for event in ("approved", "customer_shipped", "goods_received"):
        await api.event("RT-2", event)
    body = await api.event("RT-2", "exchange_shipped", expect=409)
    assert "difference_collected" in body["error"]
    await api.event("RT-2", "difference_collected", {"amount": "150.00", "reference": "POS-1"})
    assert (await api.event("RT-2", "exchange_shipped"))["state"] == "completed"


# --- 000's return form and 003's grounds ---------------------------------------------------------------

async def test_a_return_request_carries_000s_form(api):
    await delivered(api, "SO-F1", ("SOFA-3", 1))
    await api.request({"ref": "RT-1", "order_ref": "SO-F1", "type": "return_refund", "reason": "wrong colour",
                       "address": "x", "batch_no": "B2026-03-A", "received_on": "2026-03-02",
                       "return_transport": "Anji Logistics truck, freight collect"})
    details = (await api.entity())["details"]
    assert (details["batch_no"], details["received_on"], details["return_transport"]) == (
        "B2026-03-A", "2026-03-02", "Anji Logistics truck, freight collect")
    assert details["product"]["product_code"] == "SOFA-3"


async def test_an_allergy_return_needs_the_hospitals_certificate(api):
    await closed(api, "SO-G1", ("CAP-38", 1))
    api.hub.clock.advance(days=30)
    base = {"order_ref": "SO-G1", "type": "return_refund", "reason": "rash", "address": "x", "ground": "allergy"}
    status, body = await api.post("/api/returns", base)
    assert status == 422 and "medical_certificate" in body["error"]
    created = await api.request({**base, "ref": "RT-1", "medical_certificate": "Ruijin Hospital cert 2026-0412"})
    assert created["state"] == "pending_review"


# --- goodwill, the on-site repair, the follow-up -------------------------------------------------------

async def test_goodwill_compensation_is_a_recorded_decision_within_its_range(api):
    await delivered(api, "SO-G2", ("SOFA-3", 1))
    await api.request({"ref": "RT-1", "order_ref": "SO-G2", "type": "return_refund", "reason": "not as pictured",
                       "address": "x"})
    await api.event("RT-1", "goodwill_granted", {"amount": "20", "approver": "agent-chen", "reason": "x"},
                    expect=422)
    await api.event("RT-1", "goodwill_granted", {"amount": "10"}, expect=422)  # who decided is required
    await api.event("RT-1", "goodwill_granted", {"amount": "10", "approver": "agent-chen",
                                                 "reason": "the colour differs from the photos"})
    goodwill = (await api.entity())["details"]["goodwill"]
    assert [(g["amount"], g["approver"]) for g in goodwill] == [("10", "agent-chen")]


async def test_an_on_site_repair_stays_open_until_fixed_and_signed_then_the_follow_up_call(api):
    await delivered(api, "SO-S1", ("WM-1", 1))
    await api.request({"ref": "RT-1", "order_ref": "SO-S1", "type": "repair", "reason": "no water",
                       "fault": "no water", "unit_serial": "WM-9", "on_site": True, "address": "1 Harbour Rd",
                       "checklist": CHECKLIST})
    assert set(await api.timers()) == {"after_sales_lookup", "after_sales_first_reply", "on_site_visit"}
    await api.event("RT-1", "looked_up")
    await api.event("RT-1", "replied", {"note": "pump suspected"})
    assert (await api.event("RT-1", "approved"))["state"] == "on_site_repair"
    form = {"technician": "tech-wang", "cause": "pump seized", "action": "pump replaced", "customer_signed": True,
            "removed_parts": ["pump"]}
    body = await api.event("RT-1", "fixed_on_site", form, expect=409)
    assert "on_site_visited" in body["error"]
    await api.event("RT-1", "on_site_visited", {"technician": "tech-wang"})
    await api.event("RT-1", "fixed_on_site", {**form, "customer_signed": False}, expect=422)
    assert (await api.event("RT-1", "fixed_on_site", form))["state"] == "completed"
    await api.event("RT-1", "followed_up", {"satisfied": True, "caller": "cs-liu"})
    view = await api.entity()
    assert view["details"]["feedback_form"]["removed_parts"] == ["pump"]
    assert view["details"]["follow_up"]["satisfied"] is True
    assert view["open_timers"] == [] and await api.breaches() == []


async def test_the_look_up_limit_breaches_after_ten_minutes(api):
    await delivered(api, "SO-S2", ("SOFA-3", 1))
    await api.request({"ref": "RT-1", "order_ref": "SO-S2", "type": "refund", "reason": "late", "amount": "100"})
    assert (await api.timers())["after_sales_lookup"] - api.hub.clock.now() == timedelta(minutes=10)
    api.hub.clock.advance(minutes=11)
    await api.runtime.settle()
    assert await api.breaches() == ["after_sales_lookup"]


async def test_an_equipment_repair_runs_on_the_service_clock_and_each_limit_breaches_once(api):
    # given a water machine delivered, and a fault reported for on-site service
    await delivered(api, "SO-S3", ("WM-1", 1))
    await api.request({"ref": "RT-1", "order_ref": "SO-S3", "type": "repair", "reason": "no water",
                       "fault": "no water", "on_site": True, "address": "1 Harbour Rd", "checklist": CHECKLIST})
    # when nobody looks it up or answers for 5 hours: the 10-minute look-up and the 4-hour reply breach
    api.hub.clock.advance(hours=5)
    await api.runtime.settle()
    assert sorted(await api.breaches()) == ["after_sales_first_reply", "after_sales_lookup"]
    # when approved but no technician arrives within 24 hours of the request
    await api.event("RT-1", "approved")
    api.hub.clock.advance(hours=20)
    await api.runtime.settle()
    assert "on_site_visit" in await api.breaches()
    # when the technician takes the unit to the workshop, it is back within 15 days or breaches
    await api.event("RT-1", "on_site_visited", {"technician": "tech-wang"})
    await api.event("RT-1", "taken_to_workshop", {"agreed_return_date": "2026-03-20", "reason": "pump housing cracked"})
    api.hub.clock.advance(days=14)
    await api.runtime.settle()
    assert "repair_turnaround" not in await api.breaches()
    api.hub.clock.advance(days=2)
    await api.runtime.settle()
    breaches = await api.breaches()
    assert sorted(breaches) == ["after_sales_first_reply", "after_sales_lookup", "on_site_visit", "repair_turnaround"]
    assert (await api.entity())["details"]["workshop"]["agreed_return_date"] == "2026-03-20"


# --- limits that hold across requests -----------------------------------------------------------------

async def test_limits_hold_across_an_orders_requests_not_only_within_one(api):
    # given a released order of a water machine (1,999) and two pots (798), paid in full
    await released(api, "SO-L1", ("WM-1", 1), ("POT-1", 2))
    # when the pot line is refunded 500, then a second refund of that line gets only what is left of it
    await api.request({"ref": "RT-1", "order_ref": "SO-L1", "type": "refund", "line_no": 2, "reason": "x",
                       "amount": "500"})
    status, body = await api.post("/api/returns", {"order_ref": "SO-L1", "type": "refund", "line_no": 2,
                                                   "reason": "y", "amount": "300"})
    assert status == 422 and "at most 298" in body["error"], body
    # and a technician's visit is for a repair, not for a refund
    status, body = await api.post("/api/returns", {"order_ref": "SO-L1", "type": "refund", "line_no": 1,
                                                   "reason": "z", "on_site": True, "amount": "10"})
    assert status == 422 and body["errors"][0]["field"] == "on_site", body
    # and the open refund of the pots holds a shipment carrying them, not one carrying the machine only
    status, body = await api.post("/api/orders/SO-L1/shipments", {"carrier": "dhl", "tracking_number": "TN-L1",
                                                                  "lines": {"2": 1}})
    assert status == 409 and "RT-1" in body["error"], body
    status, body = await api.post("/api/orders/SO-L1/shipments", {"ref": "SH-L1", "carrier": "dhl",
                                                                  "tracking_number": "TN-L1", "lines": {"1": 1}})
    assert status == 201, body


async def test_the_capsule_cap_counts_the_orders_earlier_exchanges_and_goodwill_is_bounded_per_request(api):
    await delivered(api, "SO-L2", ("CAP-37", 4))
    await api.request({"ref": "RT-1", "order_ref": "SO-L2", "type": "exchange", "quantity": 2, "reason": "taste",
                       "address": "x"})
    # a second exchange of the same capsules on the order goes past 2 per order
    status, body = await api.post("/api/returns", {"order_ref": "SO-L2", "type": "exchange", "quantity": 1,
                                                   "reason": "taste", "address": "x"})
    assert status == 422 and "at most 2" in body["error"], body
    # and more than the line holds is refused outright
    status, body = await api.post("/api/returns", {"order_ref": "SO-L2", "type": "return_refund", "quantity": 5,
                                                   "reason": "x", "address": "x"})
    assert status == 422 and body["errors"][0]["field"] == "quantity", body
    # goodwill of 5–15 is the request's in all: a second grant of 15 is refused, the first stays
    grant = {"amount": "15", "approver": "agent-chen", "reason": "slow reply"}
    await api.event("RT-1", "goodwill_granted", grant)
    body = await api.event("RT-1", "goodwill_granted", grant, expect=422)
    assert "30" in body["error"], body
    assert [g["amount"] for g in (await api.entity())["details"]["goodwill"]] == ["15"]
