"""Complaints after delivery (000: 收货后三日内点清数量和检验; 货短少、损坏的投诉…查明原因,落实责任与处分,给予客户补货换货的
回复) through the HTTP API, with the clock driven by the test: a shortage answered and replenished, a damage
credited, the order closing only once the last complaint (and claim) ended after the window, the reply and
remedy time rules breaching, late complaints flagged, and every mistake refused. On SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hub.core.config import HubConfig

from .test_web_catalogue import response_schema
from .test_web_orders_api import released_order
from .web_support import AUTH, EntityApi, shanghai, served

ORDER = "SO-CP-1"
SHORTAGE = {"ref": "CP-1", "kind": "shortage", "lines": {"1": "1"}, "shipment_ref": "SH-CP-1", "channel": "phone",
            "description": "one of the two sofas missing on unloading"}
REPLY = {"cause": "one carton left on the dock at loading",
         "responsibility": {"party": "warehouse", "person": "loader-zhou", "department": "warehouse",
                            "sanction": "written warning"},
         "remedy": "replenish", "plan": "the missing sofa ships with the next truck", "promised_date": "2026-03-06"}


class Api(EntityApi):
    """The HTTP client of one test, the hub behind it and its background work."""

    collection, default_ref = "complaints", "CP-1"

    async def complaint(self, ref: str = "CP-1") -> dict[str, Any]:
        return await self.entity(ref)

    async def order(self, ref: str = ORDER) -> dict[str, Any]:
        return await self.get(f"/api/orders/{ref}")


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig, clock: Any,
              tmp_path: Path) -> AsyncIterator[Api]:
    async with served(Api, request.param, "complaints", aiohttp_client, config, clock, tmp_path) as api:
        yield api


async def delivered_order(api: Api, ref: str = ORDER, shipment: str = "SH-CP-1") -> None:
    """An order of two sofas, released, shipped in one shipment and delivered, at the clock's time."""
    await released_order(api.http, api.runtime, ref)
    status, body = await api.post(f"/api/orders/{ref}/shipments", {
        "ref": shipment, "carrier": "dhl", "tracking_number": f"TN-{shipment}", "carrier_contact": "driver Liu"})
    assert status == 201, body
    for event in ("in_transit", "delivered"):
        status, body = await api.post(f"/api/shipments/{shipment}/events", {"event": event})
        assert status == 200, body
    await api.runtime.settle()
    assert (await api.order(ref))["state"] == "delivered"


async def recorded(api: Api, body: dict[str, Any] | None = None, order: str = ORDER) -> dict[str, Any]:
    status, answer = await api.post(f"/api/orders/{order}/complaints", body or SHORTAGE)
    assert status == 201, answer
    return answer


