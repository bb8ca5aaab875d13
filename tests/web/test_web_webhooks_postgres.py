"""The webhook store on PostgreSQL: group commit, dedupe and processing in a fresh schema."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa

from hub_testing import fresh_pg_schema

from hub.app import create_app
from hub.core.config import HubConfig
from hub.core.plugins import build_plugin_manager
from hub.core.runtime import Runtime
from hub.core.service import Hub
from hub.core.store.tables import inbound_events

from .web_support import AUTH, order_message, sandbox_headers, sandbox_push, signed

@pytest.fixture
async def pg_served(aiohttp_client: Any, config: HubConfig, clock: Any) -> AsyncIterator[tuple[Any, Hub]]:
    async with fresh_pg_schema("web") as engine:
        hub = Hub(config, build_plugin_manager(config), clock=clock, engine=engine)
        client = await aiohttp_client(create_app(hub.config, hub=hub, run_background=False))
        try:
            yield client, hub
        finally:  # the app's writer holds a connection: it stops before the engine goes
            await client.close()
            await hub.close()


async def test_events_are_stored_once_and_processed_on_postgresql(pg_served, clock):
    client, pg_hub = pg_served
    now = clock.now().timestamp()
    # given 40 shop orders and 40 carrier pushes, each sent twice, all at once
    requests = []
    for n in range(40):
        body = order_message(f"SO-PG-{n}")
        requests.append(("orders", body, signed(body, now=now, msg_id=f"pg_{n}")))
        requests.append(("carrier.sandbox", sandbox_push(f"PG-{n}", f"pg-evt-{n}"), sandbox_headers()))
    replies = await asyncio.gather(*(client.post(f"/webhooks/{source}", data=body, headers=headers)
                                     for source, body, headers in requests * 2))
    # then all were acknowledged and each event is stored exactly once
    assert {r.status for r in replies} == {202}
    async with pg_hub.engine.connect() as conn:
        counts = dict((await conn.execute(sa.select(inbound_events.c.source, sa.func.count())
                                          .group_by(inbound_events.c.source))).all())
    assert counts == {"orders": 40, "carrier.sandbox": 40}
    # and processing turns the shop's events into orders
    await Runtime(pg_hub, inline_tries=1).settle()
    page = await (await client.get("/api/orders?limit=1000", headers=AUTH)).json()
    assert len(page["items"]) == 40


async def test_a_forged_event_is_401_and_not_stored_on_postgresql(pg_served, clock):
    client, pg_hub = pg_served
    body = order_message("SO-PG-X")
    headers = {**signed(body, now=clock.now().timestamp()), "webhook-signature": "v1,a,b"}
    assert (await client.post("/webhooks/orders", data=body, headers=headers)).status == 401
    body = sandbox_push("PG-\u0000", event_id="id-with-\u0000-nul")  # NUL cannot be stored in a PG text key
    reply = await client.post("/webhooks/carrier.sandbox", data=body, headers=sandbox_headers())
    assert reply.status == 202
    async with pg_hub.engine.connect() as conn:
        keys_ = (await conn.execute(sa.select(inbound_events.c.dedupe_key))).scalars().all()
    assert len(keys_) == 1 and keys_[0].startswith("sha256-id:")
