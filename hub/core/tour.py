"""A scripted tour through every lifecycle hook, on a temporary SQLite file and a fixed clock.

What the core writes to its outbox on the way is what plugins receive: docs/hooks.md shows
these payloads as examples, and plugin tests take their hook arguments from here instead of
building snapshots by hand (``tests/support/core_payloads.py``).
"""
from __future__ import annotations

import inspect
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pluggy
import sqlalchemy as sa

from hub.core import hookspecs
from hub.core.clock import FakeClock
from hub.core.config import HubConfig
from hub.core.domain.inputs import NewClaim, NewComplaint, NewCustomer, NewOrder, NewReturn, NewShipment, NewStore
from hub.core.inbound_models import TrackingEvent, TrackingUpdate
from hub.core.plugins import build_plugin_manager
from hub.core.service import Hub
from hub.core.store.tables import outbox_events
from hub.core.tour_repairs import repair_batches

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ORDER_LINES = [{"product_code": "SOFA-3", "spec": "3-seat, grey fabric", "qty": 2, "unit_price": "4200"}]
CONTACT = {"name": "Zhang Wei", "phone": "+86 138 0000 0000", "address": "88 Harbour Rd, Ningbo"}


class Listener:
    """Implements every hook, so the core writes an outbox event for each (nothing is delivered)."""