async def test_a_shortage_is_answered_replenished_and_resolved_and_only_then_the_order_closes(api):
    # given two sofas delivered on a Monday morning in Shanghai
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await delivered_order(api)
    # when the customer phones the next day: one sofa is missing
    api.hub.clock.set(shanghai(2026, 3, 3, 10))
    created = await recorded(api)
    response_schema("/api/orders/{ref}/complaints", "post", 201).validate(created)
    assert (created["entity"], created["state"], created["previous"]) == ("complaint", "received", None)
    assert created["data"]["late"] is False and created["data"]["lines"] == {"1": "1"}
    # then it is recorded inside the window, the reply is due within 1 working day, the order waits for it
    complaint = await api.complaint()
    response_schema("/api/complaints/{ref}", "get", 200).validate(complaint)
    assert (complaint["order_ref"], complaint["shipment_ref"], complaint["channel"], complaint["late"]) == (
        ORDER, "SH-CP-1", "phone", False)
    assert complaint["allowed_events"] == ["investigation_started", "withdrawn"]
    assert await api.timers() == {"complaint_reply": shanghai(2026, 3, 4, 10)}
    order = await api.order()
    response_schema("/api/orders/{ref}", "get", 200).validate(order)
    assert order["open_complaints"] == 1 and [c["ref"] for c in order["complaints"]] == ["CP-1"]
    # when customer service investigates and answers: cause, responsibility and sanction, the replenishment
    api.hub.clock.advance(hours=1)
    await api.event("CP-1", "investigation_started", {"investigator": "cs-wang", "department": "customer_service"})
    api.hub.clock.advance(hours=3)
    moved = await api.event("CP-1", "answered", REPLY)
    assert (moved["previous"], moved["state"]) == ("investigating", "answered")
    # then the reply timer is satisfied and the promised date is watched to the end of that day
    assert await api.timers() == {"complaint_remedy": shanghai(2026, 3, 6, 18)}
    complaint = await api.complaint()
    assert (complaint["remedy"], complaint["responsible_party"], complaint["promised_date"]) == (
        "replenish", "warehouse", "2026-03-06")
    assert complaint["data"]["answer"]["responsibility"]["sanction"] == "written warning"
    # and it cannot be resolved before the missing sofa ships
    status, body = await api.post("/api/complaints/CP-1/events", {"event": "resolved",
                                                                  "data": {"confirmed_by": "Li Lei"}})
    assert status == 409 and "must ship first" in body["error"] and body["state"] == "answered"
    # when the inspection window ends meanwhile, the order stays delivered: the complaint is open
    api.hub.clock.set(shanghai(2026, 3, 5, 12))
    await api.runtime.settle()
    order = await api.order()
    assert order["state"] == "delivered" and order["inspection_window_elapsed"] is True
    # when the replacement ships in a shipment of the same order
    status, shipped = await api.post("/api/complaints/CP-1/shipments", {
        "ref": "SH-CP-2", "carrier": "dhl", "tracking_number": "TN-SH-CP-2", "carrier_contact": "driver Liu"})
    assert status == 201, shipped
    response_schema("/api/complaints/{ref}/shipments", "post", 201).validate(shipped)
    assert (shipped["state"], shipped["data"]["shipment_ref"]) == ("remedy_shipped", "SH-CP-2")
    replacement = await api.get("/api/shipments/SH-CP-2")
    assert (replacement["order_ref"], replacement["lines"], replacement["state"]) == (ORDER, {"1": "1"}, "booked")
    assert await api.timers() == {}
    assert (await api.order())["state"] == "delivered"  # still waiting for the customer's word
    # and the customer confirms: the complaint is resolved and the order, its window over, closes
    api.hub.clock.advance(days=1)
    moved = await api.event("CP-1", "resolved", {"confirmed_by": "Li Lei (buyer)"})
    assert moved["state"] == "resolved"
    order = await api.order()
    assert (order["state"], order["open_complaints"]) == ("closed", 0)
    order_moves = [(e["event"], e["state"]) for e in order["timeline"] if e["entity"] == "order"]
    assert ("complaint_opened", "delivered") in order_moves
    assert order_moves[-2:] == [("inspection_window_elapsed", "delivered"), ("complaint_closed", "closed")]
    complaint = await api.complaint()
    assert [e["event"] for e in complaint["timeline"]] == ["received", "investigation_started", "answered",
                                                           "remedy_shipped", "resolved"]
    assert complaint["remedy_shipment_ref"] == "SH-CP-2" and complaint["allowed_events"] == []
    # and the sandbox recorded the reply letter: cause, responsibility and remedy, to the customer
    await api.runtime.settle()
    assert await api.breaches() == []
    replies = [m for m in api.letters() if m["milestone"] == "complaint_answered"]
    assert len(replies) == 1 and replies[0]["to"] == "customer:C-WEB"
    body = replies[0]["body"]
    assert REPLY["cause"] in body and "warehouse" in body and REPLY["plan"] in body and "2026-03-06" in body
    assert "written warning" not in body  # the sanction stays internal
    handoffs = {(h["plugin"], h["hook"], h["state"]) for h in complaint["handoffs"]}
    assert ("notify.sandbox", "hub_complaint_answered", "done") in handoffs
    # and the list filters
    page = await api.get(f"/api/complaints?state=resolved&order_ref={ORDER}")
    response_schema("/api/complaints", "get", 200).validate(page)
    assert [c["ref"] for c in page["items"]] == ["CP-1"]
    assert (await api.get("/api/complaints?state=received"))["items"] == []


