"""Inputs a sender can craft get a 4xx and change nothing, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa

from hub_testing import fresh_pg_schema

from hub.app import create_app
from hub.core.config import HubConfig
from hub.core.plugins import build_plugin_manager
from hub.core.service import Hub
from hub.core.store.tables import inbound_events, orders

from .web_support import AUTH


@pytest.fixture(params=["sqlite", "postgresql"])
async def served(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig,
                 clock: Any) -> AsyncIterator[tuple[Any, Hub]]:
    if request.param == "sqlite":
        app = create_app(config, clock=clock, run_background=False)
        client = await aiohttp_client(app)
        from hub.web import keys
        yield client, app[keys.HUB]
        return
    async with fresh_pg_schema("hard") as engine:
        hub = Hub(config, build_plugin_manager(config), clock=clock, engine=engine)
        client = await aiohttp_client(create_app(hub.config, hub=hub, run_background=False))
        try:
            yield client, hub
        finally:  # the app's writer holds a connection: it stops before the engine goes
            await client.close()
            await hub.close()


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
