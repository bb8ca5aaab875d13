"""The API teaches itself: a client that knows only the OpenAPI document, ``GET /api/events`` and
``allowed_events`` drives an order from intake to closed, a claim to paid and a return to completed.

The walker below plans each step from the catalogue (shortest path over ``leads_to``), sends the
catalogue's example data, and re-plans when a guard says no (409). Every body it sends is first
checked against the document's request schema: nothing here comes from the hub's source.
"""
from __future__ import annotations

from collections import deque
from typing import Any

import jsonschema_rs
import orjson
import pytest

from hub.web.openapi import document_bytes

from .web_support import AUTH

DOCUMENT = orjson.loads(document_bytes())


def request_schema(path: str) -> Any:
    ref = DOCUMENT["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({**ref, "components": DOCUMENT["components"]})


def response_schema(path: str, method: str, status: int) -> Any:
    schema = DOCUMENT["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({**schema, "components": DOCUMENT["components"]})


class Client:
    """An API user who reads nothing but the document and what the hub answers."""

    def __init__(self, http: Any) -> None:
        self.http = http
        self.catalogue: dict[str, Any] = {}
        self.sent: list[tuple[str, str, str]] = []

    async def post(self, template: str, path: str, body: Any) -> tuple[int, Any]:
        request_schema(template).validate(body)  # the document says this body is well formed
        reply = await self.http.post(path, json=body, headers=AUTH)
        return reply.status, await reply.json()

    async def get(self, path: str) -> Any:
        reply = await self.http.get(path, headers=AUTH)
        assert reply.status == 200, await reply.text()
        return await reply.json()

    async def load_catalogue(self) -> None:
        self.catalogue = await self.get("/api/events")

    def plan(self, entity: str, state: str, goal: str, refused: set[tuple[str, str]]) -> list[tuple[str, str]]:
        """Shortest (state, event) path to ``goal`` over the events the catalogue says lead there."""
        events = self.catalogue[entity]["events"]
        queue, seen = deque([(state, [])]), {state}
        while queue:
            current, path = queue.popleft()
            if current == goal:
                return path
            accepts = self.catalogue[entity]["states"][current]["accepts"]
            # What the client can send itself first; the hub's own events only when nothing else leads on.
            for name in sorted(accepts, key=lambda n: "api" not in events[n]["sent_by"]):
                if (current, name) in refused:
                    continue
                for target in events[name]["leads_to"][current]:
                    if target not in seen:
                        seen.add(target)
                        queue.append((target, [*path, (current, name)]))
        raise AssertionError(f"the catalogue offers no way from {state} to {goal} for a {entity}")

    async def walk(self, entity: str, plural: str, ref: str, goal: str, hub_steps: Any) -> dict[str, Any]:
        """Send events until ``goal``; ``hub_steps`` does what an event sent by the hub asks for."""
        refused: set[tuple[str, str]] = set()
        retried: set[tuple[str, str]] = set()
        for _ in range(40):
            view = await self.get(f"/api/{plural}/{ref}")
            state = view["standing" if entity == "customer" else "state"]
            if state == goal:
                return view
            (_, name), *_ = self.plan(entity, state, goal, refused)
            assert name in view["allowed_events"], (state, name, view["allowed_events"])
            spec = self.catalogue[entity]["events"][name]
            if "api" not in spec["sent_by"]:
                await hub_steps(name, view)  # e.g. "shipped": the meaning says to create a shipment
                continue
            template = f"/api/{plural}/{{{'code' if entity == 'customer' else 'ref'}}}/events"
            status, body = await self.post(template, f"/api/{plural}/{ref}/events",
                                           {"event": name, "data": spec["example"]})
            if status == 409:  # a guard refused, and said why: plan around it
                assert body["state"] == state and name in body["allowed_events"], body
                # ... or do first what it names, when that is one of the state's own events (a claim's
                # report before the manager signs: "send report_issued first")
                waited_for = [n for n in view["allowed_events"] if f"send {n} first" in body["error"]
                              and self.catalogue[entity]["events"][n]["leads_to"][state] == [state]]
                if waited_for and (state, name) not in retried:
                    retried.add((state, name))
                    status, body = await self.post(template, f"/api/{plural}/{ref}/events",
                                                   {"event": waited_for[0],
                                                    "data": self.catalogue[entity]["events"][waited_for[0]]["example"]})
                    assert status == 200, body
                    self.sent.append((entity, waited_for[0], body["state"]))
                    continue
                refused.add((state, name))
                continue
            assert status == 200, body
            response_schema(template, "post", 200).validate(body)
            self.sent.append((entity, name, body["state"]))
        raise AssertionError(f"{entity} {ref} did not reach {goal}")


ORDER = {"ref": "SO-DOC-1", "customer": {"code": "C-DOC", "name": "Reads The Docs Ltd", "grade": "B"},
         "lines": [{"product_code": "SOFA-3", "spec": "3-seat", "qty": 2, "unit_price": "4200"}],
         "contact": {"name": "Li Lei", "phone": "+86 138 0000 0001", "address": "1 Harbour Rd"}}


async def test_a_client_drives_order_claim_and_return_from_the_catalogue_alone(client):
    user = Client(client)
    await user.load_catalogue()
    status, _ = await user.post("/api/orders", "/api/orders", ORDER)
    assert status == 201

    async def ship_the_order(event: str, view: dict[str, Any]) -> None:
        if event == "shipped":  # "create a shipment with POST /api/orders/{ref}/shipments"
            booking = user.catalogue["shipment"]["events"]["booked"]["example"]
            status, body = await user.post("/api/orders/{ref}/shipments", f"/api/orders/{view['ref']}/shipments",
                                           {"ref": "SH-DOC-1", **booking})
            assert status == 201, body
        elif event == "delivered":  # the hub delivers the order when its shipments are delivered
            await user.walk("shipment", "shipments", "SH-DOC-1", "delivered", ship_the_order)
        else:
            raise AssertionError(f"no way to make the hub send {event}")

    await user.walk("order", "orders", "SO-DOC-1", "delivered", ship_the_order)
    # a damage claim inside the inspection window, driven to paid and then closed
    status, claim = await user.post("/api/claims", "/api/claims",
                                    {"ref": "CL-DOC-1", "order_ref": "SO-DOC-1", "kind": "damage",
                                     "amount_claimed": "300"})
    assert status == 201, claim
    await user.walk("claim", "claims", "CL-DOC-1", "paid", ship_the_order)
    await user.walk("claim", "claims", "CL-DOC-1", "closed", ship_the_order)
    # a return and refund of the goods, to completed
    status, request = await user.post("/api/returns", "/api/returns",
                                      {"ref": "RT-DOC-1", "order_ref": "SO-DOC-1", "type": "return_refund",
                                       "reason": "wrong colour", "address": "1 Harbour Rd"})
    assert status == 201, request
    returned = await user.walk("return", "returns", "RT-DOC-1", "completed", ship_the_order)
    order = await user.walk("order", "orders", "SO-DOC-1", "closed", ship_the_order)

    # a completed request still records goodwill and the follow-up call (003), nothing that moves it
    assert order["allowed_events"] == ["erp_recorded"]
    assert returned["allowed_events"] == ["goodwill_granted", "followed_up", "erp_recorded"]
    assert [e for e in user.sent if e[0] == "order"][:3] == [
        ("order", "reviewed", "reviewed"), ("order", "confirmation_sent", "awaiting_confirmation"),
        ("order", "confirmation_received", "awaiting_payment")]  # "released" was refused: grade B
    assert ("claim", "gm_approved", "approved") in user.sent and ("claim", "paid", "paid") in user.sent
    # the guards named what they waited for: the claim report before the manager, the debt check before payment
    assert ("claim", "report_issued", "settlement_proposed") in user.sent
    assert ("claim", "debt_checked", "approved") in user.sent
    assert ("return", "refunded", "completed") in user.sent


async def test_the_catalogue_lists_per_state_what_is_accepted_with_each_data_schema(client):
    catalogue = await (await client.get("/api/events", headers=AUTH)).json()
    assert set(catalogue) == {"order", "shipment", "claim", "return", "customer", "store", "complaint",
                              "repair_batch"}
    received = catalogue["order"]["states"]["received"]
    assert received == {"accepts": ["clarified", "reviewed", "cancelled", "rejected", "erp_recorded"],
                        "hook": "hub_order_received"}
    clarified = catalogue["order"]["events"]["clarified"]
    assert clarified["data_schema"]["additionalProperties"] is False
    assert set(clarified["data_schema"]["properties"]) == {"note", "contact", "specs", "quantities", "prices"}
    assert clarified["hooks"] == ["hub_order_received"] and clarified["sent_by"] == ["api"]
    reviewed = catalogue["order"]["events"]["reviewed"]
    assert reviewed["leads_to"] == {"received": ["received", "price_escalated", "reviewed"]}
    only_orders = await (await client.get("/api/events?entity=order", headers=AUTH)).json()
    assert list(only_orders) == ["order"]
    reply = await client.get("/api/events?entity=orders", headers=AUTH)
    assert reply.status == 422 and (await reply.json())["field"] == "entity"


async def test_a_wrong_data_key_is_refused_naming_the_allowed_keys(client):
    await client.post("/api/orders", json=ORDER, headers=AUTH)
    reply = await client.post("/api/orders/SO-DOC-1/events", headers=AUTH,
                              json={"event": "clarified", "data": {"spec": "3-seat, grey"}})
    body = await reply.json()
    assert reply.status == 422
    assert body["errors"] == [{"field": "data.spec", "message": "unknown key",
                               "allowed": ["note", "contact", "specs", "quantities", "prices"]}]
    assert "allowed: note, contact, specs, quantities, prices" in body["error"]
    view = await (await client.get("/api/orders/SO-DOC-1", headers=AUTH)).json()
    assert [e["event"] for e in view["timeline"]] == ["received"]  # nothing changed


async def test_every_bad_field_is_named_at_once(client):
    await client.post("/api/orders", json=ORDER, headers=AUTH)
    reply = await client.post("/api/orders/SO-DOC-1/events", headers=AUTH, json={
        "event": "reviewed", "data": {"lines": [{"line_no": "x", "available_qty": "-1", "eta": "soon"}],
                                      "special_review": "maybe"}})
    body = await reply.json()
    assert reply.status == 422
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"data.lines.0.line_no", "data.lines.0.available_qty", "data.lines.0.eta",
                      "data.special_review"}
    eta = next(e for e in body["errors"] if e["field"] == "data.lines.0.eta")
    assert eta["allowed"] == ["note", "line_no", "available_qty", "back_order_eta", "list_price", "on_hand"]


async def test_an_unknown_line_is_refused_not_skipped(client):
    await client.post("/api/orders", json=ORDER, headers=AUTH)
    reply = await client.post("/api/orders/SO-DOC-1/events", headers=AUTH,
                              json={"event": "clarified", "data": {"specs": {"7": "grey"}}})
    body = await reply.json()
    assert reply.status == 422 and body["field"] == "data.specs" and "has no line 7" in body["error"]


@pytest.mark.parametrize(("event", "message"), [
    ("confirm", "order has no event 'confirm'; its events are: clarified, reviewed"),
    ("released", "in state 'received' does not accept event 'released'; it accepts: clarified, reviewed, "
                 "cancelled, rejected, erp_recorded")])
async def test_an_unknown_or_illegal_event_names_the_alternatives(client, event, message):
    await client.post("/api/orders", json=ORDER, headers=AUTH)
    reply = await client.post("/api/orders/SO-DOC-1/events", headers=AUTH, json={"event": event})
    body = await reply.json()
    assert message in body["error"]
    if event == "confirm":
        assert reply.status == 422 and body["errors"][0]["allowed"][:2] == ["clarified", "reviewed"]
    else:
        assert reply.status == 409 and body["allowed_events"] == ["clarified", "reviewed", "cancelled",
                                                                  "rejected", "erp_recorded"]


async def test_the_document_types_each_events_route_as_a_oneof_over_its_events(client):
    body = DOCUMENT["components"]["schemas"]["OrderEventInput"]
    assert body["discriminator"]["propertyName"] == "event"
    assert len(body["oneOf"]) == len(body["discriminator"]["mapping"]) == 26
    paid = DOCUMENT["components"]["schemas"]["OrderDepositReceivedEvent"]
    assert paid["required"] == ["event", "data"] and paid["examples"][0]["data"]["amount"] == "1260.00"
    check = request_schema("/api/orders/{ref}/events")
    assert check.is_valid({"event": "confirmation_sent"})
    assert not check.is_valid({"event": "deposit_received"})  # its data (the amount) is required
    assert not check.is_valid({"event": "clarified", "data": {"spec": "x"}})
