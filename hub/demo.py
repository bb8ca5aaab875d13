"""`hub demo`: one grade-B order from intake to a closed claim, on a temporary SQLite file, with scarce
stock going to a grade-A order first, the back order shipped when it arrives, and a warranty repair
four months after the order closed."""
from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from hub.core.clock import FakeClock
from hub.core.config import HubConfig
from hub.core.domain.inputs import NewClaim, NewCustomer, NewOrder, NewReturn, NewShipment
from hub.core.outbox.admin import list_handoffs
from hub.core.plugin_host import PluginHost
from hub.core.plugins import build_plugin_manager
from hub.core.queries import order_timeline
from hub.core.runtime import Runtime
from hub.core.service import Hub
from hub.core.store.tables import orders

DEMO_PLUGINS = {
    "enabled": ["erp.sandbox", "carrier.sandbox", "notify.sandbox"],
    "erp.sandbox": {"stock": {"SOFA-3": "5", "TABLE-OAK": "1"}, "prices": {"SOFA-3": "4200", "TABLE-OAK": "1800"},
                    "incoming": {"TABLE-OAK": {"qty": "10", "eta": "2026-03-20"}},
                    "open_balances": {"C-ZHANG": "1250.00"}},
}


def demo_config(data_dir: Path) -> HubConfig:
    return HubConfig(data_dir=data_dir, plugins=DEMO_PLUGINS)


async def run_demo(out: Any, data_dir: Path | None = None) -> dict[str, Any]:
    """Walk the order and print its timeline and handoffs; returns the final states (tests use it)."""
    with tempfile.TemporaryDirectory(prefix="hub-demo-") as tmp:
        config = demo_config(data_dir or Path(tmp))
        clock = FakeClock()
        hub = Hub(config, build_plugin_manager(config), clock=clock)
        await hub.start()
        try:
            async with PluginHost(hub) as host:
                return await _walk(hub, Runtime(hub, host=host, inline_tries=1), clock, out)
        finally:
            await hub.close()


async def _walk(hub: Hub, runtime: Runtime, clock: FakeClock, out: Any) -> dict[str, Any]:
    say = lambda text: print(text, file=out)  # noqa: E731
    say("== hub demo: a grade-B customer's order, from intake to a closed claim ==")
    say("   (its last oak table goes to a grade-A order first, so that line ships later as a back order)")
    await hub.create_customer(NewCustomer(code="C-ZHANG", name="Zhang Furniture Trading", grade="B",
                                          language="zh-CN", email="buyer@example.cn", phone="+86 138 0000 0000"))
    await hub.create_customer(NewCustomer(code="C-QIAN", name="Qian Home Store", grade="A", language="zh-CN",
                                          email="qian@example.cn"))
    order = await hub.create_order(NewOrder(
        ref="SO-DEMO-1", customer_code="C-ZHANG", deposit_due=Decimal("2520"),
        lines=[{"product_code": "SOFA-3", "spec": "3-seat, grey fabric", "qty": 2, "unit_price": "4200"},
               {"product_code": "TABLE-OAK", "spec": "oak, 1.6 m", "qty": 1, "unit_price": "1800"}],
        contact={"name": "Zhang Wei", "phone": "+86 138 0000 0000", "address": "88 Harbour Rd, Ningbo"}),
        actor="sales:li")
    await runtime.settle()  # the ERP sandbox reviews stock and prices: the one oak table is promised to Zhang
    clock.advance(minutes=30)
    # A grade-A customer orders the last table before Zhang's confirmation went out: scarce stock goes by
    # grade, then order time (000), so Qian gets it and Zhang's table becomes a back order, recorded.
    await hub.create_order(NewOrder(
        ref="SO-DEMO-2", customer_code="C-QIAN",
        lines=[{"product_code": "TABLE-OAK", "spec": "oak, 1.6 m", "qty": 1, "unit_price": "1800"}],
        contact={"name": "Qian Li", "phone": "+86 139 0000 0000", "address": "5 Lake Rd, Hangzhou"}),
        actor="sales:li")
    await runtime.settle()
    clock.advance(minutes=30)
    await hub.apply("order", order.ref, "confirmation_sent", actor="cs:wang")
    clock.advance(hours=3)
    await hub.apply("order", order.ref, "confirmation_received", actor="cs:wang")
    await hub.apply("order", order.ref, "deposit_received", {"amount": "2520"}, actor="finance:chen")
    await runtime.settle()  # posted to the ERP; finance approval releases the outbound note
    clock.advance(hours=20)
    await hub.create_shipment(order.ref, NewShipment(
        ref="SH-DEMO-1", carrier="sandbox", tracking_number="SBX-0001", pieces=2,
        waybill_weight_kg=Decimal("96.5"), carrier_contact="driver Liu"), actor="warehouse:zhou")
    await _journey(runtime, clock)
    # The back-ordered table arrives at its ETA: planning says so, and it ships on its own.
    clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    await hub.apply("order", order.ref, "back_order_ready", {"lines": [{"line_no": 2, "available_qty": "1"}]},
                    actor="planning:he")
    await hub.create_shipment(order.ref, NewShipment(
        ref="SH-DEMO-2", carrier="sandbox", tracking_number="SBX-0002", pieces=1,
        waybill_weight_kg=Decimal("38"), carrier_contact="driver Liu"), actor="warehouse:zhou")
    await _journey(runtime, clock)
    clock.advance(hours=30)  # inside the 3-day inspection window: the customer reports damage
    claim = await hub.open_claim(NewClaim(ref="CL-DEMO-1", order_ref=order.ref, shipment_ref="SH-DEMO-1", kind="damage",
                                          amount_claimed=Decimal("800"), description="torn armrest, photos sent"),
                                 actor="cs:wang")
    await runtime.settle()
    # The ERP sandbox answers the proposed settlement with the customer's open balance (the debt check);
    # the claim report goes to the approvers before they sign.
    steps = [("documents_received", {"documents": ["signed_delivery_receipt", "waybill", "commercial_invoice",
                                                   "loss_evidence_photos", "amount_claimed"]}),
             ("departments_answered", {}), ("amount_agreed", {"amount": "600"}), ("report_issued", {}),
             ("manager_approved", {}), ("gm_approved", {}), ("paid", {}), ("closed", {})]
    for event, data in steps:
        clock.advance(hours=6)
        await hub.apply("claim", claim.ref, event, data, actor="cs:wang")
        await runtime.settle()
    clock.advance(days=3)  # the inspection window ends with no open claim: the order closes
    await runtime.settle()
    repair = await _warranty_repair(hub, runtime, clock, order.ref)
    result = await _report(hub, order.ref, claim.ref, say)
    say(f"warranty repair RT-DEMO-1, four months after the order closed: {repair}")
    return {**result, "repair": repair}


