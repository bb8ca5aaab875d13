"""Stored webhooks that fail through the API: listed with their reason, retried once the cause is
fixed, discarded, retried in bulk; who acted is recorded, and /metrics counts them."""
from __future__ import annotations

from typing import Any

import orjson

from hub.core.inbound_admin import readable_body

from .web_support import AUTH, FORM, kuaidi100_push, new_order, sandbox_headers, sandbox_push, signed, user_auth

GHOST = "C-GHOST"  # a customer the shop knows and the hub does not (yet)


def shop_order(ref: str, customer: str) -> bytes:
    """A shop's ``order.created`` naming its customer by code only: applied only if the hub knows it."""
    data = {k: v for k, v in new_order(ref).items() if k != "customer"}
    return orjson.dumps({"type": "order.created", "data": {**data, "customer_code": customer}})


async def post_shop_order(client: Any, clock: Any, ref: str, customer: str = GHOST) -> None:
    body = shop_order(ref, customer)
    headers = signed(body, now=clock.now().timestamp(), msg_id=f"msg_{ref}")
    assert (await client.post("/webhooks/orders", data=body, headers=headers)).status == 202


async def listed(client: Any, query: str = "") -> list[dict[str, Any]]:
    reply = await client.get(f"/api/inbound{query}", headers=AUTH)
    assert reply.status == 200
    return (await reply.json())["items"]


async def show(client: Any, inbound_id: int) -> dict[str, Any]:
    return await (await client.get(f"/api/inbound/{inbound_id}", headers=AUTH)).json()


async def create_customer(client: Any, code: str = GHOST) -> None:
    reply = await client.post("/api/customers", json={"code": code, "name": "Ghost Furniture"}, headers=AUTH)
    assert reply.status == 201


async def order_status(client: Any, ref: str) -> int:
    return (await client.get(f"/api/orders/{ref}", headers=AUTH)).status


async def metric_lines(client: Any) -> set[str]:
    return set((await (await client.get("/metrics")).text()).splitlines())


async def test_a_failed_order_is_listed_then_applied_when_retried_after_the_fix(client, runtime, clock):
    # given a shop order naming a customer the hub does not know, after the background work ran
    await post_shop_order(client, clock, "SO-GHOST-1")
    await runtime.settle()
    # then it is listed as failed with its reason, the order does not exist and /metrics counts it
    [event] = await listed(client, "?state=failed")
    assert event["source"] == "orders" and event["attempts"] == 1 and GHOST in event["error"]
    assert "body" not in event and "headers" not in event  # the list carries no personal data
    assert await order_status(client, "SO-GHOST-1") == 404
    lines = await metric_lines(client)
    assert {'hub_inbound_events{state="failed"} 1.0', 'hub_inbound_events{state="pending"} 0.0'} <= lines
    shown = await show(client, event["id"])
    assert shown["body_format"] == "json" and shown["body"]["data"]["customer_code"] == GHOST
    assert shown["headers"]["webhook-id"] == "msg_SO-GHOST-1" and shown["actions"] == []
    # when ops create the customer and retry the event, naming themselves
    await create_customer(client)
    reply = await client.post(f"/api/inbound/{event['id']}/retry", headers=await user_auth(client, "ops.zhou", "ops"))
    retried = await reply.json()
    assert reply.status == 200 and retried["state"] == "pending"
    assert retried["attempts"] == 1 and GHOST in retried["error"]  # kept until it is applied
    await runtime.settle()
    # then the order exists, the event is processed and shows who retried it
    assert await order_status(client, "SO-GHOST-1") == 200
    shown = await show(client, event["id"])
    assert (shown["state"], shown["attempts"], shown["error"]) == ("processed", 2, None)
    assert [(a["action"], a["actor"]) for a in shown["actions"]] == [("retry", "ops.zhou")]
    assert 'hub_inbound_events{state="failed"} 0.0' in await metric_lines(client)
    # and a processed event can be neither retried nor discarded
    for action in ("retry", "discard"):
        reply = await client.post(f"/api/inbound/{event['id']}/{action}", headers=AUTH)
        assert reply.status == 409 and (await reply.json())["state"] == "processed"


async def test_unknown_events_are_404_and_bad_filters_422(client):
    for inbound_id in (424242, 10**18 - 1):  # the second would overflow a 32-bit id column
        assert (await client.get(f"/api/inbound/{inbound_id}", headers=AUTH)).status == 404
        for action in ("retry", "discard"):
            assert (await client.post(f"/api/inbound/{inbound_id}/{action}", headers=AUTH)).status == 404
    for query in ("?state=lost", "?limit=0", "?sauce=orders", "?source="):
        assert (await client.get(f"/api/inbound{query}", headers=AUTH)).status == 422
    for query in ("?source=", "?limit=5", "?source=a&source=b"):
        assert (await client.post(f"/api/inbound/retry{query}", headers=AUTH)).status == 422


