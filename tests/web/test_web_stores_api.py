"""A new store's setup (000, 新开店备发货流程) through the HTTP API, with the clock driven by the test:
intake to handover, each time rule breaching when its limit passes, events out of order refused,
and a first shipment that leaves back orders keeping the store from handover until they ship.
On SQLite and on PostgreSQL."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from hub.core.config import HubConfig

from .test_web_catalogue import response_schema
from .web_support import AUTH, EntityApi, shanghai, served

DOCUMENTS = ["project_brief", "design_plan", "image_items_list"]
NEW_STORE = {"ref": "ST-API-1", "customer": {"code": "C-ST", "name": "Sun Home Store", "grade": "B"},
             "name": "Sun Home Ningbo", "address": "12 Tianyi Square, Ningbo", "developer": "sd-zhou",
             "allocation": "60 m², living-room line"}
PRODUCTS = [{"code": "SOFA-3", "description": "3-seat sofa", "qty": "4"}, {"code": "TABLE-OAK", "qty": "2"}]
DECOR = [{"code": "VASE-2", "description": "floor vase", "qty": "2"}]


class Api(EntityApi):
    """The HTTP client of one test, the hub behind it and its background work."""

    collection, default_ref = "stores", "ST-API-1"

    async def store(self, ref: str = "ST-API-1") -> dict[str, Any]:
        return await self.entity(ref)


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig, clock: Any,
              tmp_path: Path) -> AsyncIterator[Api]:
    async with served(Api, request.param, "stores", aiohttp_client, config, clock, tmp_path) as api:
        yield api


async def opened(api: Api, ref: str = "ST-API-1", **extra: Any) -> dict[str, Any]:
    status, body = await api.post("/api/stores", {**NEW_STORE, "ref": ref, **extra})
    assert status == 201, body
    return body


async def walk_to(api: Api, state: str, ref: str = "ST-API-1", shipping_date: str = "2026-03-20") -> None:
    """The store moved on from where it is to ``state`` (one of the states before shipping)."""
    path = ["received", "documents_sent", "lists_prepared", "lists_sent", "confirmed"]
    steps = [("documents_sent", {"documents": DOCUMENTS}), ("product_list_prepared", {"lines": PRODUCTS}),
             ("lists_sent", {"decor_items": DECOR}),
             ("confirmed", {"amount": "21000.00", "reference": "BANK-1", "shipping_date": shipping_date})]
    current = path.index((await api.store(ref))["state"])
    for event, data in steps[current:path.index(state)]:
        await api.event(ref, event, data)
    assert (await api.store(ref))["state"] == state


async def test_a_new_store_goes_from_intake_to_handover_through_the_api(api):
    # given store development's data, received on a Monday morning in Shanghai
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    created = await opened(api)
    assert (created["state"], created["event"], created["previous"]) == ("received", "received", None)
    response_schema("/api/stores", "post", 201).validate(created)
    # then the customer record exists and the documents and the product list are due within 1 working day
    customer = await api.get("/api/customers/C-ST")
    assert customer["name"] == "Sun Home Store"
    tuesday = shanghai(2026, 3, 3, 9)
    assert await api.timers() == {"store_documents": tuesday, "store_product_list": tuesday}
    # when the order desk sends the documents, two now and the image-items list later
    moved = await api.event("ST-API-1", "documents_sent", {"documents": ["project_brief", "design_plan"]})
    assert (moved["previous"], moved["state"]) == ("received", "received")
    assert "store_documents" in await api.timers()
    moved = await api.event("ST-API-1", "documents_sent", {
        "documents": ["image_items_list"], "image_items": [{"code": "SIGN-1", "description": "shop sign", "qty": "1"}]})
    assert moved["state"] == "documents_sent"
    # and prepares the product list: store development prepares the decor list, both go out within 2 days
    await api.event("ST-API-1", "product_list_prepared", {"lines": PRODUCTS})
    assert await api.timers() == {"store_lists_to_customer": shanghai(2026, 3, 4, 9)}
    await api.event("ST-API-1", "lists_sent", {"decor_items": DECOR, "channel": "fax"})
    # the customer adds a vase, signed by the store-development manager, confirms, pays, agrees a date
    await api.event("ST-API-1", "lists_changed", {"signed_by": "sd-manager-wu",
                                                  "decor_items": [{**DECOR[0], "qty": "3"}]})
    await api.event("ST-API-1", "confirmed", {"amount": "21000.00", "reference": "BANK-0302",
                                              "shipping_date": "2026-03-13"})
    assert await api.timers() == {"store_shipping_date": shanghai(2026, 3, 13, 18)}  # the end of that day
    # the first shipment carries everything, and the store is handed over to normal ordering
    api.hub.clock.set(shanghai(2026, 3, 13, 11))
    moved = await api.event("ST-API-1", "first_shipped", {"shipment_ref": "SH-ST-1", "order_ref": "SO-ST-1"})
    assert moved["state"] == "fully_shipped"
    moved = await api.event("ST-API-1", "handed_over", {"brief_returned_to": "sd-archive-lin"})
    assert moved["state"] == "handed_over"
    # then the store shows what it collected, no timer left and nothing more to do
    store = await api.store()
    response_schema("/api/stores/{ref}", "get", 200).validate(store)
    assert (store["customer_code"], store["order_ref"], store["allowed_events"]) == ("C-ST", "SO-ST-1", [])
    data = store["data"]
    assert data["documents_sent"] == DOCUMENTS and data["decor_items"][0]["qty"] == "3"
    assert data["changes"][0]["signed_by"] == "sd-manager-wu" and data["shipping_date"] == "2026-03-13"
    assert data["handover"]["kept"] == ["design_floor_plan", "image_items_list"]
    assert store["open_timers"] == []
    assert [e["event"] for e in store["timeline"]] == [
        "received", "documents_sent", "documents_sent", "product_list_prepared", "lists_sent", "lists_changed",
        "confirmed", "first_shipped", "handed_over"]
    await api.runtime.settle()
    assert await api.breaches() == []
    # and the sandbox recorded the letters: finance told, documents, decor list asked for, lists to confirm
    letters = {m["milestone"]: m for m in api.letters()}
    assert {"store_received", "store_documents_sent", "store_decor_list_requested",
            "store_lists_for_confirmation"} <= set(letters)
    assert letters["store_received"]["to"] == "role:finance"
    assert letters["store_documents_sent"]["to"] == "customer:C-ST"
    assert "《专卖店启动立项书》" in letters["store_documents_sent"]["body"]
    assert "VASE-2 × 2" in letters["store_lists_for_confirmation"]["body"]  # the lists as they went out
    assert letters["store_decor_list_requested"]["to"] == "role:store_development"
    handoffs = {(h["plugin"], h["hook"], h["state"]) for h in (await api.store())["handoffs"]}
    assert {("notify.sandbox", f"hub_store_{state}", "done")
            for state in ("received", "documents_sent", "lists_prepared", "lists_sent")} <= handoffs
    # and the list filters
    page = await api.get("/api/stores?state=handed_over&customer=C-ST")
    response_schema("/api/stores", "get", 200).validate(page)
    assert [s["ref"] for s in page["items"]] == ["ST-API-1"]
    assert (await api.get("/api/stores?state=received"))["items"] == []


async def test_back_orders_keep_the_store_from_handover_until_they_ship(api):
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await opened(api)
    await walk_to(api, "confirmed", shipping_date="2026-03-10")
    # when the first shipment cannot carry two lines, planning dates them
    moved = await api.event("ST-API-1", "first_shipped", {"shipment_ref": "SH-ST-1", "back_orders": [
        {"kind": "decor", "code": "VASE-2", "qty": "1", "eta": "2026-03-27"},
        {"kind": "image", "code": "SIGN-1", "qty": "1", "eta": "2026-03-20"}]})
    assert moved["state"] == "back_orders_open"
    assert await api.timers() == {"store_back_order_eta": shanghai(2026, 3, 20, 18)}  # the earliest date
    # then the store cannot be handed over, and says why
    status, body = await api.post("/api/stores/ST-API-1/events", {"event": "handed_over",
                                                                  "data": {"brief_returned_to": "sd-archive-lin"}})
    assert status == 409 and body["state"] == "back_orders_open" and "2 back-order line(s)" in body["error"]
    # the sign ships first: the timer now watches the vase's date, the store still waits
    moved = await api.event("ST-API-1", "back_orders_shipped", {"line_nos": [2], "shipment_ref": "SH-ST-2"})
    assert (moved["previous"], moved["state"]) == ("back_orders_open", "back_orders_open")
    assert await api.timers() == {"store_back_order_eta": shanghai(2026, 3, 27, 18)}
    # a line shipped twice, a line that does not exist, an express without its reason: the caller's mistakes
    for data, field in (({"line_nos": [2]}, "data.line_nos"), ({"line_nos": [9]}, "data.line_nos"),
                        ({"express": True}, "data")):
        status, body = await api.post("/api/stores/ST-API-1/events", {"event": "back_orders_shipped", "data": data})
        assert (status, body["field"]) == (422, field), body
    await api.event("ST-API-1", "handed_over", {"brief_returned_to": "sd-archive-lin"}, expect=409)
    # when the vase goes by express, the store is fully shipped and handed over
    moved = await api.event("ST-API-1", "back_orders_shipped", {
        "express": True, "express_reason": "the store opens on Saturday", "shipment_ref": "SF-ST-3"})
    assert moved["state"] == "fully_shipped"
    assert await api.timers() == {}
    await api.event("ST-API-1", "handed_over", {"brief_returned_to": "sd-archive-lin"})
    store = await api.store()
    assert [(b["line_no"], b["express"], b["shipment_ref"]) for b in store["data"]["back_orders"]] == [
        (1, True, "SF-ST-3"), (2, False, "SH-ST-2")]
    assert store["data"]["shipment_refs"] == ["SH-ST-1", "SH-ST-2", "SF-ST-3"]
    # and the back-order list went to the customer and to planning, with the dates
    await api.runtime.settle()
    owed = [m for m in api.letters() if m["milestone"] == "store_back_orders"]
    assert len(owed) == 1 and owed[0]["to"] == "customer:C-ST,role:planning"
    assert "VASE-2 × 1 (2026-03-27)" in owed[0]["body"] and "SIGN-1 × 1 (2026-03-20)" in owed[0]["body"]


# Each time rule: how far the store is walked, when it starts (Shanghai time), when it is due, who hears.
TIME_RULES = [
    # a Friday intake is due on Monday, not on Saturday
    ("store_documents", "received", shanghai(2026, 3, 6, 10), shanghai(2026, 3, 9, 10), "sales_supervisor"),
    ("store_product_list", "received", shanghai(2026, 3, 6, 10), shanghai(2026, 3, 9, 10), "sales_supervisor"),
    # 2 working days from a Thursday: Friday and Monday
    ("store_lists_to_customer", "lists_prepared", shanghai(2026, 3, 5, 15), shanghai(2026, 3, 9, 15),
     "sales_supervisor"),
    # the agreed shipping date (20 March), by the end of that business day
    ("store_shipping_date", "confirmed", shanghai(2026, 3, 12, 10), shanghai(2026, 3, 20, 18), "sales_supervisor"),
    # planning's date for the back order (27 March)
    ("store_back_order_eta", "back_orders_open", shanghai(2026, 3, 12, 10), shanghai(2026, 3, 27, 18),
     "planning_supervisor"),
]


@pytest.mark.parametrize(("rule", "state", "start", "due", "escalate_to"), TIME_RULES,
                         ids=[r[0] for r in TIME_RULES])
async def test_each_store_time_rule_breaches_once_when_its_limit_passes(api, rule, state, start, due, escalate_to):
    # given a store brought to the state where the rule's clock runs
    api.hub.clock.set(start)
    await opened(api)
    if state == "back_orders_open":
        await walk_to(api, "confirmed")
        await api.event("ST-API-1", "first_shipped", {"back_orders": [
            {"code": "VASE-2", "qty": "1", "eta": "2026-03-27"}]})
    else:
        await walk_to(api, state)
    assert (await api.timers())[rule] == due
    # when the clock stops a minute short of the limit, nothing breaches
    api.hub.clock.set(due)
    api.hub.clock.advance(minutes=-1)
    await api.runtime.settle()
    assert rule not in await api.breaches()
    # then a minute past it, the rule breaches, once, and its owner hears of it
    api.hub.clock.advance(minutes=2)
    await api.runtime.settle()
    api.hub.clock.advance(days=3)
    await api.runtime.settle()
    assert (await api.breaches()).count(rule) == 1
    notices = [m for m in api.letters() if m["milestone"] == "sla_breached" and rule in m["subject"]]
    assert [m["to"] for m in notices] == [f"role:{escalate_to}"]


async def test_the_next_step_on_time_satisfies_the_rule(api):
    api.hub.clock.set(shanghai(2026, 3, 6, 10))  # a Friday
    await opened(api)
    api.hub.clock.set(shanghai(2026, 3, 9, 9))  # Monday, before 10:00
    await walk_to(api, "lists_prepared")
    await api.runtime.settle()
    api.hub.clock.advance(days=30)
    await api.runtime.settle()
    await walk_to(api, "lists_sent")
    assert await api.breaches() == ["store_lists_to_customer"]  # documents and product list were on time


async def test_events_out_of_order_are_409_and_bad_data_is_422(api):
    api.hub.clock.set(shanghai(2026, 3, 2, 9))
    await opened(api)
    # out of order: the state and what it accepts are named
    for event, data in (("lists_sent", {"decor_items": DECOR}), ("product_list_prepared", {"lines": PRODUCTS}),
                        ("confirmed", {"amount": "1", "shipping_date": "2026-03-20"}),
                        ("first_shipped", {}), ("handed_over", {"brief_returned_to": "x"})):
        status, body = await api.post("/api/stores/ST-API-1/events", {"event": event, "data": data})
        assert status == 409 and body["state"] == "received", (event, body)
        assert body["allowed_events"] == ["documents_sent", "cancelled"]
    # bad data: every bad field is named, unknown keys with the allowed ones
    cases = [
        ("documents_sent", {"documents": ["brochure"]}, "data.documents.0"),
        ("documents_sent", {"documents": DOCUMENTS, "sent_by": "mail"}, "data.sent_by"),
        ("cancelled", {}, "data.reason"),
    ]
    for event, data, field in cases:
        status, body = await api.post("/api/stores/ST-API-1/events", {"event": event, "data": data})
        assert (status, body["field"]) == (422, field), body
    await walk_to(api, "lists_sent")
    cases = [
        ("lists_changed", {"decor_items": DECOR}, "data.signed_by"),
        ("lists_changed", {"signed_by": "sd-manager-wu"}, "data"),
        ("confirmed", {"amount": "0", "shipping_date": "2026-03-20"}, "data.amount"),
        ("confirmed", {"amount": "100", "shipping_date": "2026-03-01"}, "data.shipping_date"),  # in the past
        ("confirmed", {"amount": "100", "shipping_date": "soon"}, "data.shipping_date"),
    ]
    for event, data, field in cases:
        status, body = await api.post("/api/stores/ST-API-1/events", {"event": event, "data": data})
        assert (status, body["field"]) == (422, field), (event, data, body)
    await walk_to(api, "confirmed")
    for data, field in (({"back_orders": [{"code": "VASE-2", "qty": "1"}]}, "data.back_orders.0.eta"),
                        ({"back_orders": [{"code": "VASE-2", "qty": "1", "eta": "2026-02-01"}]},
                         "data.back_orders.0.eta")):
        status, body = await api.post("/api/stores/ST-API-1/events", {"event": "first_shipped", "data": data})
        assert (status, body["field"]) == (422, field), body
    await api.event("ST-API-1", "first_shipped", {})
    # once shipped, a store is no longer cancelled
    status, body = await api.post("/api/stores/ST-API-1/events", {"event": "cancelled",
                                                                  "data": {"reason": "changed plans"}})
    assert status == 409 and body["allowed_events"] == ["handed_over"]
    # and nothing moved on any refusal
    events = [e["event"] for e in (await api.store())["timeline"]]
    assert events == ["received", "documents_sent", "product_list_prepared", "lists_sent", "confirmed",
                      "first_shipped"]


async def test_store_intake_is_validated_and_reuses_a_known_customer(api):
    await opened(api)
    cases = [
        ({**NEW_STORE, "ref": "ST-X", "customer": None}, "customer_code"),
        ({**NEW_STORE, "ref": "ST-X", "customer": None, "customer_code": "NOPE"}, "customer_code"),
        ({**NEW_STORE, "ref": "ST-X", "opening_day": "2026-04-01"}, "opening_day"),
        ({k: v for k, v in NEW_STORE.items() if k != "ref"}, "ref"),
    ]
    for body, field in cases:
        status, answer = await api.post("/api/stores", body)
        assert (status, answer["field"]) == (422, field), (body, answer)
    status, answer = await api.post("/api/stores", {**NEW_STORE})
    assert (status, answer["field"]) == (409, "ref")  # already exists
    # a second store of the same customer reuses its record
    await opened(api, "ST-API-2", customer=None, customer_code="C-ST")
    page = await api.get("/api/stores?customer=C-ST")
    assert [s["ref"] for s in page["items"]] == ["ST-API-1", "ST-API-2"]
    reply = await api.http.get("/api/stores/NOPE", headers=AUTH)
    assert reply.status == 404
    status, _ = await api.post("/api/stores/NOPE/events", {"event": "cancelled", "data": {"reason": "x"}})
    assert status == 404
    # a store called off ends its timers
    moved = await api.event("ST-API-2", "cancelled", {"reason": "the landlord withdrew the lease"})
    assert moved["state"] == "cancelled"
    assert await api.timers("ST-API-2") == {}


async def test_the_catalogue_and_the_document_describe_the_store(api):
    catalogue = await api.get("/api/events?entity=store")
    store = catalogue["store"]
    assert store["initial"] == "received" and store["terminal"] == ["cancelled", "handed_over"]
    assert store["states"]["back_orders_open"] == {"accepts": ["back_orders_shipped", "handed_over"],
                                                   "hook": "hub_store_back_orders_open"}
    assert store["events"]["first_shipped"]["leads_to"] == {"confirmed": ["fully_shipped", "back_orders_open"]}
    document = await api.get("/api/openapi.json")
    assert {"/api/stores", "/api/stores/{ref}", "/api/stores/{ref}/events"} <= set(document["paths"])
    body = document["components"]["schemas"]["StoreEventInput"]
    assert len(body["oneOf"]) == 9
