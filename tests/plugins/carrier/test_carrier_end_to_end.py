"""Carrier pushes through the hub's HTTP surface: ``POST /webhooks/{source}`` verified by the
plugin and stored, applied by the worker, and read back from ``GET /api/orders/{ref}``; the ERP
sandbox releases the orders, a stand-in notifier counts the customer milestones."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from carrier_fakes import md5_upper
from carrier_support import DHL, FORM, KUAIDI100, SALT, fixture, form_body, milestones

from hub.app import create_app
from hub.core.clock import FakeClock
from hub.core.config import HubConfig
from hub.core.domain.inputs import NewCustomer, NewOrder, NewShipment
from hub.core.runtime import Runtime
from hub.core.service import Hub
from hub.core.store.tables import inbound_events
from hub.web import keys

DHL_TOKEN = "e2e-dhl-token"
ADMIN_TOKEN = "carrier-e2e-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class Site:
    """The running hub as its users reach it: HTTP for carriers and agents, the worker behind."""

    def __init__(self, client: Any, tmp_path: Path) -> None:
        self.client = client
        self.hub: Hub = client.server.app[keys.HUB]
        self.runtime = Runtime(self.hub, host=client.server.app[keys.PLUGIN_HOST], inline_tries=1)
        self.milestones_file = tmp_path / "milestones.jsonl"

    async def push(self, source: str, headers: dict[str, str], body: bytes) -> Any:
        response = await self.client.post(f"/webhooks/{source}", data=body, headers=headers)
        await self.runtime.settle()
        return response

    async def order(self, ref: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/orders/{ref}", headers=AUTH)
        assert response.status == 200
        return await response.json()

    async def shipped_order(self, ref: str, carrier: str, number: str) -> None:
        """A grade-B order walked to release as in ``hub demo``, then shipped with ``carrier``."""
        hub, clock = self.hub, self.hub.clock
        await hub.create_customer(NewCustomer(code=f"C-{ref}", name="Zhang Furniture Trading", grade="B"))
        await hub.create_order(NewOrder(ref=ref, customer_code=f"C-{ref}", deposit_due=Decimal(1260),
                                        lines=[{"product_code": "SOFA-3", "spec": "3-seat, grey fabric", "qty": 1,
                                                "unit_price": "4200"}],
                                        contact={"name": "Zhang Wei", "phone": "+86 138 0000 0000",
                                                 "address": "88 Harbour Rd, Ningbo"}))
        await self.runtime.settle()
        for event, data in (("confirmation_sent", {}), ("confirmation_received", {}),
                            ("deposit_received", {"amount": "1260"})):
            clock.advance(hours=1)  # type: ignore[attr-defined]
            await hub.apply("order", ref, event, data)
        await self.runtime.settle()
        await hub.create_shipment(ref, NewShipment(ref=f"SH-{ref}", carrier=carrier, tracking_number=number,
                                                   pieces=1, waybill_weight_kg=Decimal("1.9")))
        await self.runtime.settle()


@pytest.fixture
async def site(tmp_path: Path, dhl, kuaidi100, aiohttp_client, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Site]:
    monkeypatch.setenv("HUB_ADMIN_TOKEN", ADMIN_TOKEN)
    plugins = {
        DHL: {"api_key": "dhl-test-key", "base_url": dhl[1], "min_interval_s": 0, "retry_wait_s": 0,
              "push_callback_url": "https://hub.example/webhooks/carrier.dhl", "push_token": DHL_TOKEN},
        KUAIDI100: {"key": "k100-test-key", "salt": SALT, "base_url": kuaidi100[1], "retry_wait_s": 0,
                    "callback_url": "https://hub.example/webhooks/carrier.kuaidi100"},
        "erp.sandbox": {"stock": {"SOFA-3": "5"}, "prices": {"SOFA-3": "4200"}},
        "carrier_support:MILESTONES": {"calls_file": str(tmp_path / "milestones.jsonl")},
    }
    config = HubConfig(data_dir=tmp_path / "data", plugins={"enabled": list(plugins), **plugins})
    client = await aiohttp_client(create_app(config, clock=FakeClock(), run_background=False))
    yield Site(client, tmp_path)


def dhl_push(shipment: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    body = json.dumps({"scope": "subscription.push", "shipments": [shipment]}).encode()
    return {"X-Hub-Dhl-Token": DHL_TOKEN, "Content-Type": "application/json"}, body


def kuaidi100_push(number: str, items: list[dict[str, str]]) -> tuple[dict[str, str], bytes]:
    param = json.dumps({"status": "polling", "autoCheck": "0", "comOld": "", "comNew": "", "lastResult": {
        "nu": number, "com": "yuantong", "state": "0", "data": items}}, ensure_ascii=False)
    return FORM, form_body({"param": param, "sign": md5_upper(param + SALT)})


async def test_a_dhl_shipment_goes_booked_to_broker_to_delivered(site: Site, dhl) -> None:
    fake, _ = dhl
    # given a released order shipped with DHL: booking subscribed the number to DHL push
    await site.shipped_order("SO-E2E-1", "dhl", "1000000002")
    assert [s["shipmentIDs"] for s in fake.subscriptions.values()] == [["1000000002"]]
    assert fake.activations == [("sub-1", "secret-sub-1")]

    # when DHL pushes "Delivered to broker as requested" (statusCode delivered, with a POD)
    broker = fixture("dhl_delivered_to_broker")["response"]["body"]["shipments"][0]
    assert (await site.push("carrier.dhl", *dhl_push(broker))).status == 202

    # then the goods are in customs, the order is not delivered, and customs is followed up
    order = await site.order("SO-E2E-1")
    [shipment] = order["shipments"]
    assert (shipment["state"], shipment["substatus"]) == ("customs", "delivered_to_broker")
    assert order["state"] == "shipped"
    assert [c["anomaly"] for c in order["cases"]] == ["delivered_to_broker"]
    assert "customs_follow_up" in {t["rule"] for t in order["open_timers"]}

    # when the consignee finally signs, and DHL sends that push twice
    signed = {"timestamp": "2026-03-09T10:05:00", "statusCode": "delivered", "status": "Delivered",
              "description": "Delivered - Signed for by: CONSIGNEE",
              "location": {"address": {"addressLocality": "SAO PAULO - BRAZIL"}}}
    delivered = {key: value for key, value in broker.items() if key != "status"}
    delivered["events"] = [signed, *broker["events"]]
    for _ in range(2):
        assert (await site.push("carrier.dhl", *dhl_push(delivered))).status == 202

    # then shipment and order are delivered, and the customer heard of each milestone once
    order = await site.order("SO-E2E-1")
    assert (order["state"], order["shipments"][0]["state"]) == ("delivered", "delivered")
    assert milestones(site.milestones_file) == [("hub_shipment_customs", "SH-SO-E2E-1"),
                                                ("hub_shipment_delivered", "SH-SO-E2E-1")]


async def test_a_kuaidi100_damage_push_opens_a_claim_whose_timer_the_api_shows(site: Site, kuaidi100) -> None:
    fake, _ = kuaidi100
    await site.shipped_order("SO-E2E-2", "yuantong", "YT1000000000099")
    assert [(s["company"], s["number"]) for s in fake.subscriptions] == [("yuantong", "YT1000000000099")]

    # when Kuaidi100 pushes a damaged-parcel scan (it has no code for it: the text says 破损)
    response = await site.push("carrier.kuaidi100", *kuaidi100_push("YT1000000000099", [
        {"ftime": "2026-03-03 09:40:00", "context": "【杭州转运中心】外包装破损，已重新加固", "status": "在途"},
        {"ftime": "2026-03-02 18:05:32", "context": "【义乌市】已揽收", "status": "揽收"}]))
    assert await response.json() == {"result": True, "returnCode": "200", "message": "成功"}

    # then a damage claim is open and the customer's documents are due back within 3 days
    order = await site.order("SO-E2E-2")
    assert (order["shipments"][0]["state"], order["shipments"][0]["substatus"]) == ("exception", "damaged")
    assert [(c["kind"], c["state"]) for c in order["claims"]] == [("damage", "opened")]
    [timer] = [t for t in order["open_timers"] if t["rule"] == "claim_documents"]
    due = site.hub.clock.now() + timedelta(days=3)
    assert timer["due_at"].replace("Z", "+00:00") == due.isoformat()


async def test_a_kuaidi100_push_with_a_bad_sign_gets_401_and_nothing_is_stored(site: Site) -> None:
    forged = fixture("kuaidi100_push_bad_sign")["request"]["form"]
    response = await site.push("carrier.kuaidi100", FORM, form_body(forged))
    assert response.status == 401
    async with site.hub.engine.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(inbound_events))).scalar_one() == 0


@pytest.mark.parametrize("shape", ["events a number", "shipments an object", "a kuaidi100 time in year 1"])
async def test_a_push_that_cannot_be_applied_is_the_senders_400_and_nothing_is_stored(site: Site, shape) -> None:
    # given correctly signed pushes whose payload no carrier documents
    if shape == "events a number":
        source, (headers, body) = "carrier.dhl", dhl_push({"id": "1000000002", "events": 5})
    elif shape == "shipments an object":
        source = "carrier.dhl"
        headers, body = dhl_push({})
        body = json.dumps({"scope": "subscription.push", "shipments": {"id": "1"}}).encode()
    else:
        source, (headers, body) = "carrier.kuaidi100", kuaidi100_push("YT9", [
            {"context": "已签收", "time": "0001-01-01 00:00:00", "ftime": "0001-01-01 00:00:00"}])
    # when they are posted
    response = await site.push(source, headers, body)
    # then the carrier is told at once, and no event sits failed in the inbox
    assert response.status == 400, await response.text()
    assert (await response.json())["error"]
    async with site.hub.engine.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(inbound_events))).scalar_one() == 0