async def test_a_discarded_event_is_never_applied_until_retried(client, runtime, clock):
    # given a pending shop order that ops discard, and then its customer created
    await post_shop_order(client, clock, "SO-GHOST-2")
    [event] = await listed(client, "?state=pending")
    reply = await client.post(f"/api/inbound/{event['id']}/discard", headers=AUTH)
    assert reply.status == 200 and (await reply.json())["state"] == "discarded"
    await create_customer(client)
    await runtime.settle()
    # then it is not applied, and cannot be discarded twice
    assert await order_status(client, "SO-GHOST-2") == 404
    assert (await show(client, event["id"]))["state"] == "discarded"
    assert (await client.post(f"/api/inbound/{event['id']}/discard", headers=AUTH)).status == 409
    # when it is retried it is applied like a fresh one, and both actions are on record
    assert (await client.post(f"/api/inbound/{event['id']}/retry", headers=AUTH)).status == 200
    await runtime.settle()
    assert await order_status(client, "SO-GHOST-2") == 200
    shown = await show(client, event["id"])
    assert shown["state"] == "processed"
    assert [(a["action"], a["actor"]) for a in shown["actions"]] == [("discard", "tester"), ("retry", "tester")]


async def test_a_failed_event_can_be_discarded(client, runtime, clock):
    await post_shop_order(client, clock, "SO-NOBODY-1", customer="C-NOBODY")
    await runtime.settle()
    [event] = await listed(client, "?state=failed")
    reply = await client.post(f"/api/inbound/{event['id']}/discard", headers=AUTH)
    discarded = await reply.json()
    assert reply.status == 200 and discarded["state"] == "discarded" and "C-NOBODY" in discarded["error"]
    assert [e["id"] for e in await listed(client, "?state=discarded")] == [event["id"]]
    assert await listed(client, "?state=failed") == []


async def test_bulk_retry_puts_every_failed_event_of_a_source_back(client, runtime, clock):
    # given three failed shop orders: two for the ghost customer, one for a customer nobody creates
    for ref, customer in (("SO-BULK-1", GHOST), ("SO-BULK-2", GHOST), ("SO-BULK-3", "C-NOBODY")):
        await post_shop_order(client, clock, ref, customer)
    await runtime.settle()
    failed = await listed(client, "?state=failed")
    assert len(failed) == 3 and [e["id"] for e in failed] == sorted((e["id"] for e in failed), reverse=True)
    # when ops retry another source's failures nothing moves; then every failed one, after the fix
    reply = await client.post("/api/inbound/retry?source=carrier.sandbox", headers=AUTH)
    assert reply.status == 200 and await reply.json() == {"retried": 0}
    await create_customer(client)
    reply = await client.post("/api/inbound/retry?source=orders", headers=await user_auth(client, "ops.zhou", "ops"))
    assert await reply.json() == {"retried": 3}
    await runtime.settle()
    # then the ghost's orders exist; the third failed again, counted, with one action per retry
    assert [await order_status(client, ref) for ref in ("SO-BULK-1", "SO-BULK-2", "SO-BULK-3")] == [200, 200, 404]
    [again] = await listed(client, "?state=failed")
    shown = await show(client, again["id"])
    assert shown["attempts"] == 2 and "C-NOBODY" in shown["error"]
    assert [(a["action"], a["actor"]) for a in shown["actions"]] == [("retry", "ops.zhou")]
    assert await (await client.post("/api/inbound/retry", headers=AUTH)).json() == {"retried": 1}


async def test_bodies_are_shown_as_json_or_text_and_credentials_stay_redacted(client, runtime):
    await client.post("/webhooks/carrier.sandbox", data=sandbox_push(), headers=sandbox_headers())
    await client.post("/webhooks/carrier.kuaidi100", data=kuaidi100_push(), headers=FORM)
    await runtime.settle()
    [sandbox] = await listed(client, "?source=carrier.sandbox")
    [kuaidi100] = await listed(client, "?source=carrier.kuaidi100&limit=1")
    shown = await show(client, sandbox["id"])
    assert shown["body_format"] == "json" and shown["body"]["tracking_number"] == "SBX-1"
    assert shown["headers"]["x-sandbox-token"] == "[redacted]"
    shown = await show(client, kuaidi100["id"])
    assert shown["body_format"] == "text" and shown["body"].startswith("param=")


def test_a_body_that_is_not_utf8_is_shown_with_replacement_characters():
    assert readable_body(b"caf\xe9 {") == {"body": "caf\ufffd {", "body_format": "text"}
    assert readable_body(b"") == {"body": "", "body_format": "text"}
    assert readable_body(b'{"a": [1]}') == {"body": {"a": [1]}, "body_format": "json"}
