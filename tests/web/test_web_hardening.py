"""Inputs a sender can craft get a 4xx and change nothing, on SQLite and PostgreSQL alike."""
from __future__ import annotations

import ast
import asyncio
import typing
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from aiohttp import web
from annotated_types import MaxLen
from structlog.testing import capture_logs

from hub.app import create_app
from hub.core import catalogue
from hub.core.domain.inputs import NewOrderLine
from hub.core.service import Hub
from hub.core.store import tables as t
from hub.core.store.tables import inbound_events, orders
from hub.web.api import KINDS
from hub.web.connections import start_site

from .web_support import AUTH, new_order, sandbox_headers, sandbox_push, signed


async def stored(hub: Hub) -> tuple[int, int]:
    async with hub.engine.connect() as conn:
        return ((await conn.scalar(sa.select(sa.func.count()).select_from(inbound_events))),
                (await conn.scalar(sa.select(sa.func.count()).select_from(orders))))


@pytest.mark.parametrize("target", ["/api/orders/%00", "/api/orders/SO-%00-1/events", "/api/orders?state=%00",
                                    "/api/handoffs?plugin=a%00b", "/webhooks/orders%00"])
async def test_a_nul_in_a_path_or_query_is_422_before_any_query(served, target):
    client, hub = served
    reply = await client.get(target, headers=AUTH)
    assert reply.status == 422
    assert "NUL" in (await reply.json())["error"]
    reply = await client.post(target, data=b"{}", headers={**AUTH, "content-type": "application/json"})
    assert reply.status == 422
    assert await stored(hub) == (0, 0)


BROKEN_GZIP = b"\x1f\x8b\x08\x00" + b"not really gzip"


@pytest.mark.parametrize("path", ["/api/orders", "/webhooks/orders"])
async def test_a_body_that_is_not_valid_gzip_is_400_and_closes_the_connection(served, path, caplog):
    client, hub = served
    reply = await client.post(path, data=BROKEN_GZIP, headers={**AUTH, "Content-Type": "application/json",
                                                               "Content-Encoding": "gzip"})
    assert (reply.status, (await reply.json())["error"]) == (400, "the body is not valid gzip")
    # aiohttp's parser cannot go on on that connection: the answer says so, and aiohttp logs no traceback
    assert reply.headers["Connection"].lower() == "close"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert await stored(hub) == (0, 0)


async def raw_request(client: Any, head: str, body: bytes = b"") -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(head.encode() + b"\r\n\r\n" + body)
    await writer.drain()
    return reader, writer


def post_head(path: str, length: int) -> str:
    return "\r\n".join((f"POST {path} HTTP/1.1", "Host: hub", f"Authorization: {AUTH['Authorization']}",
                        "Content-Type: application/json", f"Content-Length: {length}"))


@pytest.mark.parametrize(("path", "status"), [("/api/orders", 413), ("/webhooks/orders", 413),
                                              ("/webhooks/no-such-source", 404)])
async def test_a_declared_body_over_the_limit_is_refused_from_the_head_alone(served, path, status):
    client, hub = served
    # given a head declaring 100 MiB and not one byte of the body
    reader, writer = await raw_request(client, post_head(path, 100 * 1024 * 1024))
    try:
        # then the answer comes at once, without waiting for the body (webhooks: unknown source first)
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    finally:
        writer.close()
    assert answer.startswith(f"HTTP/1.1 {status}".encode())
    assert await stored(hub) == (0, 0)


async def test_a_sender_hanging_up_mid_body_is_one_info_line_not_a_500(config, clock, caplog):
    # a server as `hub serve` runs it: aiohttp's test server cancels the handler instead
    app = create_app(config, clock=clock, run_background=False)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    server, guard = await start_site(runner, "127.0.0.1", 0, max_connections=10, header_timeout_s=5,
                                     request_timeout_s=5)
    try:
        with capture_logs() as logs:
            # given a head declaring 1,000 bytes, ten of them, and the sender gone
            reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname()[:2])
            writer.write(post_head("/api/orders", 1000).encode() + b"\r\n\r\n" + b'{"ref": "S')
            await writer.drain()
            await asyncio.sleep(0.1)
            writer.close()
            for _ in range(50):
                if any(e["event"] == "http.client_disconnected" for e in logs):
                    break
                await asyncio.sleep(0.05)
        # then one info line says so, and nothing is logged as the hub's fault
        assert [(e["event"], e["log_level"]) for e in logs if e["event"].startswith("http.")] == [
            ("http.client_disconnected", "info")]
        assert "exc_info" not in next(e for e in logs if e["event"] == "http.client_disconnected")
        assert not [r for r in caplog.records if r.levelname == "ERROR"]
    finally:
        server.close()
        await guard.stop()
        await runner.cleanup()


async def test_event_data_the_catalogue_refuses_is_422_naming_the_field(served):
    # (reported as a 500: a log call on this path passed ``event=`` beside structlog's own event)
    client, hub = served
    assert (await client.post("/api/orders", json=new_order(), headers=AUTH)).status == 201
    reply = await client.post("/api/orders/SO-WEB-1/events", headers=AUTH,
                              json={"event": "reviewed", "data": {"lines": [{"line_no": "x"}]}})
    assert (reply.status, (await reply.json())["field"]) == (422, "data.lines.0.line_no")


