"""``POST /webhooks/{source}``: every status a sender can meet, for every enabled source."""
from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from hub.app import create_app
from hub.core.config import HubConfig
from hub.core.store.tables import inbound_events
from hub.web import keys

from .web_support import (
    AUTH,
    FORM,
    PLUGINS,
    EntityApi,
    kuaidi100_push,
    make_config,
    order_message,
    sandbox_headers,
    sandbox_push,
    served,
    signed,
)


async def stored(hub: Any, source: str | None = None) -> list[dict[str, Any]]:
    query = sa.select(inbound_events).order_by(inbound_events.c.id)
    if source:
        query = query.where(inbound_events.c.source == source)
    async with hub.engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(query)).mappings()]


def valid_request(source: str, now: float, n: int = 1) -> tuple[bytes, dict[str, str]]:
    """A correct request of each source, distinct per ``n``."""
    if source == "orders":
        body = order_message(f"SO-SHOP-{n}")
        return body, signed(body, now=now, msg_id=f"msg_{n}")
    if source == "carrier.sandbox":
        return sandbox_push(f"SBX-{n}", event_id=f"evt-{n}"), sandbox_headers()
    return kuaidi100_push(f"SF{n:04d}"), FORM


SOURCES = ["orders", "carrier.sandbox", "carrier.kuaidi100"]


@pytest.mark.parametrize("source", SOURCES)
async def test_a_valid_event_is_stored_once_and_acknowledged_even_when_redelivered(client, hub, clock, source):
    # given a correct request of the source
    body, headers = valid_request(source, clock.now().timestamp())
    # when the sender delivers it three times
    replies = [await client.post(f"/webhooks/{source}", data=body, headers=headers) for _ in range(3)]
    # then every delivery gets the same 2xx and exactly one event is stored
    assert {r.status for r in replies} <= {200, 202}
    assert len({await r.read() for r in replies}) == 1
    rows = await stored(hub, source)
    assert len(rows) == 1 and rows[0]["body"] == body and rows[0]["state"] == "pending"


async def test_orders_answer_202_accepted_and_the_order_appears_after_processing(client, hub, runtime, clock):
    body, headers = valid_request("orders", clock.now().timestamp(), 7)
    reply = await client.post("/webhooks/orders", data=body, headers=headers)
    assert reply.status == 202 and await reply.json() == {"status": "accepted"}
    await runtime.settle()
    order = await (await client.get("/api/orders/SO-SHOP-7", headers=AUTH)).json()
    assert order["source"] == "shop" and order["timeline"][0]["event"] == "received"


async def test_kuaidi100_gets_its_own_json_reply(client, clock):
    reply = await client.post("/webhooks/carrier.kuaidi100", data=kuaidi100_push(), headers=FORM)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert (await reply.json())["returnCode"] == "200"


async def test_a_sandbox_push_without_an_id_is_deduplicated_by_its_body(client, hub):
    body = sandbox_push("SBX-9", event_id=None)
    for _ in range(2):
        assert (await client.post("/webhooks/carrier.sandbox", data=body, headers=sandbox_headers())).status == 202
    [row] = await stored(hub, "carrier.sandbox")
    assert row["dedupe_key"].startswith("sha256:")


async def test_stored_headers_are_lower_cased_and_credentials_are_not_kept(client, hub):
    await client.post("/webhooks/carrier.sandbox", data=sandbox_push(), headers=sandbox_headers())
    [row] = await stored(hub)
    assert row["headers"]["content-type"] == "application/json"
    assert row["headers"]["x-sandbox-token"] == "[redacted]"


async def test_the_rotated_out_secret_still_verifies(client, hub, clock):
    from .web_support import ORDERS_OLD_SECRET
    body = order_message("SO-ROT")
    reply = await client.post("/webhooks/orders", data=body,
                              headers=signed(body, now=clock.now().timestamp(), secret=ORDERS_OLD_SECRET))
    assert reply.status == 202


async def test_many_concurrent_events_are_all_stored(client, hub, clock):
    # given 60 distinct sandbox pushes and 60 shop orders sent at once (several per group commit)
    now = clock.now().timestamp()
    requests = [valid_request(s, now, n) for n in range(60) for s in ("orders", "carrier.sandbox")]
    sources = [s for n in range(60) for s in ("orders", "carrier.sandbox")]
    replies = await asyncio.gather(*(client.post(f"/webhooks/{s}", data=b, headers=h)
                                     for s, (b, h) in zip(sources, requests, strict=True)))
    # then every one was acknowledged after it was stored
    assert {r.status for r in replies} == {202}
    assert len(await stored(hub)) == 120


@pytest.mark.parametrize("source", ["nope", "carrier.dhl", "erp.sandbox", "notify.sandbox", "a" * 300])
async def test_unknown_or_disabled_sources_are_404(client, hub, source):
    reply = await client.post(f"/webhooks/{source}", data=b"{}")
    assert reply.status == 404 and "unknown" in (await reply.json())["error"]
    assert await stored(hub) == []


async def test_orders_is_404_when_no_secret_is_configured(aiohttp_client, tmp_path, clock):
    config = HubConfig(data_dir=tmp_path, plugins=PLUGINS)
    client = await aiohttp_client(create_app(config, clock=clock, run_background=False))
    body, headers = valid_request("orders", clock.now().timestamp())
    assert (await client.post("/webhooks/orders", data=body, headers=headers)).status == 404