async def test_damage_credited_resolves_without_shipping_and_the_order_waits_for_its_claim_too(api):
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await delivered_order(api)
    # given a damage complaint by fax, and a claim on the same order
    await recorded(api, {"ref": "CP-2", "kind": "damage", "lines": {"1": "1"}, "channel": "fax",
                         "description": "armrest torn"})
    status, body = await api.post("/api/claims", {"ref": "CL-CP-1", "order_ref": ORDER, "kind": "damage",
                                                  "amount_claimed": "300"})
    assert status == 201, body
    await api.event("CP-2", "investigation_started", {"investigator": "cs-wang"})
    await api.event("CP-2", "answered", {"cause": "forklift at the carrier's depot",
                                         "responsibility": {"party": "carrier", "department": "dhl depot"},
                                         "remedy": "credit", "plan": "300.00 credited on the next invoice"})
    assert await api.timers("CP-2") == {}  # no date promised, nothing to watch
    # then nothing ships for a credit: remedy_shipped is refused, resolved is accepted at once
    status, body = await api.post("/api/complaints/CP-2/events", {"event": "remedy_shipped",
                                                                  "data": {"shipment_ref": "SH-CP-1"}})
    assert status == 409 and "the remedy is credit: nothing ships" in body["error"]
    status, body = await api.post("/api/complaints/CP-2/shipments", {"ref": "SH-CP-9"})
    assert status == 409 and "nothing ships" in body["error"]
    # when the window ends, the claim and the complaint keep the order delivered
    api.hub.clock.set(shanghai(2026, 3, 6, 9))
    await api.runtime.settle()
    assert (await api.order())["state"] == "delivered"
    await api.event("CP-2", "resolved", {"confirmed_by": "Li Lei"})
    order = await api.order()
    assert (order["state"], order["open_complaints"], order["open_claims"]) == ("delivered", 0, 1)
    # and the claim's end, the last thing open, closes it
    status, body = await api.post("/api/claims/CL-CP-1/events", {"event": "withdrawn", "data": {}})
    assert status == 200, body
    assert (await api.order())["state"] == "closed"


async def test_a_complaint_after_the_window_is_recorded_late_and_its_end_closes_the_order(api):
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await delivered_order(api)
    # given the window passed but its timer has not fired yet
    api.hub.clock.set(shanghai(2026, 3, 6, 9))
    created = await recorded(api, {**SHORTAGE, "ref": "CP-3", "channel": "visit"})
    assert created["data"]["late"] is True and created["data"]["window_ends_at"]
    complaint = await api.complaint("CP-3")
    assert complaint["late"] is True
    assert datetime.fromisoformat(complaint["data"]["window_ends_at"]) < api.hub.clock.now()
    # when the window's timer fires, the order waits for the late complaint
    await api.runtime.settle()
    assert (await api.order())["state"] == "delivered"
    # and a second complaint, once the window elapsed, is late as well
    created = await recorded(api, {**SHORTAGE, "ref": "CP-4", "shipment_ref": None, "channel": "email"})
    assert created["data"]["late"] is True
    for ref in ("CP-3", "CP-4"):
        moved = await api.event(ref, "withdrawn", {"reason": "the carton was in the store room"})
        assert moved["state"] == "withdrawn"
        assert await api.timers(ref) == {}
    # then the last one's end closes the order; a closed order takes no complaint, and says why
    assert (await api.order())["state"] == "closed"
    status, body = await api.post(f"/api/orders/{ORDER}/complaints", {**SHORTAGE, "ref": "CP-5"})
    assert status == 409 and body["state"] == "closed" and "inspection window passed" in body["error"]


# The complaint's time rules: the state it is brought to, when (Shanghai), when due, who hears.
TIME_RULES = [
    # received on a Friday afternoon: the reply is due Monday afternoon (1 working day), not on Saturday
    ("complaint_reply", "received", shanghai(2026, 3, 6, 15), shanghai(2026, 3, 9, 15), "customer_service_manager"),
    # still investigating does not stop it
    ("complaint_reply", "investigating", shanghai(2026, 3, 3, 10), shanghai(2026, 3, 4, 10),
     "customer_service_manager"),
    # the promised date of the replenishment (6 March), by the end of that business day
    ("complaint_remedy", "answered", shanghai(2026, 3, 3, 10), shanghai(2026, 3, 6, 18), "sales_supervisor"),
]