def test_no_log_call_passes_event_as_a_keyword():
    """structlog's first argument is ``event``: ``log.info("x", event=...)`` is a TypeError at run time."""
    levels = {"debug", "info", "warning", "error", "exception", "critical", "msg"}
    root = Path(__file__).resolve().parents[2]
    offending = [f"{path}:{node.lineno}" for path in (*(root / "hub").rglob("*.py"), *(root / "plugins").rglob("*.py"))
                 for node in ast.walk(ast.parse(path.read_text()))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                 and node.func.attr in levels and any(k.arg == "event" for k in node.keywords)]
    assert offending == []


def order_with_contact_name(name: str) -> dict[str, Any]:
    order = new_order()
    return {**order, "contact": {**order["contact"], "name": name}}


@pytest.mark.parametrize(("body", "field"), [
    (order_with_contact_name("Li\u0000Lei"), "contact.name"),
    ({**new_order(), "lines": [{**new_order()["lines"][0], "spec": "grey\u0000"}]}, "lines.0.spec"),
    ({**new_order(), "no\u0000such": 1}, "no\\u0000such"),
])
async def test_a_nul_in_a_json_text_is_422_naming_the_field(served, body, field):
    client, hub = served
    reply = await client.post("/api/orders", json=body, headers=AUTH)
    answer = await reply.json()
    assert (reply.status, answer["field"]) == (422, field) and "NUL" in answer["error"]
    assert await stored(hub) == (0, 0)
    # while an escaped backslash before u0000 is text like any other
    reply = await client.post("/api/orders", json=order_with_contact_name("Li\\u0000Lei"), headers=AUTH)
    assert reply.status == 201


async def test_a_nul_in_event_data_is_422(served):
    client, hub = served
    assert (await client.post("/api/orders", json=new_order(), headers=AUTH)).status == 201
    reply = await client.post("/api/orders/SO-WEB-1/events", headers=AUTH,
                              json={"event": "rejected", "data": {"reason": "no\u0000stock"}})
    assert (reply.status, (await reply.json())["field"]) == (422, "data.reason")


async def test_a_nul_in_a_webhook_payload_is_400_at_ingest(served, clock):
    client, hub = served
    # a shop order (signed: the signature is checked before the payload)
    body = orjson.dumps({"type": "order.created", "data": order_with_contact_name("Li\u0000Lei")})
    reply = await client.post("/webhooks/orders", data=body, headers=signed(body, now=clock.now().timestamp()))
    assert reply.status == 400 and "data.contact.name" in (await reply.json())["error"]
    # a carrier's push: what its plugin read is checked, whatever the push's format
    reply = await client.post("/webhooks/carrier.sandbox", data=sandbox_push("SBX-\u0000"), headers=sandbox_headers())
    assert reply.status == 400 and "tracking_number" in (await reply.json())["error"]
    # nothing stored, so the inbox never fails on it (PostgreSQL would, on every attempt)
    assert await stored(hub) == (0, 0)


async def test_an_erp_ref_longer_than_its_column_is_422_on_both_backends(served):
    client, hub = served
    assert (await client.post("/api/orders", json=new_order(), headers=AUTH)).status == 201
    reply = await client.post("/api/orders/SO-WEB-1/events", headers=AUTH,
                              json={"event": "erp_recorded", "data": {"erp_ref": "E" * 65}})
    assert (reply.status, (await reply.json())["field"]) == (422, "data.erp_ref")


def _max_length(field: Any) -> int | None:
    """The longest text a field takes: its max_length, or its longest literal; None: unbounded."""
    literals = [v for arg in (field.annotation, *typing.get_args(field.annotation))
                if typing.get_origin(arg) is typing.Literal for v in typing.get_args(arg)]
    if literals:
        return max(len(str(v)) for v in literals)
    return next((m.max_length for m in field.metadata if isinstance(m, MaxLen)), None)


def test_every_input_stored_in_a_bounded_column_is_bounded_alike():
    """SQLite stores a String(64) of any length, PostgreSQL refuses it with a 500: the models must
    refuse first. Event fields stored on columns (``Event.stores``) and creation inputs named like a
    column of their entity's table are compared with the column."""
    tables = {"order": t.orders, "shipment": t.shipments, "claim": t.claims, "return": t.returns,
              "customer": t.customers, "store": t.store_openings, "complaint": t.complaints,
              "repair_batch": t.repair_batches}
    pairs = [(spec.data, name, tables[entity].c[name]) for entity in tables
             for spec in catalogue.lifecycle(entity).declared.values() for name in spec.stores]
    pairs += [(kind.new, name, tables[kind.entity].c[name]) for kind in KINDS.values() if kind.new is not None
              for name in kind.new.model_fields if name in tables[kind.entity].c]
    pairs += [(NewOrderLine, "product_code", t.stock_promises.c.product_code)]
    unbounded = [f"{model.__name__}.{name} > {column}" for model, name, column in pairs
                 if isinstance(column.type, sa.String) and column.type.length is not None
                 and not (_max_length(model.model_fields[name]) or 10**9) <= column.type.length]
    assert unbounded == []


@pytest.mark.parametrize("path", ["/api/handoffs/{}", "/api/handoffs/{}/retry", "/api/handoffs/{}/discard",
                                  "/api/inbound/{}", "/api/inbound/{}/retry", "/api/inbound/{}/discard"])
async def test_an_id_past_the_32_bit_column_is_404(served, path):
    client, hub = served
    for number in (2**31, 99999999999, 10**18 - 1):
        method = client.get if path.endswith("}") else client.post
        reply = await method(path.format(number), headers=AUTH)
        assert reply.status == 404, await reply.text()
        assert (await reply.json())["error"].endswith("not found")
