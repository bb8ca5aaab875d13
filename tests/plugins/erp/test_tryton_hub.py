"""erp.tryton inside the hub: an order walked through the HTTP API ends as one Tryton sale,
however often and however concurrently its posting is delivered; an approved claim becomes a
credit note; a proposed settlement shows the customer's receivable; an outage only delays postings."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from hub_testing import TESTER_TOKEN, seed_tester

from hub.app import create_app
from hub.core.clock import FakeClock
from hub.core.config import HubConfig
from hub.core.outbox.admin import list_handoffs
from hub.core.outbox.claim import claim_batch
from hub.core.outbox.dispatcher import Dispatcher
from hub.core.plugins import build_plugin_manager
from hub.core.runtime import Runtime
from hub.core.store.tables import outbox_events
from hub.web import keys
from plugins.erp.tryton import testsetup

TOKEN = "tryton-e2e-token"
AUTH = {"Authorization": f"Bearer {TESTER_TOKEN}"}  # a user holding every role: these tests are about the ERP


@pytest.fixture
def clock() -> FakeClock:
    # Tryton answers stock as of the day asked: the hub's clock starts at today's real date.
    return FakeClock(datetime.now(UTC))


def settings_for(server: Any, finance_audit: bool) -> dict[str, Any]:
    return {"url": server.url, "database": server.database, "username": server.username,
            "password": server.password, "payment_term": testsetup.PAYMENT_TERM, "finance_audit": finance_audit}


async def shutdown(pm: Any, hub: Any) -> None:
    """Close the extra workers' Tryton sessions, as a stopping process does."""
    from hub.core.logging import get_logger
    from hub.core.models import HookContext
    ctx = HookContext(idempotency_key="shutdown", attempt=1, delivery_id=0, event_id="", plugin="erp.tryton",
                      log=get_logger(), now=hub.clock.now())
    for result in pm.hook.hub_shutdown(ctx=ctx):
        await result


async def hub_client(aiohttp_client: Any, monkeypatch: Any, tmp_path: Path, server: Any, clock: FakeClock,
                     finance_audit: bool = False):
    """The hub's HTTP API with erp.tryton. By default the posting counts as finance's approval
    (finance_audit = false): most tests here are about postings, claims and outages."""
    monkeypatch.setenv("HUB_ADMIN_TOKEN", TOKEN)
    config = HubConfig(data_dir=tmp_path / "hub", plugins={"enabled": ["erp.tryton"],
                                                          "erp.tryton": settings_for(server, finance_audit)})
    app = create_app(config, clock=clock, run_background=False)
    client = await aiohttp_client(app)
    await seed_tester(app[keys.HUB].engine)
    return client, app[keys.HUB]


async def call(client: Any, method: str, path: str, body: dict | None = None, status: int = 200) -> Any:
    response = await client.request(method, path, json=body, headers=AUTH)
    assert response.status == status, await response.text()
    return await response.json()


async def posted_order(client: Any, hub: Any, tag: str, amount: str = "100") -> str:
    await call(client, "POST", "/api/customers", {"code": f"C-{tag}", "name": f"Customer {tag}", "grade": "B"}, 201)
    ref = f"SO-{tag}"
    await call(client, "POST", "/api/orders", {
        "ref": ref, "customer_code": f"C-{tag}", "contact": {"phone": "1", "address": "Harbour Rd"},
        "lines": [{"product_code": f"A-{tag}", "spec": "std", "qty": 2, "unit_price": "50"}]}, 201)
    await Runtime(hub, inline_tries=1).settle()  # Tryton reviews stock and the list price
    for event, data in [("confirmation_sent", {}), ("confirmation_received", {}),
                        ("payment_received", {"amount": amount})]:
        await call(client, "POST", f"/api/orders/{ref}/events", {"event": event, "data": data})
    return ref