@pytest.mark.parametrize(("rule", "state", "start", "due", "escalate_to"), TIME_RULES,
                         ids=[f"{r[0]}-{r[1]}" for r in TIME_RULES])
async def test_each_complaint_time_rule_breaches_once_when_its_limit_passes(api, rule, state, start, due,
                                                                            escalate_to):
    api.hub.clock.set(start)
    await delivered_order(api)
    await recorded(api)
    if state in ("investigating", "answered"):
        await api.event("CP-1", "investigation_started", {"investigator": "cs-wang"})
    if state == "answered":
        await api.event("CP-1", "answered", REPLY)
    assert (await api.timers())[rule] == due
    # a minute short of the limit, nothing breaches
    api.hub.clock.set(due)
    api.hub.clock.advance(minutes=-1)
    await api.runtime.settle()
    assert rule not in await api.breaches()
    # a minute past it the rule breaches, once, and its owner hears of it
    api.hub.clock.advance(minutes=2)
    await api.runtime.settle()
    api.hub.clock.advance(days=3)
    await api.runtime.settle()
    assert (await api.breaches()).count(rule) == 1
    notices = [m for m in api.letters() if m["milestone"] == "sla_breached" and rule in m["subject"]]
    assert [m["to"] for m in notices] == [f"role:{escalate_to}"]
    # and the order it belongs to shows as overdue
    assert ORDER in [o["ref"] for o in (await api.get("/api/orders?overdue=true"))["items"]]


async def test_the_reply_on_time_satisfies_the_reply_rule(api):
    api.hub.clock.set(shanghai(2026, 3, 6, 15))  # a Friday
    await delivered_order(api)
    await recorded(api)
    api.hub.clock.set(shanghai(2026, 3, 9, 14))  # Monday, before 15:00
    await api.event("CP-1", "investigation_started", {"investigator": "cs-wang"})
    await api.event("CP-1", "answered", {**REPLY, "promised_date": "2026-03-12"})
    api.hub.clock.set(shanghai(2026, 3, 12, 17))
    await api.post("/api/complaints/CP-1/shipments", {"ref": "SH-CP-2"})
    api.hub.clock.advance(days=30)
    await api.runtime.settle()
    assert await api.breaches() == []


