"""Forged, unsigned, stale, future and malformed webhooks: all rejected, nothing stored, never a 5xx."""
from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from hub.core.store.tables import inbound_events

from .web_support import FORM, kuaidi100_push, order_message, sandbox_headers, sandbox_push, signed

FORGED_SECRET = "whsec_" + base64.b64encode(b"an-attacker-guessing-the-secret!!").decode()
BODY = order_message("SO-FORGED")


def orders_case(name: str, now: float) -> tuple[bytes, dict[str, Any]]:
    good = signed(BODY, now=now)
    cases: dict[str, tuple[bytes, dict[str, Any]]] = {
        "forged": (BODY, signed(BODY, now=now, secret=FORGED_SECRET)),
        "unsigned": (BODY, {"content-type": "application/json"}),
        "no signature header": (BODY, {k: v for k, v in good.items() if k != "webhook-signature"}),
        "no id header": (BODY, {k: v for k, v in good.items() if k != "webhook-id"}),
        "stale": (BODY, signed(BODY, now=now, offset_s=-301)),
        "future": (BODY, signed(BODY, now=now, offset_s=301)),
        "garbage signature": (BODY, {**good, "webhook-signature": "garbage"}),
        "v1,a,b": (BODY, {**good, "webhook-signature": "v1,a,b"}),
        "v1 not base64": (BODY, {**good, "webhook-signature": "v1,!!!notbase64"}),
        "v2 only": (BODY, {**good, "webhook-signature": good["webhook-signature"].replace("v1,", "v2,")}),
        "non-UTF-8 signature": (BODY, {**good, "webhook-signature": "v1,\udcff\udcfe".encode(
            "utf-8", "surrogateescape").decode("latin-1")}),
        "timestamp not a number": (BODY, {**good, "webhook-timestamp": "yesterday"}),
        "timestamp huge": (BODY, {**good, "webhook-timestamp": "9" * 40}),
        "body changed after signing": (BODY + b" ", good),
        "signed for another id": (BODY, {**good, "webhook-id": "msg_other"}),
        "empty body": (b"", good),
    }
    return cases[name]


ORDERS_CASES = ["forged", "unsigned", "no signature header", "no id header", "stale", "future", "garbage signature",
                "v1,a,b", "v1 not base64", "v2 only", "non-UTF-8 signature", "timestamp not a number",
                "timestamp huge", "body changed after signing", "signed for another id", "empty body"]


async def nothing_stored(hub: Any) -> bool:
    async with hub.engine.connect() as conn:
        return (await conn.execute(sa.select(sa.func.count()).select_from(inbound_events))).scalar_one() == 0


@pytest.mark.parametrize("case", ORDERS_CASES)
async def test_orders_requests_without_a_valid_fresh_signature_are_401(client, hub, clock, case):
    body, headers = orders_case(case, clock.now().timestamp())
    reply = await client.post("/webhooks/orders", data=body, headers=headers)
    assert reply.status == 401, await reply.text()
    assert (await reply.json())["error"]
    assert await nothing_stored(hub)


SANDBOX_CASES = {
    "forged token": {"x-sandbox-token": "guess", "content-type": "application/json"},
    "no token": {"content-type": "application/json"},
    "empty token": {"x-sandbox-token": ""},
    "non-UTF-8 token": {"x-sandbox-token": "\xff\xfe".encode("latin-1").decode("latin-1")},
    "garbage token": {"x-sandbox-token": "garbage"},
    "v1,a,b token": {"x-sandbox-token": "v1,a,b"},
}


@pytest.mark.parametrize("case", list(SANDBOX_CASES))
async def test_sandbox_pushes_without_the_token_are_401(client, hub, case):
    reply = await client.post("/webhooks/carrier.sandbox", data=sandbox_push(), headers=SANDBOX_CASES[case])
    assert reply.status == 401
    assert await nothing_stored(hub)


KUAIDI100_CASES = {
    "forged": kuaidi100_push(salt="not-the-salt-at-all"),
    "unsigned": kuaidi100_push().split(b"&sign=")[0],
    "garbage sign": kuaidi100_push().split(b"&sign=")[0] + b"&sign=garbage",
    "v1,a,b sign": kuaidi100_push().split(b"&sign=")[0] + b"&sign=v1%2Ca%2Cb",
}


@pytest.mark.parametrize("case", list(KUAIDI100_CASES))
async def test_kuaidi100_pushes_without_a_valid_sign_are_401(client, hub, case):
    reply = await client.post("/webhooks/carrier.kuaidi100", data=KUAIDI100_CASES[case], headers=FORM)
    assert reply.status == 401
    assert await nothing_stored(hub)


