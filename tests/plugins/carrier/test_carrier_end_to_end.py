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
import structlog.testing
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

    async def shipped_order(self, ref: str, carrier: str, number: str, *, pieces: int = 1,
                            weight_kg: str = "1.9") -> None:
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
                                                   pieces=pieces, waybill_weight_kg=Decimal(weight_kg)))
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
    # polled every 5 minutes, so the abort test sees polls inside Kuaidi100's 30-minute wait
    config = HubConfig(data_dir=tmp_path / "data", tracking_poll_minutes=5,
                       plugins={"enabled": list(plugins), **plugins})
    client = await aiohttp_client(create_app(config, clock=FakeClock(), run_background=False))
    yield Site(client, tmp_path)


def dhl_push(shipment: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    body = json.dumps({"scope": "subscription.push", "shipments": [shipment]}).encode()
    return {"X-Hub-Dhl-Token": DHL_TOKEN, "Content-Type": "application/json"}, body


def kuaidi100_push(number: str, items: list[dict[str, str]], state: str = "0",
                   com: str = "yuantong") -> tuple[dict[str, str], bytes]:
    param = json.dumps({"status": "polling", "autoCheck": "0", "comOld": "", "comNew": "", "lastResult": {
        "nu": number, "com": com, "state": state, "data": items}}, ensure_ascii=False)
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


# --- piece counts, weight units and tracking numbers (issue 14) --------------------------------
# Payloads written from DHL Unified's documented shape (carriers.md §1.2: details.pieceIds,
# totalNumberOfPieces, weight{value, unitText}) and Kuaidi100's push (§2.2), not from fixtures.

def dhl_shipment(number: str, events: list[dict[str, Any]], **details: Any) -> dict[str, Any]:
    return {"id": number, "service": "express", "status": events[0], "events": events, "details": details}


def dhl_event(at: str, code: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"timestamp": at, "statusCode": code, "status": description, "description": description,
            "location": {"address": {"addressLocality": "HAMBURG - GERMANY"}}, **extra}


PICKED_UP = dhl_event("2026-03-02T08:00:00", "transit", "Shipment picked up")


async def test_a_dhl_delivery_of_2_of_3_pieces_is_a_shortage_claim_not_a_final_delivery(site: Site) -> None:
    # given a 3-piece waybill shipped with DHL
    await site.shipped_order("SO-E2E-P1", "dhl", "1000000011", pieces=3)
    # when DHL pushes a plain "Delivered" naming 2 of the 3 pieces it lists
    delivered = dhl_event("2026-03-04T10:00:00", "delivered", "Delivered", pieceIds=["JD0141", "JD0142"])
    shipment = dhl_shipment("1000000011", [delivered, PICKED_UP], totalNumberOfPieces=3,
                            pieceIds=["JD0141", "JD0142", "JD0143"])
    assert (await site.push("carrier.dhl", *dhl_push(shipment))).status == 202
    # then the shipment is short, not delivered, a shortage case and claim are open, the order waits
    order = await site.order("SO-E2E-P1")
    [row] = order["shipments"]
    assert (row["state"], row["substatus"]) == ("exception", "shortage")
    assert order["state"] == "shipped"
    assert [c["anomaly"] for c in order["cases"]] == ["shortage"]
    assert [(c["kind"], c["state"]) for c in order["claims"]] == [("shortage", "opened")]
    assert "2 of 3 pieces" in order["claims"][0]["description"]

    # when the third piece is delivered later, the delivery is final
    last = dhl_event("2026-03-05T09:00:00", "delivered", "Delivered", pieceIds=["JD0143"])
    shipment = dhl_shipment("1000000011", [last, delivered, PICKED_UP], totalNumberOfPieces=3,
                            pieceIds=["JD0141", "JD0142", "JD0143"])
    assert (await site.push("carrier.dhl", *dhl_push(shipment))).status == 202
    assert (await site.order("SO-E2E-P1"))["shipments"][0]["state"] == "delivered"


async def test_a_dhl_kgm_weight_off_the_waybill_is_flagged_and_the_waybill_weight_kept(site: Site) -> None:
    # given a 15.4 kg waybill
    await site.shipped_order("SO-E2E-W1", "dhl", "1000000012", weight_kg="15.4")
    # when DHL Freight reports 154 in UN/ECE Rec. 20 kilograms (KGM)
    shipment = dhl_shipment("1000000012", [PICKED_UP], weight={"value": 154, "unitText": "KGM"})
    assert (await site.push("carrier.dhl", *dhl_push(shipment))).status == 202
    # then the mismatch is flagged and a case opened; the waybill weight stays the shipment's
    order = await site.order("SO-E2E-W1")
    [row] = order["shipments"]
    assert "weight_discrepancy" in row["flags"]
    assert Decimal(str(row["waybill_weight_kg"])) == Decimal("15.4")
    assert Decimal(str(row["reported_weight_kg"])) == Decimal("154")
    assert [c["anomaly"] for c in order["cases"]] == ["weight_discrepancy"]


async def test_a_weight_in_a_unit_no_row_knows_is_recorded_with_value_and_unit_and_logged_once(site: Site) -> None:
    await site.shipped_order("SO-E2E-W2", "dhl", "1000000013", weight_kg="2")
    shipment = dhl_shipment("1000000013", [PICKED_UP], weight={"value": 3, "unitText": "stone"})
    with structlog.testing.capture_logs() as logs:
        for _ in range(2):
            assert (await site.push("carrier.dhl", *dhl_push(shipment))).status == 202
    order = await site.order("SO-E2E-W2")
    [row] = order["shipments"]
    assert "weight_unit_unknown" in row["flags"] and row["reported_weight_kg"] is None
    [entry] = [e for e in order["timeline"] if (e.get("data") or {}).get("flag") == "weight_unit_unknown"]
    assert (entry["data"]["reported_value"], entry["data"]["reported_unit"]) == ("3", "stone")
    assert [e["unit"] for e in logs if e["event"] == "tracking.weight_unit_unknown"] == ["stone"]


async def test_a_dhl_answer_finds_the_shipment_by_padded_number_or_piece_id_and_logs_a_stranger_once(
        site: Site) -> None:
    # given shipments stored without DHL's (00) prefix, and by a piece id (licence plate)
    await site.shipped_order("SO-E2E-N1", "dhl", "340434160000000001")
    await site.shipped_order("SO-E2E-N2", "dhl", "JJD 0001 4600 0000 0001")
    # when DHL answers for the padded SSCC, and for the waybill whose pieces include the plate
    padded = dhl_shipment("00340434160000000001", [PICKED_UP])
    waybill = dhl_shipment("7777777777", [PICKED_UP], pieceIds=["JJD0001460000000001"])
    stranger = dhl_shipment("0099999999", [PICKED_UP])
    with structlog.testing.capture_logs() as logs:
        for shipment in (padded, waybill, stranger, stranger):
            assert (await site.push("carrier.dhl", *dhl_push(shipment))).status == 202
    # then both shipments moved, and the answer for no shipment was logged once, with its number
    for ref in ("SO-E2E-N1", "SO-E2E-N2"):
        assert (await site.order(ref))["shipments"][0]["state"] == "in_transit"
    assert [e["tracking_number"] for e in logs if e["event"] == "tracking.unmatched_number"] == ["0099999999"]


async def test_a_kuaidi100_signed_for_2_of_3_pieces_is_a_shortage_claim(site: Site) -> None:
    await site.shipped_order("SO-E2E-P2", "yuantong", "YT1000000000111", pieces=3)
    # when Kuaidi100 pushes a plain 签收 whose text counts 2 pieces: no 少件 wording anywhere
    response = await site.push("carrier.kuaidi100", *kuaidi100_push("YT1000000000111", [
        {"ftime": "2026-03-04 15:20:00", "context": "【宁波市】您的快件已签收，签收2件", "status": "签收",
         "statusCode": "301"},
        {"ftime": "2026-03-02 18:05:32", "context": "【义乌市】已揽收", "status": "揽收"}]))
    assert (await response.json())["returnCode"] == "200"
    order = await site.order("SO-E2E-P2")
    assert (order["shipments"][0]["state"], order["shipments"][0]["substatus"]) == ("exception", "shortage")
    assert [c["anomaly"] for c in order["cases"]] == ["shortage"]
    assert [(c["kind"], c["state"]) for c in order["claims"]] == [("shortage", "opened")]


async def test_a_kuaidi100_number_written_with_spaces_and_lower_case_finds_its_shipment(site: Site) -> None:
    await site.shipped_order("SO-E2E-N3", "yuantong", "YT1000000000222")
    response = await site.push("carrier.kuaidi100", *kuaidi100_push("yt 1000-0000-00222", [
        {"ftime": "2026-03-02 18:05:32", "context": "【义乌市】已揽收", "status": "揽收"}]))
    assert (await response.json())["returnCode"] == "200"
    assert (await site.order("SO-E2E-N3"))["shipments"][0]["state"] == "in_transit"


async def test_a_dhl_history_first_seen_already_delivered_opens_no_broker_case(site: Site) -> None:
    # given a DHL shipment the hub hears of for the first time once it is over: the broker step,
    # then the consignee's signature, in one answer (DHL lists the newest event first)
    await site.shipped_order("SO-E2E-FS", "dhl", "1000000031")
    broker = fixture("dhl_delivered_to_broker")["response"]["body"]["shipments"][0]
    signed = {"timestamp": "2026-03-09T10:05:00", "statusCode": "delivered", "status": "Delivered",
              "description": "Delivered - Signed for by: CONSIGNEE",
              "location": {"address": {"addressLocality": "SAO PAULO - BRAZIL"}}}
    snapshot = {**{k: v for k, v in broker.items() if k != "status"}, "id": "1000000031",
                "events": [signed, *broker["events"]]}
    assert (await site.push("carrier.dhl", *dhl_push(snapshot))).status == 202
    # then it is delivered, and no investigation is opened for a step the delivery answered
    order = await site.order("SO-E2E-FS")
    assert (order["state"], order["shipments"][0]["state"]) == ("delivered", "delivered")
    assert order["cases"] == []


async def test_a_kuaidi100_history_first_seen_already_signed_opens_no_transfer_case(site: Site) -> None:
    await site.shipped_order("SO-E2E-FK", "yuantong", "YT0000000042")
    items = [{"ftime": "2026-03-09 10:05:00", "context": "【宁波市】已签收，签收人：本人", "status": "签收"},
             {"ftime": "2026-03-07 08:00:00", "context": "【杭州转运中心】快件已转EMS，新单号：1187654321098",
              "status": "在途"}]
    assert (await site.push("carrier.kuaidi100", *kuaidi100_push("YT0000000042", items, state="3"))).status == 200
    order = await site.order("SO-E2E-FK")
    assert order["shipments"][0]["state"] == "delivered" and order["cases"] == []


async def test_a_locker_delivery_is_delivered_with_a_case_to_confirm_its_proof_of_delivery(site: Site) -> None:
    # given one shipment with each carrier
    await site.shipped_order("SO-E2E-L1", "dhl", "1000000053")
    await site.shipped_order("SO-E2E-L2", "yuantong", "YT0000000064")
    # when DHL puts one in a parcel locker, and a Kuaidi100 courier leaves the other at a Hive Box (丰巢)
    locker = {"id": "1000000053", "service": "parcel-de", "status": {
        "timestamp": "2026-03-05T14:10:00", "statusCode": "delivered", "status": "Delivered",
        "description": "The shipment has been delivered to the parcel locker"}, "events": [
        {"timestamp": "2026-03-05T14:10:00", "statusCode": "delivered", "status": "Delivered",
         "description": "The shipment has been delivered to the parcel locker"},
        {"timestamp": "2026-03-05T08:02:00", "statusCode": "transit", "status": "In delivery",
         "description": "The shipment has been loaded onto the delivery vehicle"}]}
    assert (await site.push("carrier.dhl", *dhl_push(locker))).status == 202
    items = [{"ftime": "2026-03-05 16:20:00", "context": "【宁波市】已签收，签收人：丰巢快递柜", "status": "签收"},
             {"ftime": "2026-03-05 09:00:00", "context": "【宁波市】快递员正在派件", "status": "派件"}]
    assert (await site.push("carrier.kuaidi100", *kuaidi100_push("YT0000000064", items, state="3"))).status == 200
    # then both are delivered for the carrier, and each opens a case to confirm who has the goods
    for ref in ("SO-E2E-L1", "SO-E2E-L2"):
        order = await site.order(ref)
        [shipment] = order["shipments"]
        assert (shipment["state"], shipment["substatus"]) == ("delivered", "delivered_to_agent_or_locker"), ref
        assert [c["anomaly"] for c in order["cases"]] == ["delivered_to_agent_or_locker"], ref


async def test_a_kuaidi100_abort_through_the_webhook_is_followed_up_after_30_minutes_once(site: Site, kuaidi100) -> None:
    fake, _ = kuaidi100
    # given a YTO shipment subscribed at booking
    await site.shipped_order("SO-E2E-AB", "yuantong", "YT0000000075")
    assert len(fake.subscriptions) == 1
    # when Kuaidi100 stops monitoring it (3 days without records) and says so in a signed push
    param = json.dumps({"status": "abort", "message": "3天查询无记录", "autoCheck": "0", "comOld": "", "comNew": "",
                        "lastResult": {"nu": "YT0000000075", "com": "yuantong", "state": "0", "data": []}},
                       ensure_ascii=False)
    body = form_body({"param": param, "sign": md5_upper(param + SALT)})
    assert (await site.push("carrier.kuaidi100", FORM, body)).status == 200
    # then the shipment shows the stopped subscription, and polls within 30 minutes re-subscribe nothing
    order = await site.order("SO-E2E-AB")
    assert order["shipments"][0]["subscription"] == "stopped"
    polled_at = set()
    for _ in range(5):  # five polls in the next 29 minutes
        site.hub.clock.advance(minutes=5, seconds=48)  # type: ignore[attr-defined]
        await site.runtime.settle()
        polled_at.update(s["last_polled_at"] for s in (await site.order("SO-E2E-AB"))["shipments"])
    assert len(fake.subscriptions) == 1 and len(polled_at) >= 4
    # when 30 minutes have passed, the next poll re-subscribes it once and the shipment shows it active
    for _ in range(3):
        site.hub.clock.advance(minutes=6)  # type: ignore[attr-defined]
        await site.runtime.settle()
    assert len(fake.subscriptions) == 2 and fake.subscriptions[1]["number"] == "YT0000000075"
    assert (await site.order("SO-E2E-AB"))["shipments"][0]["subscription"] == "active"


async def test_a_parcel_handed_to_ems_is_followed_under_its_new_number_to_delivery(site: Site, kuaidi100) -> None:
    fake, _ = kuaidi100
    # given a YTO shipment subscribed at booking
    await site.shipped_order("SO-E2E-FW", "yuantong", "YT0000000086")
    # when, two days later, YTO hands it to EMS and says the new number in the text (state 7, 转投)
    site.hub.clock.advance(days=2)  # type: ignore[attr-defined]
    items = [{"ftime": "2026-03-04 09:10:00", "context": "【偏远地区】快件已转EMS，单号：1187654321098", "status": "转投"},
             {"ftime": "2026-03-02 18:05:32", "context": "【义乌市】已揽收", "status": "揽收"}]
    assert (await site.push("carrier.kuaidi100", *kuaidi100_push("YT0000000086", items, state="7"))).status == 200
    # then the shipment is handed off, the new number is on its timeline, and EMS's number is subscribed
    order = await site.order("SO-E2E-FW")
    assert order["shipments"][0]["state"] == "handed_off"
    timeline = await (await site.client.get("/api/shipments/SH-SO-E2E-FW", headers=AUTH)).json()
    [forwarded] = [t for t in timeline["timeline"] if t["event"] == "forwarded"]
    assert forwarded["data"]["carrier"] == "ems" and forwarded["data"]["tracking_number"] == "1187654321098"
    assert [(s["company"], s["number"]) for s in fake.subscriptions] == [
        ("yuantong", "YT0000000086"), ("ems", "1187654321098")]
    # when the same handover comes again, nothing more is subscribed
    assert (await site.push("carrier.kuaidi100", *kuaidi100_push("YT0000000086", items, state="7"))).status == 200
    assert len(fake.subscriptions) == 2
    # when EMS pushes its own number two days later, signed for by the consignee
    site.hub.clock.advance(days=2)  # type: ignore[attr-defined]
    ems = [{"ftime": "2026-03-06 15:30:00", "context": "【和田地区】已签收，签收人：本人", "status": "签收"},
           {"ftime": "2026-03-05 08:00:00", "context": "【和田地区】正在投递", "status": "派件"}]
    assert (await site.push("carrier.kuaidi100", *kuaidi100_push("1187654321098", ems, state="3", com="ems"))).status == 200
    # then the YTO shipment is delivered at EMS's time, and the order with it
    order = await site.order("SO-E2E-FW")
    assert order["shipments"][0]["state"] == "delivered"
    assert order["shipments"][0]["delivered_at"].startswith("2026-03-06T07:30:00")
    assert order["state"] == "delivered"