async def test_an_order_through_the_api_is_one_sale_even_delivered_three_times_at_once(
        aiohttp_client, monkeypatch, tmp_path, tryton_server, back, tag, clock):
    # given an order posted through the API, its ERP posting waiting in the outbox
    await back.product(f"A-{tag}", "50", stock=10)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, tryton_server, clock)
    ref = await posted_order(client, hub, tag)
    # when three workers (three plugin instances, no shared lock) each end up holding it:
    # A claims and stalls, its lease ends and B takes over, then B's ends and C takes over
    workers = [Dispatcher(hub.engine, build_plugin_manager(hub.config), hub.config, clock.now,
                          hub.apply_followups, inline_tries=1) for _ in range(3)]
    rows = []
    for worker in workers:
        async with hub.engine.begin() as conn:
            rows.append((await claim_batch(conn, owner=worker.owner, now=clock.now(), lease_seconds=30, limit=5))[0])
        clock.advance(seconds=31)
    assert {r["hook"] for r in rows} == {"hub_order_posted"}
    async with hub.engine.connect() as conn:
        payload = (await conn.execute(sa.select(outbox_events.c.payload)
                                      .where(outbox_events.c.id == rows[0]["event_id"]))).scalar_one()
    try:
        outcomes = await asyncio.gather(*(w.deliver(row, payload) for w, row in zip(workers, rows, strict=True)))
    finally:
        for worker in workers:
            await shutdown(worker.pm, hub)
    # then only the last holder's outcome counts, and Tryton has exactly one processing sale
    assert outcomes == ["lease_lost", "lease_lost", "done"]
    sales = await back.sales(ref)
    assert len(sales) == 1 and sales[0]["state"] == "processing" and len(sales[0]["shipments"]) == 1
    order = await call(client, "GET", f"/api/orders/{ref}")
    assert order["state"] == "released" and order["erp_ref"] == sales[0]["number"]


async def collected_order(client: Any, hub: Any, tag: str) -> str:
    """An order of 2 × 50.00 posted and collected by the customer: Tryton has shipped the goods and
    posted the invoice (100.00, due at once)."""
    ref = await posted_order(client, hub, tag)
    runtime = Runtime(hub, inline_tries=1)
    await runtime.settle()
    await call(client, "POST", f"/api/orders/{ref}/shipments", {
        "ref": f"SH-{tag}", "mode": "pickup", "mode_change_reason": "the customer collects"}, 201)
    await call(client, "POST", f"/api/shipments/SH-{tag}/events", {
        "event": "picked_up", "data": {"pickup_company": "Anji Logistics", "plate": "沪A12345"}})
    await runtime.settle()
    return ref


async def proposed_claim(client: Any, order_ref: str, amount: str) -> str:
    """A damage claim on the order, its documents in, uninsured (so negotiated), agreed at ``amount``."""
    claim = await call(client, "POST", "/api/claims", {"order_ref": order_ref, "kind": "damage",
                                                       "amount_claimed": "150"}, 201)
    for event, data in [("documents_received", {"documents": ["signed_delivery_receipt", "loss_evidence_photos"]}),
                        ("departments_answered", {}), ("amount_agreed", {"amount": amount})]:
        await call(client, "POST", f"/api/claims/{claim['ref']}/events", {"event": event, "data": data})
    return claim["ref"]


async def test_a_claim_approved_for_120_ends_as_a_credit_note_of_minus_120(
        aiohttp_client, monkeypatch, tmp_path, tryton_server, back, tag, clock):
    # given a delivered order
    await back.product(f"A-{tag}", "50", stock=10)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, tryton_server, clock)
    ref = await collected_order(client, hub, tag)
    runtime = Runtime(hub, inline_tries=1)
    # when a damage claim is agreed at 120.00, reported and approved in order
    claim_ref = await proposed_claim(client, ref, "120.00")
    for event, data in [("report_issued", {}), ("manager_approved", {}), ("gm_approved", {})]:
        await call(client, "POST", f"/api/claims/{claim_ref}/events", {"event": event, "data": data})
    await runtime.settle()
    # then Tryton holds a credit note of -120.00 and the claim knows its ERP record
    complaints = await back.client.search_read("sale.complaint", [["reference", "=", claim_ref]], ["actions"])
    action, = await back.client.read("sale.complaint.action", complaints[0]["actions"], ["result"])
    note, = await back.client.read("account.invoice", [int(action["result"].split(",")[1])], ["total_amount"])
    assert note["total_amount"] == Decimal("-120.00")
    shown = await call(client, "GET", f"/api/claims/{claim_ref}")
    assert shown["erp_ref"] and shown["state"] == "approved"
    assert all(h["state"] == "done" for h in await list_handoffs(hub.engine))


