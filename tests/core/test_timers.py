"""Every time rule of docs/domain.md is a stored timer that fires once; a driven clock, never sleep."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hub.core.domain.inputs import NewClaim, NewCustomer, NewOrder, NewReturn, NewShipment
from hub.core.domain.timers import RULES, add_working_days
from hub.core.queries import timers_of
from hub.core.runtime import Runtime
from hub.core.store.tables import outbox_events, timers

NOTIFY = {"enabled": ["notify.sandbox"]}


async def breaches(hub) -> list[str]:
    async with hub.engine.connect() as conn:
        rows = await conn.execute(sa.select(outbox_events.c.payload).where(outbox_events.c.hook == "hub_sla_breached"))
        return [r[0]["timer"]["rule"] for r in rows]


async def timer_states(hub, **where) -> dict[str, str]:
    async with hub.engine.connect() as conn:
        query = sa.select(timers.c.rule, timers.c.state)
        for k, v in where.items():
            query = query.where(timers.c[k] == v)
        return dict((await conn.execute(query)).all())


async def released_order(hub, ref="SO-1", incomplete=False):
    await hub.create_customer(NewCustomer(code="C1", name="Zhang", grade="B"))
    contact = {"phone": "1"} if incomplete else {"phone": "1", "address": "x"}
    await hub.create_order(NewOrder(ref=ref, customer_code="C1", contact=contact,
                                    lines=[{"product_code": "P", "spec": "s", "qty": 1, "unit_price": "10"}]))
    if incomplete:
        return
    for event, data in [("reviewed", {}), ("confirmation_sent", {}), ("confirmation_received", {}),
                        ("payment_received", {"amount": "10"}), ("finance_approved", {"erp_ref": "E1"})]:
        await hub.apply("order", ref, event, data)


def test_working_days_skip_the_weekend():
    friday = datetime(2026, 3, 6, 15, tzinfo=UTC)
    assert add_working_days(friday, 1) == datetime(2026, 3, 9, 15, tzinfo=UTC)


def test_every_time_rule_of_domain_md_has_a_timer():
    names = {r.name for r in RULES}
    assert {"clarify_order", "send_confirmation", "shipping_follow_up", "inspection_window", "claim_documents",
            "claim_departments_answer", "insurer_forms", "claim_agreement", "claim_payment", "claim_total",
            "after_sales_first_reply", "on_site_visit", "repair_turnaround"} <= names


async def test_an_unclear_order_breaches_the_4_hour_clarification_once(make_hub, engine, clock):
    hub = await make_hub(engine, plugins=NOTIFY)
    await released_order(hub, incomplete=True)
    runtime = Runtime(hub, inline_tries=1)
    clock.advance(hours=3, minutes=59)
    await runtime.settle()
    assert await breaches(hub) == []
    clock.advance(minutes=2)
    await runtime.settle()
    clock.advance(hours=5)
    await runtime.settle()
    assert await breaches(hub) == ["clarify_order"]
    assert (await timer_states(hub, rule="clarify_order")) == {"clarify_order": "breached"}


async def test_a_clarified_order_stops_the_clock(make_hub, engine, clock):
    hub = await make_hub(engine, plugins=NOTIFY)
    await released_order(hub, incomplete=True)
    await hub.apply("order", "SO-1", "clarified", {"contact": {"address": "88 Harbour Rd"}})
    await hub.apply("order", "SO-1", "reviewed", {})
    clock.advance(days=2)
    await Runtime(hub, inline_tries=1).settle()
    assert "clarify_order" not in await breaches(hub)
    assert (await timer_states(hub, rule="clarify_order")) == {"clarify_order": "satisfied"}


async def test_the_inspection_window_closes_the_order_unless_a_claim_is_open(make_hub, engine, clock):
    # given a delivered self-pickup order with a claim opened inside the window
    hub = await make_hub(engine, plugins=NOTIFY)
    await released_order(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", mode="pickup", mode_change_reason="the customer collects",
                                                 pickup_company="Anji Logistics", plate="沪A12345"))
    await hub.apply("shipment", "SH-1", "picked_up")
    clock.advance(days=1)
    claim = await hub.open_claim(NewClaim(order_ref="SO-1", kind="shortage", amount_claimed=Decimal("5")))
    runtime = Runtime(hub, inline_tries=1)
    # when the window passes, the order stays open for the claim
    clock.advance(days=2, minutes=1)
    await runtime.settle()
    async with hub.engine.connect() as conn:
        state = lambda: conn.execute(sa.text("select state from orders"))  # noqa: E731
        assert (await state()).scalar() == "delivered"
    # then it closes when the claim ends
    await hub.apply("claim", claim.ref, "withdrawn")
    async with hub.engine.connect() as conn:
        assert (await conn.execute(sa.text("select state from orders"))).scalar() == "closed"


async def test_claim_documents_timer_is_visible_and_breaches_once(make_hub, engine, clock):
    hub = await make_hub(engine, plugins=NOTIFY)
    await released_order(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1"))
    claim = await hub.open_claim(NewClaim(order_ref="SO-1", kind="damage", insured=True,
                                          amount_claimed=Decimal("900")))
    async with hub.engine.connect() as conn:
        open_ = await timers_of(conn, entity="claim", ref=claim.ref, only_open=True)
    assert {t["rule"] for t in open_} == {"claim_documents", "claim_total"}
    due = next(t for t in open_ if t["rule"] == "claim_documents")["due_at"]
    assert due == clock.now().replace(microsecond=0) + (due - clock.now().replace(microsecond=0))
    runtime = Runtime(hub, inline_tries=1)
    for _ in range(3):
        clock.advance(days=2)
        await runtime.settle()
    assert (await breaches(hub)).count("claim_documents") == 1


@pytest.mark.parametrize("insured, days, rule_fires", [(False, 31, True), (True, 31, False), (True, 62, True)])
async def test_whole_claim_limit_is_one_month_or_two_insured(make_hub, engine, clock, insured, days, rule_fires):
    hub = await make_hub(engine, plugins=NOTIFY)
    await released_order(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1"))
    await hub.open_claim(NewClaim(order_ref="SO-1", kind="loss", insured=insured))
    clock.advance(days=days)
    await Runtime(hub, inline_tries=1).settle()
    assert ("claim_total" in await breaches(hub)) is rule_fires


async def test_repair_turnaround_and_first_reply_timers(make_hub, engine, clock):
    hub = await make_hub(engine, plugins=NOTIFY)
    await released_order(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", mode="pickup", mode_change_reason="the customer collects",
                                                 pickup_company="Anji Logistics", plate="沪A12345"))
    await hub.apply("shipment", "SH-1", "picked_up")
    checklist = {"serial_match": True, "seal_intact": True, "liquid_marks": False, "missing_parts": False,
                 "unauthorised_repair": False, "data_loss_acknowledged": True}
    rt = await hub.request_return(NewReturn(order_ref="SO-1", type="repair", reason="no power",
                                            address="x", checklist=checklist, on_site=True))
    clock.advance(hours=5)
    await Runtime(hub, inline_tries=1).settle()
    assert set(await breaches(hub)) == {"after_sales_first_reply"}
    await hub.apply("return", rt.ref, "approved")
    clock.advance(days=16)
    await Runtime(hub, inline_tries=1).settle()
    fired = await breaches(hub)
    assert {"after_sales_first_reply", "on_site_visit", "repair_turnaround"} <= set(fired)
    assert fired.count("after_sales_first_reply") == 1