async def _warranty_repair(hub: Hub, runtime: Runtime, clock: FakeClock, order_ref: str) -> str:
    """Four months on, a sofa's recliner fails: refunds and returns closed 15 days after the order did,
    but the 12-month warranty holds (003), so it is a repair, the company paying the shipping."""
    clock.advance(days=120)
    checklist = {"serial_match": True, "seal_intact": True, "liquid_marks": False, "missing_parts": False,
                 "unauthorised_repair": False, "data_loss_acknowledged": True}
    await hub.request_return(NewReturn(
        ref="RT-DEMO-1", order_ref=order_ref, type="repair", line_no=1, reason="the recliner does not move",
        fault="recliner motor", unit_serial="SOFA3-000187", address="88 Harbour Rd, Ningbo", checklist=checklist),
        actor="cs:wang")
    steps = [("looked_up", {}), ("replied", {"note": "motor or its switch; send it in"}), ("approved", {}),
             ("customer_shipped", {"carrier": "sandbox", "tracking_number": "SBX-R-0001"}), ("goods_received", {}),
             ("exchange_shipped", {"carrier": "sandbox", "tracking_number": "SBX-R-0002"}),
             ("followed_up", {"satisfied": True, "caller": "cs-liu"})]
    for event, data in steps:
        # the look-up answered within its 10 minutes, the first reply within 4 hours (003)
        clock.advance(minutes=5 if event == "looked_up" else 60 if event == "replied" else 30 * 60)
        transition = await hub.apply("return", "RT-DEMO-1", event, data, actor="cs:wang")
        await runtime.settle()
    return transition.state


async def _journey(runtime: Runtime, clock: FakeClock) -> None:
    """The sandbox carrier's journey of a booked shipment: in transit, out for delivery, delivered."""
    await runtime.settle()
    for hours in (3, 18, 6):
        clock.advance(hours=hours)
        await runtime.settle()


async def _report(hub: Hub, order_ref: str, claim_ref: str, say: Any) -> dict[str, Any]:
    async with hub.engine.connect() as conn:
        entries = await order_timeline(conn, order_ref)
        order_state = (await conn.execute(sa.select(orders.c.state).where(orders.c.ref == order_ref))).scalar_one()
    say("\n-- timeline --")
    for e in entries:
        if e["event"] == "stock_reallocated":
            d = e["data"]
            move = f"line {d['line_no']} {d['from']} → {d['to']}, to {d['taken_by']}"
        elif e["state"] is None:
            move = ", ".join(f"{k}={v}" for k, v in e["data"].items())
        elif e["state"] != e["previous"]:
            move = f"{e['previous'] or '·'} → {e['state']}"
        else:
            move = f"({e['state']})"
        say(f"{e['at']:%Y-%m-%d %H:%M}  {e['entity']:<8} {e['ref']:<12} {e['event']:<26} {move:<40} by {e['actor']}")
    handoffs = await list_handoffs(hub.engine, limit=10_000)
    say("\n-- handoffs --")
    for h in handoffs:
        say(f"#{h['id']:<3} {h['hook']:<34} → {h['plugin']:<16} {h['state']:<6} attempts={h['attempts']}")
    claim_state = next(e["state"] for e in reversed(entries) if e["entity"] == "claim" and e["ref"] == claim_ref)
    say(f"\norder {order_ref}: {order_state}; claim {claim_ref}: {claim_state}; "
        f"handoffs: {len(handoffs)}, all done: {all(h['state'] == 'done' for h in handoffs)}")
    return {"order": order_state, "claim": claim_state, "handoffs": handoffs, "timeline": entries}