MALFORMED_ORDERS = {
    "garbage": b"garbage",
    "non-UTF-8": b"\xff\xfe\x00{",
    "JSON array": b"[1, 2]",
    "JSON string": b'"order"',
    "no type": orjson.dumps({"data": {}}),
    "unknown type": orjson.dumps({"type": "invoice.paid", "data": {}}),
    "unknown event": orjson.dumps({"type": "order.teleported", "data": {"ref": "SO-1"}}),
    "event without ref": orjson.dumps({"type": "order.cancelled", "data": {}}),
    "data not an object": orjson.dumps({"type": "order.created", "data": [1]}),
    "order without lines": orjson.dumps({"type": "order.created", "data": {"customer_code": "C-1", "lines": []}}),
    "event data with an unknown key": orjson.dumps({"type": "order.clarified",
                                                    "data": {"ref": "SO-1", "data": {"spec": "grey"}}}),
    "event data of the wrong type": orjson.dumps({"type": "order.deposit_received",
                                                  "data": {"ref": "SO-1", "data": {"amount": "lots"}}}),
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("case", list(MALFORMED_ORDERS))
async def test_signed_but_malformed_orders_are_400_with_the_reason(client, hub, clock, case):
    body = MALFORMED_ORDERS[case]
    reply = await client.post("/webhooks/orders", data=body, headers=signed(body, now=clock.now().timestamp()))
    assert reply.status == 400
    assert (await reply.json())["error"]
    assert await nothing_stored(hub)


async def test_the_400_names_the_field_of_a_bad_order(client, clock):
    body = orjson.dumps({"type": "order.created", "data": {"customer_code": "C-1", "lines": []}})
    reply = await client.post("/webhooks/orders", data=body, headers=signed(body, now=clock.now().timestamp()))
    assert "data.lines" in (await reply.json())["error"]


async def test_the_400_of_an_order_event_names_the_catalogues_alternatives(client, clock):
    body = orjson.dumps({"type": "order.clarified", "data": {"ref": "SO-1", "data": {"spec": "grey"}}})
    reply = await client.post("/webhooks/orders", data=body, headers=signed(body, now=clock.now().timestamp()))
    assert "data.data.spec: unknown key (allowed: note, contact, specs, quantities, prices)" in (await reply.json())["error"]
    body = orjson.dumps({"type": "order.confirm", "data": {"ref": "SO-1"}})
    reply = await client.post("/webhooks/orders", data=body, headers=signed(body, now=clock.now().timestamp()))
    assert "its events are: clarified, reviewed" in (await reply.json())["error"]


MALFORMED_SANDBOX = {
    "garbage": b"garbage",
    "non-UTF-8": b"\xff\xfe\x00{",
    "JSON array": b"[1, 2]",
    "no events": orjson.dumps({"tracking_number": "SBX-1"}),
    "unknown state": orjson.dumps({"tracking_number": "S", "events": [{"occurred_at": "2026-03-02T10:00:00Z",
                                                                        "state": "teleported"}]}),
    "event id not text": orjson.dumps({"tracking_number": "S", "events": [], "event_id": {"x": 1}}),
    "empty body": b"",
}


@pytest.mark.parametrize("case", list(MALFORMED_SANDBOX))
async def test_sandbox_pushes_that_are_malformed_are_400(client, hub, case):
    reply = await client.post("/webhooks/carrier.sandbox", data=MALFORMED_SANDBOX[case], headers=sandbox_headers())
    assert reply.status == 400, await reply.text()
    assert await nothing_stored(hub)


MALFORMED_KUAIDI100 = {
    "JSON instead of a form": (b'{"param": "x"}', {"content-type": "application/json"}),
    "non-UTF-8 form": (b"param=\xff\xfe&sign=AB", FORM),
    "param not JSON": (b"param=garbage&sign=" + b"0" * 32, FORM),
}


@pytest.mark.parametrize("case", list(MALFORMED_KUAIDI100))
async def test_kuaidi100_pushes_that_are_malformed_are_4xx(client, hub, case):
    body, headers = MALFORMED_KUAIDI100[case]
    reply = await client.post("/webhooks/carrier.kuaidi100", data=body, headers=headers)
    assert reply.status in (400, 401)
    assert await nothing_stored(hub)


@pytest.mark.parametrize("source", ["orders", "carrier.sandbox", "carrier.kuaidi100"])
@pytest.mark.parametrize("headers", [
    {"content-type": "\xff\xfe"},
    {"content-length": "0"},
    {"x-" + "a" * 50: "b" * 4000},
    {"webhook-id": "x" * 4000, "webhook-timestamp": "1", "webhook-signature": "v1," + "A" * 4000},
    {"content-type": "multipart/form-data; boundary=zzz"},
])
async def test_junk_headers_never_cause_a_5xx(client, hub, source, headers):
    reply = await client.post(f"/webhooks/{source}", data=b"", headers=headers)
    assert 400 <= reply.status < 500
    assert await nothing_stored(hub)


async def test_headers_larger_than_the_server_reads_are_a_4xx(client):
    reply = await client.post("/webhooks/orders", data=b"{}", headers={"webhook-signature": "v1," + "A" * 20_000})
    assert 400 <= reply.status < 500

