"""erp.kingdee and erp.odoo inside the hub, against their local fakes: an order posted through the
HTTP API is released only once finance approves it in the ERP, and a refusal there sends it back to
the order desk, awaiting payment, with finance's reason; a claim's proposed settlement shows the
approvers what the customer owes in the ERP."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fakes.kingdee import FakeKingdee
from fakes.odoo import FakeOdoo
from hub.app import create_app
from hub.core.clock import FakeClock
from hub.core.config import HubConfig
from hub.core.outbox.admin import list_handoffs
from hub.core.runtime import Runtime
from hub.web import keys

TOKEN = "erp-e2e-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 20, 8, 0, tzinfo=UTC))


async def hub_client(aiohttp_client: Any, monkeypatch: Any, tmp_path: Path, clock: FakeClock, plugin: str,
                     settings: dict[str, Any]) -> tuple[Any, Any]:
    monkeypatch.setenv("HUB_ADMIN_TOKEN", TOKEN)
    config = HubConfig(data_dir=tmp_path / "hub", plugins={"enabled": [plugin], plugin: settings})
    app = create_app(config, clock=clock, run_background=False)
    client = await aiohttp_client(app)
    return client, app[keys.HUB]


async def call(client: Any, method: str, path: str, body: dict | None = None, status: int = 200) -> Any:
    response = await client.request(method, path, json=body, headers=AUTH)
    assert response.status == status, await response.text()
    return await response.json()


async def posted_order(client: Any, hub: Any, ref: str = "HUB-ORDER-1") -> str:
    """An order for the fakes' customer C001 and product SKU-1, reviewed, confirmed and paid."""
    await call(client, "POST", "/api/customers", {"code": "C001", "name": "Acme Trading", "grade": "B"}, 201)
    await call(client, "POST", "/api/orders", {
        "ref": ref, "customer_code": "C001", "contact": {"phone": "1", "address": "Harbour Rd"},
        "lines": [{"product_code": "SKU-1", "spec": "std", "qty": 2, "unit_price": "12.50"}]}, 201)
    for event, data in [("reviewed", {"lines": [{"line_no": 1, "available_qty": "2", "list_price": "12.50"}]}),
                        ("confirmation_sent", {}), ("confirmation_received", {}),
                        ("payment_received", {"amount": "25.00"})]:
        await call(client, "POST", f"/api/orders/{ref}/events", {"event": event, "data": data})
    await Runtime(hub, inline_tries=1).settle()
    return ref


async def state(client: Any, ref: str) -> dict[str, Any]:
    return await call(client, "GET", f"/api/orders/{ref}")


async def next_check(hub: Any, clock: FakeClock) -> None:
    clock.advance(minutes=11)
    await Runtime(hub, inline_tries=1).settle()


async def test_kingdee_an_order_is_released_once_finance_audits_it_in_k3(
        aiohttp_client, aiohttp_server, monkeypatch, tmp_path, clock):
    fake = FakeKingdee()
    server = await aiohttp_server(fake.app())
    monkeypatch.setenv("KD_TEST_PASSWORD", fake.password)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, clock, "erp.kingdee", {
        "base_url": str(server.make_url("/k3cloud/")), "acct_id": fake.acct_id, "username": fake.username,
        "password": {"env": "KD_TEST_PASSWORD"}, "org_number": "100", "claim_material_number": "CLAIM",
        "finance_note_field": "FNote", "timeout_s": 5})
    # given an order posted: K3 holds the submitted sales order, the hub its number
    ref = await posted_order(client, hub)
    assert fake.docs("SAL_SaleOrder")[0]["FDocumentStatus"] == "B"
    assert ((await state(client, ref))["state"], (await state(client, ref))["erp_ref"]) == ("posted", ref)
    # when the checks come while the order is under audit, it stays posted
    await next_check(hub, clock)
    assert (await state(client, ref))["state"] == "posted"
    # then finance audits it in K3 and the next check releases the order
    fake.finance_audits(ref)
    await next_check(hub, clock)
    assert (await state(client, ref))["state"] == "released"
    assert fake.count("Audit") == 0
    assert all(h["state"] == "done" for h in await list_handoffs(hub.engine))


async def test_odoo_a_quotation_finance_cancels_sends_the_order_back_then_a_confirmed_one_releases_it(
        aiohttp_client, aiohttp_server, monkeypatch, tmp_path, clock):
    fake = FakeOdoo()
    server = await aiohttp_server(fake.app())
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, clock, "erp.odoo", {
        "url": str(server.make_url("/")), "database": fake.database, "api_key": {"env": "ODOO_TEST_KEY"},
        "finance_reason_field": "x_finance_note", "timeout_s": 5})
    ref = await posted_order(client, hub)
    assert [so["state"] for so in fake.table("sale.order")] == ["draft"]
    await next_check(hub, clock)
    assert (await state(client, ref))["state"] == "posted"

    # finance cancels the quotation in Odoo: the order goes back, awaiting payment, with the reason
    fake.finance_cancels("S00001", x_finance_note="<p>Payment not on the account</p>")
    await next_check(hub, clock)
    order = await state(client, ref)
    assert order["state"] == "awaiting_payment"
    assert (order["timeline"][-1]["event"], order["timeline"][-1]["data"]) == (
        "finance_rejected", {"reason": "Payment not on the account", "erp_ref": "S00001"})

    # the money comes in: the same quotation goes back to finance, who confirms it this time
    await call(client, "POST", f"/api/orders/{ref}/events", {"event": "payment_received", "data": {"amount": "25.00"}})
    await Runtime(hub, inline_tries=1).settle()
    assert [so["state"] for so in fake.table("sale.order")] == ["draft"]
    fake.finance_confirms("S00001")
    await next_check(hub, clock)
    order = await state(client, ref)
    assert (order["state"], order["erp_ref"], order["outbound_ref"]) == ("released", "S00001", "WH/OUT/00001")
    assert fake.count("sale.order", "action_confirm") == 0


