"""Inputs a sender can craft get a 4xx and change nothing, on SQLite and PostgreSQL alike."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.core.service import Hub
from hub.core.store.tables import inbound_events, orders

from .web_support import AUTH


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