async def test_out_of_order_events_are_409_bad_data_422_and_an_unknown_order_404(api):
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    # an unknown order is not found; an order that has not shipped takes no complaint yet
    status, body = await api.post("/api/orders/NOPE/complaints", SHORTAGE)
    assert status == 404, body
    await released_order(api.http, api.runtime, "SO-CP-2")
    status, body = await api.post("/api/orders/SO-CP-2/complaints", {**SHORTAGE, "shipment_ref": None})
    assert status == 409 and body["entity"] == "order" and body["state"] == "released", body
    assert "nothing has shipped yet" in body["error"]
    await delivered_order(api)
    # creation: every bad field named
    cases = [
        ({**SHORTAGE, "kind": "lost"}, "kind"),
        ({**SHORTAGE, "lines": {}}, "lines"),
        ({**SHORTAGE, "lines": {"1": "0"}}, "lines.1"),
        ({**SHORTAGE, "lines": {"9": "1"}}, "lines"),  # the order has no line 9
        ({**SHORTAGE, "lines": {"1": "3"}}, "lines"),  # more than the shipment carried
        ({**SHORTAGE, "channel": "pigeon"}, "channel"),
        ({**SHORTAGE, "description": ""}, "description"),
        ({**SHORTAGE, "shipment_ref": "SH-NOPE"}, "shipment_ref"),
        ({**SHORTAGE, "priority": "high"}, "priority"),
        ({k: v for k, v in SHORTAGE.items() if k != "channel"}, "channel"),
    ]
    for body, field in cases:
        status, answer = await api.post(f"/api/orders/{ORDER}/complaints", body)
        assert (status, answer.get("field")) == (422, field), (body, answer)
    await recorded(api)
    status, answer = await api.post(f"/api/orders/{ORDER}/complaints", SHORTAGE)
    assert (status, answer["field"]) == (409, "ref")  # already exists
    # out of order: the state and what it accepts are named
    for event, data in (("answered", REPLY), ("remedy_shipped", {"shipment_ref": "SH-CP-1"}),
                        ("resolved", {"confirmed_by": "Li Lei"})):
        status, body = await api.post("/api/complaints/CP-1/events", {"event": event, "data": data})
        assert status == 409 and body["state"] == "received", (event, body)
        assert body["allowed_events"] == ["investigation_started", "withdrawn"]
    status, body = await api.post("/api/complaints/CP-1/shipments", {"ref": "SH-CP-9"})
    assert status == 409 and body["state"] == "received"
    # bad event data: every bad field named, unknown keys refused
    for event, data, field in [("investigation_started", {}, "data.investigator"),
                               ("investigation_started", {"investigator": "x", "when": "now"}, "data.when"),
                               ("withdrawn", {}, "data.reason")]:
        status, body = await api.post("/api/complaints/CP-1/events", {"event": event, "data": data})
        assert (status, body["field"]) == (422, field), (event, body)
    await api.event("CP-1", "investigation_started", {"investigator": "cs-wang"})
    cases = [
        ({k: v for k, v in REPLY.items() if k != "cause"}, "data.cause"),
        ({k: v for k, v in REPLY.items() if k != "responsibility"}, "data.responsibility"),
        ({**REPLY, "responsibility": {"party": "weather"}}, "data.responsibility.party"),
        ({**REPLY, "remedy": "refund"}, "data.remedy"),
        ({**REPLY, "promised_date": None}, "data"),  # a replenishment needs its date
        ({**REPLY, "promised_date": "2026-03-01"}, "data.promised_date"),  # in the past
        ({**REPLY, "blame": "loader"}, "data.blame"),
    ]
    for data, field in cases:
        status, body = await api.post("/api/complaints/CP-1/events", {"event": "answered", "data": data})
        assert (status, body["field"]) == (422, field), (data, body)
    await api.event("CP-1", "answered", REPLY)
    # the remedy's shipment: one of this order's, made for the complaint
    await delivered_order(api, "SO-CP-3", "SH-CP-3")
    for ref in ("SH-CP-3", "SH-NOPE", "SH-CP-1"):  # another order's, unknown, the one complained of
        status, body = await api.post("/api/complaints/CP-1/events", {"event": "remedy_shipped",
                                                                      "data": {"shipment_ref": ref}})
        assert (status, body["field"]) == (422, "data.shipment_ref"), (ref, body)
    for body, field in (({"lines": {"2": "1"}}, "lines"), ({"lines": {"1": "2"}}, "lines")):
        status, answer = await api.post("/api/complaints/CP-1/shipments", body)
        assert (status, answer["field"]) == (422, field), (body, answer)
    # unknown complaints are not found
    assert (await api.http.get("/api/complaints/NOPE", headers=AUTH)).status == 404
    status, _ = await api.post("/api/complaints/NOPE/events", {"event": "withdrawn", "data": {"reason": "x"}})
    assert status == 404
    status, _ = await api.post("/api/complaints/NOPE/shipments", {})
    assert status == 404
    # and nothing moved on any refusal
    complaint = await api.complaint()
    assert [e["event"] for e in complaint["timeline"]] == ["received", "investigation_started", "answered"]
    assert (await api.order())["open_complaints"] == 1


async def test_the_catalogue_and_the_document_describe_the_complaint(api):
    catalogue = (await api.get("/api/events?entity=complaint"))["complaint"]
    assert catalogue["initial"] == "received" and catalogue["terminal"] == ["resolved", "withdrawn"]
    assert catalogue["states"]["answered"] == {"accepts": ["remedy_shipped", "resolved", "withdrawn"],
                                               "hook": "hub_complaint_answered"}
    assert catalogue["events"]["resolved"]["leads_to"] == {"remedy_shipped": ["resolved"], "answered": ["resolved"]}
    document = await api.get("/api/openapi.json")
    assert {"/api/complaints", "/api/complaints/{ref}", "/api/complaints/{ref}/events",
            "/api/orders/{ref}/complaints", "/api/complaints/{ref}/shipments"} <= set(document["paths"])
    assert "post" not in document["paths"]["/api/complaints"]  # recorded under their order
    assert len(document["components"]["schemas"]["ComplaintEventInput"]["oneOf"]) == 5