async def collected_and_claimed(client: Any, hub: Any, ref: str) -> str:
    """The posted order collected by the customer, then a damage claim on it: documents in, uninsured (so
    negotiated), a settlement of 60.00 agreed; returns the claim's ref once the dispatcher has run."""
    await call(client, "POST", f"/api/orders/{ref}/shipments", {
        "ref": "SH-1", "mode": "pickup", "mode_change_reason": "the customer collects"}, 201)
    await call(client, "POST", "/api/shipments/SH-1/events", {
        "event": "picked_up", "data": {"pickup_company": "Anji Logistics", "plate": "沪A12345"}})
    await Runtime(hub, inline_tries=1).settle()
    claim = await call(client, "POST", "/api/claims", {"order_ref": ref, "kind": "damage", "amount_claimed": "90"}, 201)
    for event, data in [("documents_received", {"documents": ["signed_delivery_receipt", "loss_evidence_photos"]}),
                        ("departments_answered", {}), ("amount_agreed", {"amount": "60.00"})]:
        await call(client, "POST", f"/api/claims/{claim['ref']}/events", {"event": event, "data": data})
    await Runtime(hub, inline_tries=1).settle()
    return claim["ref"]


def debt_checks(claim: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(t["actor"], t["data"]) for t in claim["timeline"] if t["event"] == "debt_checked"]


async def test_kingdee_a_proposed_settlement_shows_the_approvers_the_customers_open_receivables_in_k3(
        aiohttp_client, aiohttp_server, monkeypatch, tmp_path, clock):
    # given K3 holds two audited receivables of the customer: 500.00 late since the 1st, 300.00 due next month
    fake = FakeKingdee()
    fake.receivable("C001", 500.0, due="2026-11-01")
    fake.receivable("C001", 300.0, due="2026-12-15")
    server = await aiohttp_server(fake.app())
    monkeypatch.setenv("KD_TEST_PASSWORD", fake.password)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, clock, "erp.kingdee", {
        "base_url": str(server.make_url("/k3cloud/")), "acct_id": fake.acct_id, "username": fake.username,
        "password": {"env": "KD_TEST_PASSWORD"}, "org_number": "100", "claim_material_number": "CLAIM",
        "finance_audit": False, "timeout_s": 5})
    # when a claim on the customer's collected order reaches its proposed settlement
    ref = await posted_order(client, hub)
    claim_ref = await collected_and_claimed(client, hub, ref)
    # then the claim shows the open balance read off K3, and its overdue part
    claim = await call(client, "GET", f"/api/claims/{claim_ref}")
    assert (claim["state"], Decimal(str(claim["open_balance"]))) == ("settlement_proposed", Decimal("800.00"))
    assert debt_checks(claim) == [("erp.kingdee", {"open_balance": "800.00", "overdue": "500.00", "currency": "CNY",
                                                   "source": "kingdee"})]
    assert all(h["state"] == "done" for h in await list_handoffs(hub.engine))


async def test_odoo_a_proposed_settlement_shows_the_approvers_the_partners_total_receivable(
        aiohttp_client, aiohttp_server, monkeypatch, tmp_path, clock):
    # given Odoo holds two open receivable items of the customer: 500.00 late since the 1st, 300.00 due next month
    fake = FakeOdoo()
    fake.journal_item("C001", 500.0, "2026-11-01")
    fake.journal_item("C001", 300.0, "2026-12-15")
    server = await aiohttp_server(fake.app())
    monkeypatch.setenv("ODOO_TEST_KEY", fake.api_key)
    client, hub = await hub_client(aiohttp_client, monkeypatch, tmp_path, clock, "erp.odoo", {
        "url": str(server.make_url("/")), "database": fake.database, "api_key": {"env": "ODOO_TEST_KEY"},
        "finance_audit": False, "timeout_s": 5})
    # when a claim on the customer's collected order reaches its proposed settlement
    ref = await posted_order(client, hub)
    claim_ref = await collected_and_claimed(client, hub, ref)
    # then the claim shows the partner's credit as Odoo computes it, and its overdue part
    claim = await call(client, "GET", f"/api/claims/{claim_ref}")
    assert (claim["state"], Decimal(str(claim["open_balance"]))) == ("settlement_proposed", Decimal("800.00"))
    assert debt_checks(claim) == [("erp.odoo", {"open_balance": "800.00", "overdue": "500.00", "currency": "CNY",
                                                "source": "odoo"})]
    assert all(h["state"] == "done" for h in await list_handoffs(hub.engine))
