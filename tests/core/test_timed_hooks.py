"""Timers that hand an entity to the plugins: finance's decision read off the ERP every 10 minutes,
the late confirmation reminded each day, the delivery note the day after the goods left.
A driven clock, a real database, the plugin called through the outbox."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from hub.core.domain.inputs import NewCustomer, NewOrder, NewShipment
from hub.core.runtime import Runtime
from hub.core.store.tables import orders, timers

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def desk(tmp_path):
    name = "hub_timed_plugins:DESK"
    calls, decision = tmp_path / "calls.jsonl", tmp_path / "decision.txt"
    plugins = {"enabled": [name], name: {"calls_file": str(calls), "decision_file": str(decision)}}

    class Desk:
        config = plugins

        @staticmethod
        def calls(hook: str) -> list[dict]:
            rows = [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []
            return [row for row in rows if row["hook"] == hook]

        @staticmethod
        def decide(what: str) -> None:
            decision.write_text(what)
    return Desk


async def _order(hub, grade="B") -> None:
    await hub.create_customer(NewCustomer(code="C1", name="Zhang", grade=grade))
    await hub.create_order(NewOrder(ref="SO-1", customer_code="C1", contact={"phone": "1", "address": "x"},
                                    lines=[{"product_code": "P", "spec": "s", "qty": 1, "unit_price": "4200"}]))


async def _order_row(hub) -> dict:
    async with hub.engine.connect() as conn:
        return dict((await conn.execute(sa.select(orders))).mappings().one())


async def _open_timers(hub, rule: str) -> int:
    async with hub.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(timers.c.rule == rule, timers.c.state == "open")
        return (await conn.execute(query)).scalar_one()


async def test_finance_decides_in_the_erp_and_the_hub_asks_until_it_has(make_hub, engine, clock, desk):
    hub = await make_hub(engine, plugins=desk.config)
    runtime = Runtime(hub, inline_tries=1)
    await _order(hub)
    for event, data in [("reviewed", {}), ("confirmation_sent", {}), ("confirmation_received", {}),
                        ("payment_received", {"amount": "4200"}), ("erp_recorded", {"erp_ref": "SO-ERP-1"})]:
        await hub.apply("order", "SO-1", event, data)
    assert (await _order_row(hub))["state"] == "posted"
    # while finance has not decided, the hub asks every 10 minutes and the order waits
    clock.advance(minutes=9)
    await runtime.settle()
    assert desk.calls("hub_order_finance_check") == []
    for _ in range(3):
        clock.advance(minutes=10, seconds=30)
        await runtime.settle()
    checks = desk.calls("hub_order_finance_check")
    assert len(checks) == 3 and {c["erp_ref"] for c in checks} == {"SO-ERP-1"}
    assert (await _order_row(hub))["state"] == "posted"
    assert await _open_timers(hub, "finance_check") == 1
    # finance refuses: back to the order desk, the money recorded is not on the account
    desk.decide("reject")
    clock.advance(minutes=11)
    await runtime.settle()
    row = await _order_row(hub)
    assert (row["state"], row["amount_paid"]) == ("awaiting_payment", Decimal(0))
    assert await _open_timers(hub, "finance_check") == 0
    # paid again and posted: finance approves in the ERP, the order is released with the ERP's numbers
    await hub.apply("order", "SO-1", "payment_received", {"amount": "4200"})
    desk.decide("approve")
    clock.advance(minutes=11)
    await runtime.settle()
    row = await _order_row(hub)
    assert (row["state"], row["erp_ref"], row["outbound_ref"]) == ("released", "SO-ERP-1", "OUT-1")
    assert await _open_timers(hub, "finance_check") == 0
    clock.advance(hours=2)
    await runtime.settle()
    assert len(desk.calls("hub_order_finance_check")) == 5  # nothing asked once finance decided


async def test_a_late_confirmation_is_reminded_at_the_end_of_the_day_and_each_day_after(
        make_hub, engine, clock, desk):
    clock.set(shanghai(2026, 3, 3, 10))  # Tuesday 10:00 in Shanghai
    hub = await make_hub(engine, plugins=desk.config)
    runtime = Runtime(hub, inline_tries=1)
    await _order(hub)
    await hub.apply("order", "SO-1", "reviewed", {})
    await hub.apply("order", "SO-1", "confirmation_sent", {})
    clock.set(shanghai(2026, 3, 3, 17, 59))
    await runtime.settle()
    assert desk.calls("hub_order_confirmation_overdue") == []
    clock.set(shanghai(2026, 3, 3, 18, 1))
    await runtime.settle()
    assert len(desk.calls("hub_order_confirmation_overdue")) == 1
    # sent again on another channel: nothing moves, the day it first went out still counts
    await hub.apply("order", "SO-1", "confirmation_sent", {})
    assert (await _order_row(hub))["confirmation_due_at"].astimezone(UTC) == shanghai(2026, 3, 3, 10)
    clock.set(shanghai(2026, 3, 4, 18, 2))
    await runtime.settle()
    assert len(desk.calls("hub_order_confirmation_overdue")) == 2
    await hub.apply("order", "SO-1", "confirmation_received", {})
    clock.set(shanghai(2026, 3, 8, 18, 2))
    await runtime.settle()
    assert len(desk.calls("hub_order_confirmation_overdue")) == 2


async def _released(hub) -> None:
    await _order(hub, grade="A")
    for event, data in [("reviewed", {}), ("confirmation_sent", {}), ("released", {"approver": "sales"}),
                        ("finance_approved", {"erp_ref": "E1"})]:
        await hub.apply("order", "SO-1", event, data)


async def test_the_delivery_note_goes_the_day_after_the_goods_left_once(make_hub, engine, clock, desk):
    clock.set(shanghai(2026, 3, 2, 15))  # Monday 15:00 in Shanghai
    hub = await make_hub(engine, plugins=desk.config)
    runtime = Runtime(hub, inline_tries=1)
    await _released(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1",
                                                 plate="沪A12345", carrier_contact="13800000000"))
    await hub.apply("shipment", "SH-1", "in_transit", {})
    await hub.apply("shipment", "SH-1", "delivered", {})  # delivered the same day: the note still goes
    clock.set(shanghai(2026, 3, 3, 8, 59))
    await runtime.settle()
    assert desk.calls("hub_shipment_delivery_note_due") == []
    clock.set(shanghai(2026, 3, 3, 9, 1))
    await runtime.settle()
    notes = desk.calls("hub_shipment_delivery_note_due")
    assert [(n["ref"], n["order"]) for n in notes] == [("SH-1", "SO-1")]
    clock.set(shanghai(2026, 3, 6, 9, 1))
    await runtime.settle()
    assert len(desk.calls("hub_shipment_delivery_note_due")) == 1


async def test_a_self_pickup_gets_its_delivery_note_the_next_day(make_hub, engine, clock, desk):
    clock.set(shanghai(2026, 3, 2, 20))
    hub = await make_hub(engine, plugins=desk.config)
    await _released(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-P", mode="pickup", mode_change_reason="collects",
                                                 pickup_company="Anji Logistics", plate="沪A12345"))
    await hub.apply("shipment", "SH-P", "picked_up")
    clock.set(shanghai(2026, 3, 3, 9, 1))
    await Runtime(hub, inline_tries=1).settle()
    assert [n["ref"] for n in desk.calls("hub_shipment_delivery_note_due")] == ["SH-P"]
