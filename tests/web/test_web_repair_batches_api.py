"""Repair batches (003: 每周寄一次质量问题产品…保障货品从专卖店寄出到返还的时间在15天之内; 区分可维修和不可维修产品, 报废品分清
供应商及专卖店原因并各自承担相应费用, 不能判定由总公司承担; 清单记录, 核对清单打包寄厂, 换机备注, 串号核对; 欧派: 遗留单附照片,
照片一定要保留) through the HTTP API, with the clock driven by the test: the week's repairs packed for the factory
with their serials and photos, sent, back repaired or scrapped with the cost split, the requests' timelines told;
the weekly rule, the 15-day turnaround, and every mistake refused. On SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from hub.core.config import HubConfig

from .test_web_catalogue import response_schema
from .test_web_orders_api import released_order
from .web_support import AUTH, EntityApi, shanghai, served

ORDER = "SO-RB-1"
FACTORY = "Foshan Sofa Works"
CHECKLIST = {"serial_match": True, "seal_intact": True, "liquid_marks": False, "missing_parts": False,
             "unauthorised_repair": False, "data_loss_acknowledged": True}
PHOTOS = ["photos/rt-rb-1-motor-1.jpg", "photos/rt-rb-1-motor-2.jpg"]


class Api(EntityApi):
    collection, default_ref = "repair-batches", "RB-1"

    async def batch(self, ref: str = "RB-1") -> dict[str, Any]:
        return await self.entity(ref)

    async def request(self, ref: str) -> dict[str, Any]:
        return await self.get(f"/api/returns/{ref}")

    async def pack(self, returns: list[str], ref: str = "RB-1", expect: int = 201, **extra: Any) -> dict[str, Any]:
        status, body = await self.post("/api/repair-batches", {"ref": ref, "factory": FACTORY, "returns": returns,
                                                               **extra})
        assert status == expect, body
        return body


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig, clock: Any,
              tmp_path: Path) -> AsyncIterator[Api]:
    async with served(Api, request.param, "repair_batches", aiohttp_client, config, clock, tmp_path) as api:
        yield api


async def delivered_order(api: Api, ref: str = ORDER) -> None:
    """Two sofas released, shipped and delivered: repairs may be requested on them."""
    await released_order(api.http, api.runtime, ref)
    status, body = await api.post(f"/api/orders/{ref}/shipments", {"ref": f"SH-{ref}", "carrier": "dhl",
                                                                   "tracking_number": f"TN-{ref}"})
    assert status == 201, body
    for event in ("in_transit", "delivered"):
        status, body = await api.post(f"/api/shipments/SH-{ref}/events", {"event": event})
        assert status == 200, body
    await api.runtime.settle()


async def repair_in(api: Api, ref: str, fault: str = "recliner motor dead", *, received: bool = True,
                    **extra: Any) -> None:
    """A repair request whose unit the customer sent back and the hub received (awaiting_exchange_shipment)."""
    status, body = await api.post("/api/returns", {"ref": ref, "order_ref": ORDER, "type": "repair", "line_no": 1,
                                                   "reason": fault, "fault": fault, "address": "1 Harbour Rd",
                                                   "checklist": CHECKLIST, **extra})
    assert status == 201, body
    for event in ("approved", "customer_shipped", "goods_received")[:3 if received else 2]:
        status, body = await api.post(f"/api/returns/{ref}/events", {"event": event, "data": {}})
        assert status == 200, body


async def three_repairs_in(api: Api) -> None:
    await delivered_order(api)
    await repair_in(api, "RT-RB-1", unit_serial="MOTOR-1029", evidence=PHOTOS,
                    description="no power to the recliner")
    await repair_in(api, "RT-RB-2", "frame cracked at the joint", evidence=["photos/rt-rb-2-frame.jpg"])
    await repair_in(api, "RT-RB-3", "seat spring broken")


def factory_steps(request: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["event"], e["data"].get("batch_state")) for e in request["timeline"]
            if e["event"] in ("packed_for_factory", "sent_to_factory", "factory_result", "factory_batch_closed",
                              "factory_batch_cancelled")]


RESULTS = [
    {"return_ref": "RT-RB-1", "result": "repaired", "replacement_serial": "MOTOR-77A1", "serial_read": "MOTOR-77A1",
     "fault_resolved": True, "seal_intact": True, "note": "the factory swapped the motor"},
    {"return_ref": "RT-RB-2", "result": "scrapped", "cause": "supplier", "cost": "1350.00"},
    {"return_ref": "RT-RB-3", "result": "scrapped", "cause": "undetermined", "cost": "80.50"},
]


async def test_a_week_s_repairs_go_to_the_factory_and_come_back_repaired_or_scrapped_with_the_cost_split(api):
    # given three repairs received on a Monday in Shanghai
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await three_repairs_in(api)
    # when after-sales packs them for the factory
    api.hub.clock.set(shanghai(2026, 3, 2, 16))
    created = await api.pack(["RT-RB-1", "RT-RB-2", "RT-RB-3"], note="checked against the list, two cartons")
    response_schema("/api/repair-batches", "post", 201).validate(created)
    assert (created["entity"], created["state"], created["previous"]) == ("repair_batch", "packed", None)
    # then the list keeps what the factory needs: serial, fault, the photos; the week is the local ISO week
    batch = await api.batch()
    response_schema("/api/repair-batches/{ref}", "get", 200).validate(batch)
    assert (batch["factory"], batch["week"], batch["note"]) == (FACTORY, "2026-W10", "checked against the list, two cartons")
    first = batch["lines"][0]
    assert (first["return_ref"], first["unit_serial"], first["fault"], first["evidence"], first["customer_code"]) == (
        "RT-RB-1", "MOTOR-1029", "recliner motor dead", PHOTOS, "C-WEB")
    assert first["description"] == "no power to the recliner" and first["order_ref"] == ORDER
    assert [line["evidence"] for line in batch["lines"][1:]] == [["photos/rt-rb-2-frame.jpg"], []]
    assert batch["allowed_events"] == ["sent", "cancelled"] and await api.timers() == {}
    # and each request records it, keeps its state, its photos and its other details
    request = await api.request("RT-RB-1")
    assert request["state"] == "awaiting_exchange_shipment" and factory_steps(request) == [("packed_for_factory", "packed")]
    assert request["details"]["factory_repair"]["batch_ref"] == "RB-1"
    assert request["details"]["evidence"] == PHOTOS and request["details"]["checklist"]["seal_intact"] is True
    # when it leaves with the carrier
    api.hub.clock.set(shanghai(2026, 3, 3, 10))
    moved = await api.event("RB-1", "sent", {"carrier": "sf", "tracking_number": "SF7788990011"})
    assert (moved["previous"], moved["state"]) == ("packed", "sent")
    # then it is due back within the 15 days of the store-to-store turnaround
    assert await api.timers() == {"repair_batch_turnaround": shanghai(2026, 3, 18, 10)}
    batch = await api.batch()
    assert (batch["carrier"], batch["tracking_number"], batch["allowed_events"]) == ("sf", "SF7788990011", ["returned"])
    request = await api.request("RT-RB-2")
    assert request["details"]["factory_repair"]["tracking_number"] == "SF7788990011"
    # when it is back: one unit repaired on a replacement, one scrapped for the supplier, one nobody can blame
    api.hub.clock.set(shanghai(2026, 3, 12, 15))
    moved = await api.event("RB-1", "returned", {"results": RESULTS})
    assert moved["state"] == "returned"
    # then the results are on the list and the costs split: supplier, store, head office
    batch = await api.batch()
    response_schema("/api/repair-batches/{ref}", "get", 200).validate(batch)
    assert (batch["supplier_cost"], batch["store_cost"], batch["head_office_cost"]) == ("1350.00", "0.00", "80.50")
    lines = {line["return_ref"]: line for line in batch["lines"]}
    assert (lines["RT-RB-1"]["result"], lines["RT-RB-1"]["replacement_serial"], lines["RT-RB-1"]["discrepancies"]) == (
        "repaired", "MOTOR-77A1", [])
    assert (lines["RT-RB-3"]["cause"], lines["RT-RB-3"]["payer"], lines["RT-RB-3"]["cost"]) == (
        "undetermined", "head_office", "80.50")
    assert lines["RT-RB-1"]["evidence"] == PHOTOS  # still there for the factory's questions
    assert await api.timers() == {} and await api.breaches() == []
    # and each request has its unit's result in its details and on its timeline
    scrapped = await api.request("RT-RB-2")
    assert {k: scrapped["details"]["factory_repair"][k] for k in ("result", "cause", "payer", "cost")} == {
        "result": "scrapped", "cause": "supplier", "payer": "supplier", "cost": "1350.00"}
    result = next(e for e in scrapped["timeline"] if e["event"] == "factory_result")
    assert (result["data"]["result"], result["data"]["repair_batch_ref"], result["state"]) == ("scrapped", "RB-1", None)
    # when the results are handed on, the batch closes; the repaired unit goes back on its request's lifecycle
    await api.event("RB-1", "closed")
    assert (await api.batch())["allowed_events"] == []
    shipped = await api.post("/api/returns/RT-RB-1/events", {"event": "exchange_shipped",
                                                              "data": {"carrier": "sf", "tracking_number": "SF9"}})
    assert shipped[0] == 200, shipped
    request = await api.request("RT-RB-1")
    assert request["state"] == "completed"
    assert factory_steps(request) == [("packed_for_factory", "packed"), ("sent_to_factory", "sent"),
                                      ("factory_result", "returned"), ("factory_batch_closed", "closed")]
    assert request["details"]["factory_repair"]["replacement_serial"] == "MOTOR-77A1"
    assert [e["event"] for e in (await api.batch())["timeline"]] == ["packed", "sent", "returned", "closed"]
    # and the list filters by state and factory
    page = await api.get(f"/api/repair-batches?state=closed&factory={FACTORY}")
    response_schema("/api/repair-batches", "get", 200).validate(page)
    assert [b["ref"] for b in page["items"]] == ["RB-1"]
    assert (await api.get("/api/repair-batches?factory=Elsewhere"))["items"] == []
    assert (await api.get("/api/repair-batches?state=sent"))["items"] == []


async def test_only_received_repairs_that_no_open_batch_carries_are_packed(api):
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await delivered_order(api)
    await repair_in(api, "RT-RB-1")
    await repair_in(api, "RT-RB-2", "frame cracked", received=False)  # the customer shipped it; not in yet
    status, body = await api.post("/api/returns", {"ref": "RT-RB-9", "order_ref": ORDER, "type": "refund",
                                                   "reason": "changed mind"})
    assert status == 201, body
    # when a batch names a refund, a unit not in yet, an unknown request and one twice
    status, body = await api.post("/api/repair-batches", {"ref": "RB-1", "factory": FACTORY,
                                                          "returns": ["RT-RB-1", "RT-RB-9", "RT-RB-2", "NOPE", "RT-RB-1"]})
    # then every problem is named at once, by position, and nothing is packed
    assert status == 422 and body["field"] == "returns.1", body
    assert "RT-RB-9 is a refund request: only repair requests go to the factory" in body["error"]
    assert "RT-RB-2 is awaiting_return_receipt: its unit is not with after-sales yet" in body["error"]
    assert "returns.3: unknown return NOPE" in body["error"] and "returns.4: RT-RB-1 is listed twice" in body["error"]
    assert (await api.get("/api/repair-batches"))["items"] == []
    # when one is packed, no other batch may take it while this one is open
    await api.pack(["RT-RB-1"])
    status, body = await api.post("/api/repair-batches", {"ref": "RB-2", "factory": "Dongguan Springs Co",
                                                          "returns": ["RT-RB-1"]})
    assert (status, body["field"]) == (422, "returns.0") and "already in batch RB-1 (packed)" in body["error"]
    # and once the batch is unpacked, the request is free for the next one (a cancelled batch is no week's batch)
    await api.event("RB-1", "cancelled", {"reason": "the courier did not come"})
    await api.pack(["RT-RB-1"], ref="RB-2")
    request = await api.request("RT-RB-1")
    assert factory_steps(request) == [("packed_for_factory", "packed"), ("factory_batch_cancelled", "cancelled"),
                                      ("packed_for_factory", "packed")]
    assert request["details"]["factory_repair"]["batch_ref"] == "RB-2"
    # when the factory scraps it, no batch takes it again
    await api.event("RB-2", "sent", {"carrier": "sf", "tracking_number": "SF1"})
    await api.event("RB-2", "returned", {"results": [{"return_ref": "RT-RB-1", "result": "scrapped",
                                                       "cause": "store", "cost": "60"}]})
    await api.event("RB-2", "closed")
    assert (await api.batch("RB-2"))["store_cost"] == "60.00"
    status, body = await api.post("/api/repair-batches", {"ref": "RB-3", "factory": FACTORY, "returns": ["RT-RB-1"],
                                                          "extra_batch_reason": "resend"})
    assert status == 422 and "scrapped by the factory in RB-2" in body["error"]


async def test_a_second_batch_for_a_factory_in_one_week_needs_a_reason(api):
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await delivered_order(api)
    for n in range(1, 6):
        await repair_in(api, f"RT-RB-{n}", f"fault {n}")
    await api.pack(["RT-RB-1"])
    # when a second batch for the same factory is packed later that week (Sunday night, local time)
    api.hub.clock.set(shanghai(2026, 3, 8, 23, 30))
    body = await api.pack(["RT-RB-2"], ref="RB-2", expect=422)
    # then the weekly rule says why, and what it costs
    assert body["field"] == "extra_batch_reason"
    assert "already has RB-1 this week (2026-W10)" in body["error"] and "once a week" in body["error"]
    assert "the store's cost" in body["error"]
    # and with a reason it goes, the reason kept on the batch
    await api.pack(["RT-RB-2"], ref="RB-2", extra_batch_reason="a store's urgent order: its unit must be back first")
    assert (await api.batch("RB-2"))["extra_batch_reason"].startswith("a store's urgent order")
    # another factory the same week needs none; nor the same factory half an hour later, on Monday (local)
    status, body = await api.post("/api/repair-batches", {"ref": "RB-3", "factory": "Dongguan Springs Co",
                                                          "returns": ["RT-RB-3"]})
    assert status == 201, body
    api.hub.clock.set(shanghai(2026, 3, 9, 0, 1))
    await api.pack(["RT-RB-4"], ref="RB-4")
    assert (await api.batch("RB-4"))["week"] == "2026-W11"


async def test_the_turnaround_breaches_once_when_the_batch_is_not_back_within_15_days(api):
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await delivered_order(api)
    await repair_in(api, "RT-RB-1")
    await api.pack(["RT-RB-1"])
    api.hub.clock.set(shanghai(2026, 3, 3, 10))
    await api.event("RB-1", "sent", {"carrier": "sf", "tracking_number": "SF1"})
    # a minute short of the 15 days nothing breaches
    api.hub.clock.set(shanghai(2026, 3, 18, 9, 59))
    await api.runtime.settle()
    assert await api.breaches() == []
    # a minute past it the rule breaches once, and the after-sales manager hears of it
    api.hub.clock.advance(minutes=2)
    await api.runtime.settle()
    api.hub.clock.advance(days=3)
    await api.runtime.settle()
    assert await api.breaches() == ["repair_batch_turnaround"]
    notices = [m for m in api.letters() if m["milestone"] == "sla_breached" and "repair_batch_turnaround" in m["subject"]]
    assert [m["to"] for m in notices] == ["role:after_sales_manager"]
    # and the batch that comes back late is still received
    await api.event("RB-1", "returned", {"results": [{"return_ref": "RT-RB-1", "result": "repaired",
                                                       "fault_resolved": True, "seal_intact": True}]})
    assert await api.timers() == {}


async def test_the_factory_s_results_are_checked_unit_by_unit_and_events_out_of_order_refused(api):
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await delivered_order(api)
    await repair_in(api, "RT-RB-1", unit_serial="MOTOR-1029")
    await repair_in(api, "RT-RB-2", "frame cracked")
    # creation: bad fields named
    for body, field in [({"factory": FACTORY, "returns": []}, "returns"), ({"returns": ["RT-RB-1"]}, "factory"),
                        ({"factory": FACTORY, "returns": ["RT-RB-1"], "priority": "high"}, "priority"),
                        ({"factory": FACTORY, "returns": ["RT-RB-1"], "ref": "bad ref"}, "ref")]:
        status, answer = await api.post("/api/repair-batches", body)
        assert (status, answer.get("field")) == (422, field), (body, answer)
    await api.pack(["RT-RB-1", "RT-RB-2"])
    assert (await api.pack(["RT-RB-1"], expect=409))["field"] == "ref"  # already exists
    # out of order: the state and what it accepts are named
    for event, data in (("returned", {"results": RESULTS[:1]}), ("closed", {})):
        status, body = await api.post("/api/repair-batches/RB-1/events", {"event": event, "data": data})
        assert status == 409 and body["state"] == "packed" and body["allowed_events"] == ["sent", "cancelled"]
    for data, field in (({"carrier": "sf"}, "data.tracking_number"), ({}, "data.carrier")):
        status, body = await api.post("/api/repair-batches/RB-1/events", {"event": "sent", "data": data})
        assert (status, body["field"]) == (422, field), body
    await api.event("RB-1", "sent", {"carrier": "sf", "tracking_number": "SF1"})
    status, body = await api.post("/api/repair-batches/RB-1/events", {"event": "cancelled", "data": {"reason": "x"}})
    assert status == 409 and body["state"] == "sent"  # at the factory: it can only come back
    # the results: every unit exactly once, a scrapped unit's cause and cost, the serial read when listed
    repaired = {"return_ref": "RT-RB-1", "result": "repaired", "serial_read": "MOTOR-1029", "fault_resolved": True,
                "seal_intact": True}
    scrapped = {"return_ref": "RT-RB-2", "result": "scrapped", "cause": "store", "cost": "40"}
    cases = [
        ([repaired], "data.results"),  # RT-RB-2 missing
        ([repaired, scrapped, {**scrapped, "return_ref": "RT-RB-7"}], "data.results.2.return_ref"),
        ([repaired, scrapped, scrapped], "data.results.2.return_ref"),
        ([repaired, {**scrapped, "cost": None}], "data.results.1"),
        ([repaired, {k: v for k, v in scrapped.items() if k != "cause"}], "data.results.1"),
        ([{k: v for k, v in repaired.items() if k != "serial_read"}, scrapped], "data.results.0.serial_read"),
        ([{**repaired, "result": "lost"}, scrapped], "data.results.0.result"),
        ([], "data.results"),
    ]
    for results, field in cases:
        status, body = await api.post("/api/repair-batches/RB-1/events", {"event": "returned",
                                                                          "data": {"results": results}})
        assert (status, body["field"]) == (422, field), (results, body)
    # nothing moved on any refusal: still at the factory, its clock running, the requests untold
    batch = await api.batch()
    assert batch["state"] == "sent" and [e["event"] for e in batch["timeline"]] == ["packed", "sent"]
    assert set(await api.timers()) == {"repair_batch_turnaround"}
    assert [step for step, _ in factory_steps(await api.request("RT-RB-1"))] == ["packed_for_factory",
                                                                                "sent_to_factory"]
    # a serial that does not match is recorded on the line, not refused: the unit is back either way
    await api.event("RB-1", "returned", {"results": [{**repaired, "serial_read": "MOTOR-9999", "seal_intact": False},
                                                     scrapped]})
    line = (await api.batch())["lines"][0]
    assert line["discrepancies"] == ["serial_mismatch", "seal_broken"]
    # unknown batches are not found
    reply = await api.http.get("/api/repair-batches/NOPE", headers=AUTH)
    assert reply.status == 404 and (await reply.json())["error"] == "repair batch NOPE not found"
    status, _ = await api.post("/api/repair-batches/NOPE/events", {"event": "closed", "data": {}})
    assert status == 404


async def test_the_catalogue_and_the_document_describe_the_repair_batch(api):
    catalogue = (await api.get("/api/events?entity=repair_batch"))["repair_batch"]
    assert catalogue["initial"] == "packed" and catalogue["terminal"] == ["cancelled", "closed"]
    assert catalogue["states"]["sent"] == {"accepts": ["returned"], "hook": "hub_repair_batch_sent"}
    assert catalogue["events"]["returned"]["leads_to"] == {"sent": ["returned"]}
    document = await api.get("/api/openapi.json")
    assert {"/api/repair-batches", "/api/repair-batches/{ref}", "/api/repair-batches/{ref}/events"} <= set(
        document["paths"])
    assert len(document["components"]["schemas"]["RepairBatchEventInput"]["oneOf"]) == 4
    params = {p["name"] for p in document["paths"]["/api/repair-batches"]["get"]["parameters"]}
    assert {"state", "factory"} <= params


@pytest.fixture
def logging_restored():
    """The command configures logging for its process (a WARNING level here): later tests get theirs back."""
    import structlog

    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


async def test_hub_repair_batches_list_and_show(client, hub, runtime, tmp_path, capsys, logging_restored):
    from hub.cli import main as cli

    async def main(argv: list[str]) -> int:  # the command runs its own event loop: off this one
        capsys.readouterr()  # what the hub logged so far is not the command's output
        return await asyncio.to_thread(cli, ["--log-level", "WARNING", *argv])

    api = Api(client, hub, tmp_path)
    hub.clock.set(shanghai(2026, 3, 2, 9))
    await delivered_order(api)
    await repair_in(api, "RT-RB-1", unit_serial="MOTOR-1029", evidence=PHOTOS)
    await repair_in(api, "RT-RB-2", "frame cracked")
    await api.pack(["RT-RB-1", "RT-RB-2"])
    await api.event("RB-1", "sent", {"carrier": "sf", "tracking_number": "SF1"})
    await api.event("RB-1", "returned", {"results": [
        {"return_ref": "RT-RB-1", "result": "repaired", "serial_read": "MOTOR-1029", "fault_resolved": True,
         "seal_intact": True}, {"return_ref": "RT-RB-2", "result": "scrapped", "cause": "supplier", "cost": "99"}]})
    config = tmp_path / "hub.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n[plugins]\nenabled = []\n')
    # the list, filtered
    assert await main(["--config", str(config), "repair-batches", "list", "--factory", FACTORY]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in out] == [["RB-1", "returned"]] and "scrapped 1" in out[0]
    assert await main(["--config", str(config), "repair-batches", "list", "--state", "closed"]) == 0
    assert capsys.readouterr().out == ""
    # one batch: each unit with its serial and photos, the results and the cost split
    assert await main(["--config", str(config), "repair-batches", "show", "RB-1"]) == 0
    shown = capsys.readouterr().out
    assert "MOTOR-1029" in shown and PHOTOS[0] in shown and "supplier pays 99.00" in shown
    assert "costs: supplier 99.00, store 0.00, head office 0.00" in shown
    with pytest.raises(SystemExit):
        await main(["--config", str(config), "repair-batches", "show"])