async def test_a_proposed_settlement_shows_the_approvers_the_customers_receivable_in_tryton(
        aiohttp_client, monkeypatch, tmp_path, tryton_server, back, tag, clock):
    # given a collected order whose invoice of 100.00 Tryton has posted
    await back.product(f"A-{tag}", "50", stock=10)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, tryton_server, clock)
    ref = await collected_order(client, hub, tag)
    # when a claim on it reaches its proposed settlement and the dispatcher runs
    claim_ref = await proposed_claim(client, ref, "60.00")
    await Runtime(hub, inline_tries=1).settle()
    # then the claim shows what Tryton reports as the party's receivable
    party, = await back.client.search_read("party.party", [["code", "=", f"C-{tag}"]],
                                           ["receivable", "receivable_today"])
    assert (party["receivable"], party["receivable_today"]) == (Decimal("100.00"), Decimal("100.00"))
    shown = await call(client, "GET", f"/api/claims/{claim_ref}")
    assert (shown["state"], Decimal(str(shown["open_balance"]))) == ("settlement_proposed", party["receivable"])
    checked = [t for t in shown["timeline"] if t["event"] == "debt_checked"]
    assert [(t["actor"], t["data"]) for t in checked] == [("erp.tryton", {
        "open_balance": "100.00", "overdue": "100.00", "currency": "CNY", "source": "tryton"})]
    assert all(h["state"] == "done" for h in await list_handoffs(hub.engine))


async def test_tryton_down_for_a_while_delays_postings_and_dead_letters_nothing(
        aiohttp_client, monkeypatch, tmp_path, private_tryton, private_back, tag, clock):
    # given an order ready to post while Tryton is stopped
    await private_back.product(f"A-{tag}", "50", stock=10)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, private_tryton, clock)
    ref = await posted_order(client, hub, tag)
    private_tryton.stop()
    runtime = Runtime(hub, inline_tries=1)
    # when the outage lasts several retry rounds
    for _ in range(4):
        await runtime.settle()
        clock.advance(minutes=10)
    states = {h["state"] for h in await list_handoffs(hub.engine) if h["hook"] == "hub_order_posted"}
    assert states == {"failed"}
    # then after Tryton is back the posting completes and nothing was dead-lettered
    private_tryton.start()
    clock.advance(hours=1)
    await runtime.settle()
    handoffs = await list_handoffs(hub.engine)
    assert all(h["state"] == "done" for h in handoffs), handoffs
    posting = next(h for h in handoffs if h["hook"] == "hub_order_posted")
    assert posting["attempts"] >= 5
    assert [s["state"] for s in await private_back.sales(ref)] == ["processing"]


async def test_an_order_is_released_only_once_finance_confirms_its_sale_in_tryton(
        aiohttp_client, monkeypatch, tmp_path, tryton_server, back, finance, tag, clock):
    # given an order posted through the API, with finance auditing in Tryton
    await back.product(f"A-{tag}", "50", stock=10)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, tryton_server, clock, finance_audit=True)
    ref = await posted_order(client, hub, tag)
    runtime = Runtime(hub, inline_tries=1)
    await runtime.settle()
    sale, = await back.sales(ref)
    order = await call(client, "GET", f"/api/orders/{ref}")
    assert sale["state"] == "quotation" and (order["state"], order["erp_ref"]) == ("posted", sale["number"])
    # when the finance checks come while finance has not decided, the order stays posted
    clock.advance(minutes=11)
    await runtime.settle()
    assert (await call(client, "GET", f"/api/orders/{ref}"))["state"] == "posted"
    # then once finance confirms the sale in Tryton, the next check releases the order
    await finance.confirm(ref)
    clock.advance(minutes=11)
    await runtime.settle()
    sale, = await back.sales(ref)
    shipment, = await back.client.read("stock.shipment.out", sale["shipments"], ["number"])
    order = await call(client, "GET", f"/api/orders/{ref}")
    assert (order["state"], order["erp_ref"], order.get("outbound_ref")) == ("released", sale["number"],
                                                                            shipment["number"])
    checks = [h for h in await list_handoffs(hub.engine) if h["hook"] == "hub_order_finance_check"]
    assert len(checks) >= 2 and all(h["state"] == "done" for h in checks)


async def test_a_sale_finance_cancels_in_tryton_sends_the_order_back_awaiting_payment(
        aiohttp_client, monkeypatch, tmp_path, tryton_server, back, finance, tag, clock):
    await back.product(f"A-{tag}", "50", stock=10)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, tryton_server, clock, finance_audit=True)
    ref = await posted_order(client, hub, tag)
    runtime = Runtime(hub, inline_tries=1)
    await runtime.settle()

    await finance.cancel(ref, comment="payment not on the account")
    clock.advance(minutes=11)
    await runtime.settle()

    sale, = await back.sales(ref)
    order = await call(client, "GET", f"/api/orders/{ref}")
    assert order["state"] == "awaiting_payment"
    assert (order["timeline"][-1]["event"], order["timeline"][-1]["actor"], order["timeline"][-1]["data"]) == (
        "finance_rejected", "erp.tryton", {"reason": "payment not on the account", "erp_ref": sale["number"]})
