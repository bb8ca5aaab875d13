"""GET /api/plugins and /metrics tell ops why a plugin's handoffs wait: its circuit and the failure."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from hub import TransientError, hookimpl
from hub.core.config import HubConfig
from hub.core.runtime import Runtime
from hub.core.service import Hub

from .web_support import AUTH, hub_with_plugin, new_order


class DownErp:
    """An ERP whose server answers 503 to everything."""

    @hookimpl
    async def hub_order_received(self, order: Any, ctx: Any) -> None:
        raise TransientError("ERP answered 503 Service Unavailable")


@pytest.fixture
async def ops(aiohttp_client: Any, config: HubConfig, clock: Any) -> AsyncIterator[tuple[Any, Hub]]:
    config = config.model_copy(update={"dispatch": config.dispatch.model_copy(
        update={"circuit": config.dispatch.circuit.model_copy(update={"failure_threshold": 2})})})
    client, hub = await hub_with_plugin(aiohttp_client, config, clock, DownErp(), "erp.down")
    yield client, hub
    await hub.close()


async def test_an_open_circuit_is_listed_with_its_reason_and_counted(ops):
    client, hub = ops
    # given two orders whose ERP handoffs fail, so the ERP's circuit opens
    for ref in ("SO-C1", "SO-C2"):
        assert (await client.post("/api/orders", json=new_order(ref), headers=AUTH)).status == 201
    await Runtime(hub, inline_tries=1).dispatcher.drain()
    # when ops look at the plugins
    page = await (await client.get("/api/plugins", headers=AUTH)).json()
    # then the ERP shows an open circuit with the vendor's message and its waiting handoffs
    down = next(item for item in page["items"] if item["plugin"] == "erp.down")
    assert down["circuit"]["state"] == "open"
    assert "503" in down["circuit"]["reason"] and down["circuit"]["retry_at"]
    assert down["handoffs"]["failed"] == 2
    sandbox = next(item for item in page["items"] if item["plugin"] == "erp.sandbox")
    assert sandbox["circuit"]["state"] == "closed" and sandbox["call_timeout_s"] == 10
    metrics = await (await client.get("/metrics")).text()
    assert 'hub_plugin_circuit_open{plugin="erp.down"} 1.0' in metrics


async def test_plugins_need_the_token(client):
    assert (await client.get("/api/plugins")).status == 401
