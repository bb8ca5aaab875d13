"""Every time rule of docs/domain.md is a stored timer that fires once; a driven clock, never sleep."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from hub.core.business_days import BusinessCalendar
from hub.core.clock import as_utc
from hub.core.domain.inputs import NewClaim, NewCustomer, NewOrder, NewReturn, NewShipment
from hub.core.domain.timers import RULES
from hub.core.queries import timers_of
from hub.core.runtime import Runtime
from hub.core.store.tables import outbox_events, shipments, timers

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


SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _received(hub) -> None:
    await hub.create_customer(NewCustomer(code="C1", name="Zhang", grade="B"))
    await hub.create_order(NewOrder(ref="SO-1", customer_code="C1", contact={"phone": "1", "address": "x"},
                                    lines=[{"product_code": "P", "spec": "s", "qty": 1, "unit_price": "10"}]))


def shanghai(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("start", "due", "why"), [
    (shanghai(2026, 3, 6, 7, 30), shanghai(2026, 3, 9, 7, 30), "Friday 07:30 in Shanghai (Thursday in UTC) → Monday"),
    (shanghai(2026, 3, 6, 15), shanghai(2026, 3, 9, 15), "Friday afternoon → Monday"),
    (shanghai(2026, 9, 30, 10), shanghai(2026, 10, 8, 10), "National Day week (1–7 Oct) does not count"),
    (shanghai(2026, 10, 9, 10), shanghai(2026, 10, 10, 10), "Saturday 10 Oct 2026 is a make-up working day (调休)"),
    (shanghai(2026, 2, 13, 9), shanghai(2026, 2, 14, 9), "Saturday 14 Feb 2026 is worked before Spring Festival"),
    (shanghai(2026, 2, 14, 9), shanghai(2026, 2, 24, 9), "Spring Festival 2026 (15–23 Feb): back on the 24th"),
])
def test_working_days_are_the_businesss_in_its_own_time_zone(start, due, why):
    assert BusinessCalendar().add_working_days(start.astimezone(UTC), 1) == due.astimezone(UTC), why


def test_local_overrides_and_years_the_library_does_not_know():
    calendar = BusinessCalendar(holidays=frozenset({date(2026, 3, 9)}), workdays=frozenset({date(2026, 3, 7)}))
    friday = shanghai(2026, 3, 6, 9).astimezone(UTC)
    assert calendar.add_working_days(friday, 1) == shanghai(2026, 3, 7, 9).astimezone(UTC)  # a company Saturday
    assert calendar.add_working_days(friday, 2) == shanghai(2026, 3, 10, 9).astimezone(UTC)  # Monday off
    assert BusinessCalendar().add_working_days(shanghai(2040, 3, 2, 9), 5) == shanghai(2040, 3, 9, 9)  # weekends


async def test_a_friday_morning_order_in_shanghai_is_due_for_confirmation_on_monday(make_hub, sqlite_engine, clock):
    # given an order received Friday 6 March 2026 at 07:30 Shanghai time (Thursday 23:30 UTC)
    clock.set(shanghai(2026, 3, 6, 7, 30).astimezone(UTC))
    hub = await make_hub(sqlite_engine)
    await _received(hub)
    # then the confirmation is due Monday 07:30 Shanghai, not on Saturday
    async with hub.engine.connect() as conn:
        due = (await conn.execute(sa.select(timers.c.due_at).where(timers.c.rule == "send_confirmation"))).scalar_one()
    assert as_utc(due) == shanghai(2026, 3, 9, 7, 30).astimezone(UTC)


async def test_the_business_time_zone_is_configuration(make_hub, sqlite_engine, clock):
    clock.set(datetime(2026, 3, 6, 22, tzinfo=UTC))  # Friday 22:00 UTC: Saturday already in Shanghai
    hub = await make_hub(sqlite_engine, calendar={"zone": "Europe/London"})
    await _received(hub)
    async with hub.engine.connect() as conn:
        due = (await conn.execute(sa.select(timers.c.due_at).where(timers.c.rule == "send_confirmation"))).scalar_one()
    assert as_utc(due) == datetime(2026, 3, 9, 22, tzinfo=UTC)  # Monday 22:00 London


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


async def test_the_service_clock_of_an_equipment_repair(make_hub, engine, clock):
    hub = await make_hub(engine, plugins=NOTIFY)
    await released_order(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", mode="pickup", mode_change_reason="the customer collects",
                                                 pickup_company="Anji Logistics", plate="沪A12345"))
    await hub.apply("shipment", "SH-1", "picked_up")
    checklist = {"serial_match": True, "seal_intact": True, "liquid_marks": False, "missing_parts": False,
                 "unauthorised_repair": False, "data_loss_acknowledged": True}
    rt = await hub.request_return(NewReturn(order_ref="SO-1", type="repair", reason="no power", fault="no power",
                                            address="x", checklist=checklist, on_site=True))
    # 003: the look-up answered within 10 minutes, the first reply to the fault within 4 hours
    clock.advance(hours=5)
    await Runtime(hub, inline_tries=1).settle()
    assert set(await breaches(hub)) == {"after_sales_lookup", "after_sales_first_reply"}
    await hub.apply("return", rt.ref, "approved")
    # ... a technician on site within 24 hours of the request
    clock.advance(hours=20)
    await Runtime(hub, inline_tries=1).settle()
    assert "on_site_visit" in await breaches(hub)
    await hub.apply("return", rt.ref, "on_site_visited", {"technician": "tech-wang"})
    await hub.apply("return", rt.ref, "taken_to_workshop", {"agreed_return_date": "2026-04-01",
                                                            "reason": "stator burnt"})
    # ... and 15 days from the unit leaving the customer to its return
    clock.advance(days=14)
    await Runtime(hub, inline_tries=1).settle()
    assert "repair_turnaround" not in await breaches(hub)
    clock.advance(days=2)
    await Runtime(hub, inline_tries=1).settle()
    fired = await breaches(hub)
    assert "repair_turnaround" in fired
    assert fired.count("after_sales_first_reply") == 1 and fired.count("on_site_visit") == 1


async def test_a_refund_enquiry_has_the_look_up_limit_but_no_equipment_reply_limit(make_hub, engine, clock):
    hub = await make_hub(engine, plugins=NOTIFY)
    await released_order(hub)
    rt = await hub.request_return(NewReturn(order_ref="SO-1", type="refund", reason="changed mind"))
    await hub.apply("return", rt.ref, "looked_up")  # answered within the 10 minutes
    clock.advance(hours=5)
    await Runtime(hub, inline_tries=1).settle()
    assert await breaches(hub) == []


async def _inspection_due(hub) -> datetime:
    async with hub.engine.connect() as conn:
        due = (await conn.execute(sa.select(timers.c.due_at).where(timers.c.rule == "inspection_window"))).scalar_one()
    return as_utc(due)


@pytest.mark.parametrize(("carrier_hours_ago", "window_from_hours_ago"), [
    (30, 30),  # the carrier delivered yesterday; the hub hears of it today: the window runs from yesterday
    (-5, 0),  # a carrier clock 5 hours ahead is not believed: the hub's own time
    (24 * 40, 0),  # a time long before the shipment existed: the hub's own time
])
async def test_the_inspection_window_runs_from_the_carriers_delivery_time(
        make_hub, engine, clock, carrier_hours_ago, window_from_hours_ago):
    from datetime import timedelta

    from hub.core.inbound_models import TrackingEvent, TrackingUpdate
    hub = await make_hub(engine, plugins=NOTIFY)
    await released_order(hub)
    await hub.create_shipment("SO-1", NewShipment(ref="SH-1", carrier="sandbox", tracking_number="T1"))
    clock.advance(days=2)
    now = clock.now()
    at = now - timedelta(hours=carrier_hours_ago)
    await hub.record_tracking(TrackingUpdate(carrier="sandbox", tracking_number="T1", events=(
        TrackingEvent(occurred_at=min(at, now - timedelta(hours=40)) - timedelta(hours=1), state="in_transit",
                      description="picked up"),
        TrackingEvent(occurred_at=at, state="delivered", description="signed by consignee"))))
    assert await _inspection_due(hub) == now - timedelta(hours=window_from_hours_ago) + timedelta(days=3)
    async with hub.engine.connect() as conn:
        delivered = (await conn.execute(sa.select(shipments.c.delivered_at))).scalar_one()
    assert as_utc(delivered) == now - timedelta(hours=window_from_hours_ago)