def _listener() -> Listener:
    """A Listener implementing every hookspec, each with the spec's own arguments (pluggy reads them)."""
    pm = pluggy.PluginManager("hub")
    pm.add_hookspecs(hookspecs)
    for name in (n for n in vars(pm.hook) if n.startswith("hub_")):
        params = [inspect.Parameter(arg, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                  for arg in ("self", *getattr(pm.hook, name).spec.argnames)]

        def impl(self: Any, **kwargs: Any) -> None:
            return None

        impl.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        setattr(Listener, name, hookspecs.hookimpl(specname=name)(impl))
    return Listener()


@asynccontextmanager
async def tour_hub() -> AsyncIterator[tuple[Hub, FakeClock]]:
    with tempfile.TemporaryDirectory(prefix="hub-tour-") as tmp:
        config = HubConfig(data_dir=Path(tmp), plugins={"enabled": []}, price_list={"SOFA-3": "4000"},
                           agents=("agent-1", "agent-2"), vip={"threshold": "5000"})
        pm = build_plugin_manager(config)
        pm.register(_listener(), name="tour.listener")
        clock = FakeClock(START)
        hub = Hub(config, pm, clock=clock)
        await hub.start()
        try:
            yield hub, clock
        finally:
            await hub.close()


async def _orders(hub: Hub, clock: FakeClock) -> None:
    await hub.create_customer(NewCustomer(code="C-ZHANG", name="Zhang Furniture Trading", grade="B",
                                          email="buyer@example.cn", phone="+86 138 0000 0000", salesperson="sales-li"))
    await hub.create_order(NewOrder(ref="SO-TOUR-1", customer_code="C-ZHANG", deposit_due=Decimal("2520"),
                                    lines=ORDER_LINES, contact=CONTACT, promised_date="2026-03-20"), actor="sales-li")
    steps = [("reviewed", {"lines": [{"line_no": 1, "available_qty": "2"}]}),  # 4200 against 4000: escalated
             ("price_approved", {"approver": "sales-supervisor"}), ("confirmation_sent", {}),
             ("confirmation_received", {}), ("deposit_received", {"amount": "2520", "reference": "BANK-0301"}),
             ("finance_approved", {"erp_ref": "SO-2026-0042", "outbound_ref": "OUT-0042"})]
    for event, data in steps:
        clock.advance(hours=2)
        if event == "confirmation_received":  # back a day late: the reminder went out (002)
            clock.advance(days=1)
            await hub.fire_due_timers()
        if event == "finance_approved":  # finance decides in the ERP: the plugin is asked first
            clock.advance(minutes=11)
            await hub.fire_due_timers()
        await hub.apply("order", "SO-TOUR-1", event, data, actor="cs-wang")
    clock.advance(hours=2)
    await hub.create_shipment("SO-TOUR-1", NewShipment(
        ref="SH-TOUR-1", carrier="dhl", tracking_number="00340434161094015902", pieces=2,
        waybill_weight_kg=Decimal("96.5"), carrier_contact="driver Liu +86 139 0000 0000", plate="浙B12345",
        escort="Chen Gang"), actor="warehouse-zhou")
    for state in ("in_transit", "customs", "handed_off", "out_for_delivery", "attempt_failed",
                  "available_for_pickup", "exception", "delivered"):
        clock.advance(hours=3)
        await hub.apply("shipment", "SH-TOUR-1", state, {"carrier": "dhl"} if state != "exception"
                        else {"carrier": "dhl", "substatus": "refused"}, actor="carrier")
        if state == "handed_off":  # to a partner carrier, under its own number (转EMS)
            await hub.apply("shipment", "SH-TOUR-1", "forwarded", {"carrier": "ems", "tracking_number": "1187654321098"},
                            actor="carrier")
    # An order cancelled, one rejected; a shipment that goes back to the sender, and one cancelled.
    await hub.create_order(NewOrder(ref="SO-TOUR-2", customer_code="C-ZHANG", lines=ORDER_LINES, contact=CONTACT))
    await hub.apply("order", "SO-TOUR-2", "cancelled", {"reason": "customer changed plans"}, actor="cs-wang")
    await hub.create_order(NewOrder(ref="SO-TOUR-3", customer_code="C-ZHANG", lines=ORDER_LINES, contact=CONTACT))
    await hub.apply("order", "SO-TOUR-3", "rejected", {"reason": "production cannot make this size"}, actor="plan-he")


async def _second_order(hub: Hub, clock: FakeClock) -> None:
    await hub.create_customer(NewCustomer(code="C-QIAN", name="Qian Home Store", grade="A", email="qian@example.cn"))
    await hub.create_order(NewOrder(ref="SO-TOUR-4", customer_code="C-QIAN", lines=[{**ORDER_LINES[0], "qty": 3}],
                                    contact=CONTACT))
    for event, data in [("reviewed", {"lines": [{"line_no": 1, "available_qty": "3", "list_price": "4200"}]}),
                        ("confirmation_sent", {}), ("released", {"approver": "gm-li"}),
                        ("finance_approved", {"erp_ref": "SO-2026-0043"})]:
        await hub.apply("order", "SO-TOUR-4", event, data, actor="cs-wang")
    await hub.create_shipment("SO-TOUR-4", NewShipment(ref="SH-TOUR-2", carrier="dhl", tracking_number="JD0002",
                                                       lines={1: Decimal(1)}))
    for state in ("returning_to_sender", "returned_to_sender"):
        clock.advance(hours=5)
        await hub.apply("shipment", "SH-TOUR-2", state, {"carrier": "dhl"}, actor="carrier")
    await hub.create_shipment("SO-TOUR-4", NewShipment(ref="SH-TOUR-3", lines={1: Decimal(1)}))
    await hub.apply("shipment", "SH-TOUR-3", "cancelled", {"reason": "re-planned"}, actor="warehouse-zhou")
    await hub.create_shipment("SO-TOUR-4", NewShipment(ref="SH-TOUR-4", carrier="dhl", tracking_number="JD0004",
                                                       pieces=1, waybill_weight_kg=Decimal("40"), lines={1: Decimal(1)}))
    # Carrier data as a plugin reports it: a damaged parcel opens a case; a heavier reading flags the shipment.
    await hub.record_tracking(TrackingUpdate(carrier="dhl", tracking_number="JD0004", reported_weight_kg=Decimal("55"),
                                             events=(TrackingEvent(occurred_at=clock.now(), state="exception",
                                                                   substatus="lost", code="LOST",
                                                                   description="Shipment lost"),)))


async def _claims(hub: Hub, clock: FakeClock) -> None:
    await hub.open_claim(NewClaim(ref="CL-TOUR-1", order_ref="SO-TOUR-1", shipment_ref="SH-TOUR-1", kind="damage",
                                  insured=True, amount_claimed=Decimal("800"), description="torn armrest"))
    # Insured and above the minimum: the insurer decides, the carrier is claimed against, finance checks the
    # customer's debt (an ERP's reply), the claim report goes to the approvers before they sign.
    for event, data in [("documents_received", {"amount_claimed": "800", "documents": ["loss_evidence_photos"]}),
                        ("documents_received", {"documents": ["signed_delivery_receipt", "waybill",
                                                              "commercial_invoice", "amount_claimed"]}),
                        ("departments_answered", {}), ("fault_found", {"party": "carrier"}),
                        ("carrier_claimed", {"against": "DHL Ningbo agent", "amount": "750", "reference": "DHL-88"}),
                        ("insurer_forms_filed", {}), ("insurer_decided", {"amount": "750"}),
                        ("debt_checked", {"open_balance": "1250.00", "overdue": "300.00", "currency": "CNY",
                                          "source": "tryton"}),
                        ("report_issued", {"report_ref": "CR-2026-0012"}),
                        ("manager_approved", {"approver": "cs-manager-zhao"}), ("gm_approved", {"approver": "gm-li"}),
                        ("paid", {"reference": "PAY-0042"}),
                        ("carrier_claim_settled", {"amount_recovered": "500", "reference": "DHL-CN-0091"}),
                        ("closed", {})]:
        clock.advance(hours=6)
        await hub.apply("claim", "CL-TOUR-1", event, data, actor="cs-wang")
    await hub.open_claim(NewClaim(ref="CL-TOUR-2", order_ref="SO-TOUR-1", kind="shortage", amount_claimed=Decimal("300")))
    for event, data in [("documents_received", {"documents": ["waybill"]}), ("departments_answered", {}),
                        ("handed_to_legal", {"reason": "no agreement"}), ("closed", {})]:
        await hub.apply("claim", "CL-TOUR-2", event, data, actor="cs-wang")
    # The company at fault (我司原因): the vice-president in charge signs instead of the general manager.
    await hub.open_claim(NewClaim(ref="CL-TOUR-3", order_ref="SO-TOUR-1", kind="damage", amount_claimed=Decimal("100"),
                                  at_fault="company"))
    for event, data in [("documents_received", {"documents": ["loss_evidence_photos"]}), ("departments_answered", {}),
                        ("amount_agreed", {"amount": "100"}), ("report_issued", {}), ("manager_approved", {}),
                        ("vp_approved", {"approver": "vp-chen"}), ("debt_checked", {"open_balance": "0"}),
                        ("paid", {}), ("closed", {})]:
        await hub.apply("claim", "CL-TOUR-3", event, data, actor="cs-wang")
    await hub.open_claim(NewClaim(ref="CL-TOUR-4", order_ref="SO-TOUR-1", kind="damage", amount_claimed=Decimal("50")))
    await hub.apply("claim", "CL-TOUR-4", "withdrawn", {}, actor="cs-wang")


async def _returns(hub: Hub, clock: FakeClock) -> None:
    checks = {"serial_match": True, "seal_intact": True, "liquid_marks": False, "missing_parts": False,
              "unauthorised_repair": False, "data_loss_acknowledged": True}
    await hub.request_return(NewReturn(ref="RT-TOUR-1", order_ref="SO-TOUR-1", type="return_refund", line_no=1,
                                       reason="colour differs", address=CONTACT["address"], amount=Decimal("2000")))
    for event, data in [("approved", {}), ("customer_shipped", {"carrier": "sf", "tracking_number": "SF1001"}),
                        ("goods_received", {}), ("refunded", {"amount": "2000"})]:
        clock.advance(hours=4)
        await hub.apply("return", "RT-TOUR-1", event, data, actor="agent-1")
    await hub.request_return(NewReturn(ref="RT-TOUR-2", order_ref="SO-TOUR-1", type="repair", line_no=1,
                                       reason="armrest loose", fault="armrest loose", address=CONTACT["address"],
                                       checklist=checks))
    for event, data in [("approved", {}), ("customer_shipped", {}), ("goods_received", {}),
                        ("exchange_shipped", {"carrier": "sf", "tracking_number": "SF1002"})]:
        await hub.apply("return", "RT-TOUR-2", event, data, actor="agent-1")
    # 003: an equipment repair on site: the technician stays until it is fixed and the form signed
    await hub.request_return(NewReturn(ref="RT-TOUR-4", order_ref="SO-TOUR-1", type="repair", line_no=1,
                                       reason="recliner motor dead", fault="motor dead", on_site=True,
                                       address=CONTACT["address"], checklist=checks))
    for event, data in [("looked_up", {}), ("replied", {}), ("approved", {}),
                        ("on_site_visited", {"technician": "tech-wang"}),
                        ("fixed_on_site", {"technician": "tech-wang", "cause": "loose connector",
                                           "action": "connector replaced", "customer_signed": True}),
                        ("followed_up", {"satisfied": True})]:
        await hub.apply("return", "RT-TOUR-4", event, data, actor="agent-1")
    await hub.request_return(NewReturn(ref="RT-TOUR-3", order_ref="SO-TOUR-1", type="refund", reason="changed mind"))
    await hub.apply("return", "RT-TOUR-3", "rejected", {"reason": "outside the return period"}, actor="agent-1")


async def _complaints(hub: Hub, clock: FakeClock) -> None:
    """A shortage after delivery answered with a replenishment that ships, then confirmed (000); one withdrawn."""
    await hub.record_complaint("SO-TOUR-1", NewComplaint(
        ref="CP-TOUR-1", kind="shortage", lines={1: Decimal(1)}, shipment_ref="SH-TOUR-1", channel="phone",
        description="one of the two sofas missing on unloading"), actor="cs-wang")
    promised = (clock.now() + timedelta(days=2)).date().isoformat()
    for event, data in [("investigation_started", {"investigator": "cs-wang", "department": "customer_service"}),
                        ("answered", {"cause": "one carton left on the dock at loading",
                                      "responsibility": {"party": "warehouse", "person": "loader-zhou",
                                                         "department": "warehouse", "sanction": "written warning"},
                                      "remedy": "replenish", "plan": "the missing sofa ships with the next truck",
                                      "promised_date": promised})]:
        clock.advance(hours=2)
        await hub.apply("complaint", "CP-TOUR-1", event, data, actor="cs-wang")
    clock.advance(hours=4)
    await hub.ship_remedy("CP-TOUR-1", NewShipment(ref="SH-TOUR-5", carrier="dhl", tracking_number="JD0005",
                                                   pieces=1), actor="warehouse-zhou")
    clock.advance(hours=20)
    await hub.apply("complaint", "CP-TOUR-1", "resolved", {"confirmed_by": "Zhang Wei"}, actor="cs-wang")
    await hub.record_complaint("SO-TOUR-1", NewComplaint(
        ref="CP-TOUR-2", kind="damage", lines={1: Decimal(1)}, channel="fax", description="scratched armrest"))
    await hub.apply("complaint", "CP-TOUR-2", "withdrawn", {"reason": "the scratch polished out"}, actor="cs-wang")


async def _customers_and_time(hub: Hub, clock: FakeClock) -> None:
    for event, data in [("grade_changed", {"grade": "A"}),
                        ("vip_granted", {"notice_ref": "SALES-2026-031", "notified_by": "sales-li"})]:
        await hub.apply("customer", "C-ZHANG", event, data, actor="cs-vip-zhou")
    await hub.apply("order", "SO-TOUR-1", "inspection_passed", {}, actor="cs-wang")
    await hub.create_order(NewOrder(ref="SO-TOUR-5", customer_code="C-QIAN", lines=ORDER_LINES, contact=CONTACT))
    clock.advance(days=3)  # nobody sent SO-TOUR-5's confirmation: its time rule breaches
    await hub.fire_due_timers()


async def _stores(hub: Hub, clock: FakeClock) -> None:
    """A new store from store development's data to the handover (000), and one called off."""
    await hub.open_store(NewStore(
        ref="ST-TOUR-1", customer=NewCustomer(code="C-SUN", name="Sun Home Store", grade="B", email="sun@example.cn"),
        name="Sun Home Ningbo Tianyi", address="12 Tianyi Square, Ningbo", developer="sd-zhou",
        allocation="60 m², living-room line"), actor="sd-zhou")

    def day(n: int) -> str:
        return (clock.now() + timedelta(days=n)).date().isoformat()

    vases = {"code": "VASE-2", "description": "floor vase"}
    steps = [("documents_sent", {"documents": ["project_brief", "design_plan", "image_items_list"],
                                 "image_items": [{"code": "SIGN-1", "description": "shop sign", "qty": "1"}]}),
             ("product_list_prepared", {"lines": [{"code": "SOFA-3", "description": "3-seat sofa, grey", "qty": "4"},
                                                  {"code": "TABLE-OAK", "description": "oak table", "qty": "2"}]}),
             ("lists_sent", {"decor_items": [{**vases, "qty": "2"}]}),
             ("lists_changed", {"signed_by": "sd-manager-wu", "decor_items": [{**vases, "qty": "3"}]}),
             ("confirmed", {"amount": "21000.00", "reference": "BANK-0312-04", "shipping_date": day(7)}),
             ("first_shipped", {"shipment_ref": "SH-ST-1", "order_ref": "SO-ST-1",
                                "back_orders": [{"kind": "decor", **vases, "qty": "1", "eta": day(14)}]}),
             ("back_orders_shipped", {"line_nos": [1], "shipment_ref": "SF-ST-2", "express": True,
                                      "express_reason": "the store opens on Saturday"}),
             ("handed_over", {"brief_returned_to": "sd-archive-lin"})]
    for event, data in steps:
        clock.advance(hours=3)
        await hub.apply("store", "ST-TOUR-1", event, data, actor="cs-wang")
    await hub.open_store(NewStore(ref="ST-TOUR-2", customer_code="C-QIAN", name="Qian Home Outlet"))
    await hub.apply("store", "ST-TOUR-2", "cancelled", {"reason": "the landlord withdrew the lease"}, actor="cs-wang")


async def _vip_months(hub: Hub, clock: FakeClock) -> None:
    """004 on the clock: the month over, the hub counts C-ZHANG's March shipments and keeps VIP; a short month
    goes back to sales, who keep it; the next short month sales revoke it. Then another agent takes over."""
    clock.set(max(clock.now(), datetime(2026, 4, 1, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)))
    await hub.fire_due_timers()  # the monthly review: vip_reviewed with March's volume
    short = {"monthly_volume": "900", "threshold": "5000", "month": "2026-04"}
    for event, data in [("vip_review", short),
                        ("vip_kept", {"notice_ref": "SALES-2026-044", "notified_by": "sales-li"}),
                        ("vip_review", {**short, "month": "2026-05"}),
                        ("vip_revoked", {"notice_ref": "SALES-2026-061", "notified_by": "sales-li"}),
                        ("agent_reassigned", {"agent": "agent-2", "reason": "agent-1 moved to the claims desk"})]:
        clock.advance(days=1)
        await hub.apply("customer", "C-ZHANG", event, data, actor="cs-vip-zhou")


async def run_tour(hub: Hub, clock: FakeClock) -> None:
    await _orders(hub, clock)
    await _second_order(hub, clock)
    await _claims(hub, clock)
    await _returns(hub, clock)
    await repair_batches(hub, clock, "SO-TOUR-1", CONTACT["address"])
    await _complaints(hub, clock)
    await _customers_and_time(hub, clock)
    await _stores(hub, clock)
    await _vip_months(hub, clock)


async def tour_payloads() -> dict[str, dict[str, Any]]:
    """The first outbox payload the tour produced for each hook, as stored (JSON)."""
    async with tour_hub() as (hub, clock):
        await run_tour(hub, clock)
        async with hub.engine.connect() as conn:
            rows = (await conn.execute(sa.select(outbox_events.c.hook, outbox_events.c.payload)
                                       .order_by(outbox_events.c.created_at, outbox_events.c.hook))).all()
    out: dict[str, dict[str, Any]] = {}
    for hook, payload in rows:
        out.setdefault(hook, payload)
    return out