@pytest.mark.parametrize("source", SOURCES)
async def test_a_declared_body_over_the_limit_is_413_before_reading(aiohttp_client, tmp_path, clock, source):
    client = await aiohttp_client(create_app(make_config(tmp_path, max_body_bytes=1000), clock=clock,
                                             run_background=False))
    reply = await client.post(f"/webhooks/{source}", data=b"x" * 5000, headers={"content-type": "application/json"})
    assert reply.status == 413
    assert await stored(client.app[keys.HUB]) == []


@pytest.mark.parametrize("source", SOURCES)
async def test_a_chunked_body_over_the_limit_is_413(aiohttp_client, tmp_path, clock, source):
    client = await aiohttp_client(create_app(make_config(tmp_path, max_body_bytes=1000), clock=clock,
                                             run_background=False))

    async def chunks():  # no Content-Length: the limit applies to what is streamed
        for _ in range(20):
            yield b"y" * 200

    reply = await client.post(f"/webhooks/{source}", data=chunks())
    assert reply.status == 413
    assert await stored(client.app[keys.HUB]) == []


@pytest.mark.parametrize("source", SOURCES)
async def test_a_backlog_over_max_pending_is_429_with_retry_after(aiohttp_client, tmp_path, clock, source):
    # given a hub that takes at most 2 unprocessed events, and has them
    client = await aiohttp_client(create_app(make_config(tmp_path, max_pending=2), clock=clock, run_background=False))
    now = clock.now().timestamp()
    for n in range(2):
        body, headers = valid_request(source, now, n)
        assert (await client.post(f"/webhooks/{source}", data=body, headers=headers)).status in (200, 202)
    # when one more arrives
    body, headers = valid_request(source, now, 99)
    reply = await client.post(f"/webhooks/{source}", data=body, headers=headers)
    # then the sender is told to come back later, and nothing more was stored
    assert reply.status == 429 and int(reply.headers["Retry-After"]) > 0
    assert len(await stored(client.app[keys.HUB])) == 2


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_max_pending_holds_when_many_requests_arrive_together(aiohttp_client, tmp_path, clock, backend):
    # given a hub that takes at most 20 unprocessed events, and none processed meanwhile
    config = make_config(tmp_path, max_pending=20)
    async with served(EntityApi, backend, "wh", aiohttp_client, config, clock, tmp_path) as api:
        # when 100 valid webhooks arrive at once (all pass the first backlog check together)
        now = clock.now().timestamp()
        sources = ["orders", "carrier.sandbox"] * 50
        replies = await asyncio.gather(*(api.http.post(f"/webhooks/{s}", data=b, headers=h) for n, s in
                                         enumerate(sources) for b, h in [valid_request(s, now, n)]))
        # then exactly 20 were stored and acknowledged, every other one got 429 with Retry-After
        statuses = [r.status for r in replies]
        assert statuses.count(202) == 20 and statuses.count(429) == 80, statuses
        assert all(int(r.headers["Retry-After"]) > 0 for r in replies if r.status == 429)
        pending = [row for row in await stored(api.hub) if row["state"] == "pending"]
        assert len(pending) == 20


async def test_processing_the_backlog_lifts_the_429(aiohttp_client, tmp_path, clock):
    from hub.core.runtime import Runtime
    app = create_app(make_config(tmp_path, max_pending=1), clock=clock, run_background=False)
    client = await aiohttp_client(app)
    now = clock.now().timestamp()
    for n in range(2):
        await client.post("/webhooks/carrier.sandbox", data=sandbox_push(f"S{n}", f"e{n}"), headers=sandbox_headers())
    assert (await client.post("/webhooks/carrier.sandbox", data=sandbox_push("S9", "e9"),
                              headers=sandbox_headers())).status == 429
    await Runtime(app[keys.HUB]).settle()
    await app[keys.INGEST].refresh_pending()  # the writer also recounts every second on its own
    body, headers = valid_request("orders", now, 5)
    assert (await client.post("/webhooks/orders", data=body, headers=headers)).status == 202


async def test_a_failed_store_is_503_with_retry_after_and_never_acknowledged(aiohttp_client, tmp_path, clock):
    app = create_app(make_config(tmp_path), clock=clock, run_background=False)
    client = await aiohttp_client(app)
    async with app[keys.HUB].engine.begin() as conn:
        await conn.execute(sa.text("DROP TABLE inbound_events"))  # the database lost the table
    reply = await client.post("/webhooks/carrier.sandbox", data=sandbox_push(), headers=sandbox_headers())
    assert reply.status == 503 and reply.headers["Retry-After"]


async def test_a_batch_with_a_duplicate_inside_stores_each_key_once(client, hub, clock):
    from hub.web.ingest_sql import insert_sqlite
    rows = [("s", key, b"{}", b"body", clock.now(), None) for key in ("a", "b", "a")]
    async with hub.engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        assert await insert_sqlite(driver, rows) == {("s", "a"), ("s", "b")}
    [row_a, row_b] = await stored(hub, "s")
    assert (row_a["dedupe_key"], row_a["received_at"], row_a["headers"]) == ("a", clock.now(), {})


async def test_order_webhook_body_is_processed_into_the_domain_once(client, hub, runtime, clock):
    body, headers = valid_request("orders", clock.now().timestamp(), 3)
    await client.post("/webhooks/orders", data=body, headers=headers)
    await runtime.settle()
    await client.post("/webhooks/orders", data=body, headers=headers)  # redelivered after processing
    await runtime.settle()
    listing = await (await client.get("/api/orders", headers=AUTH)).json()
    assert [o["ref"] for o in listing["items"]] == ["SO-SHOP-3"]
    [row] = await stored(hub, "orders")
    assert row["state"] == "processed" and orjson.loads(row["body"])["type"] == "order.created"
