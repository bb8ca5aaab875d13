"""Handoffs through the API: dead letters listed, retried and discarded, with who did it; and /metrics."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from hub import PermanentError, hookimpl
from hub.core.config import HubConfig
from hub.core.runtime import Runtime
from hub.core.service import Hub

from .web_support import AUTH, hub_with_plugin, new_order, sandbox_headers, sandbox_push, user_auth


class RejectingErp:
    """An ERP that refuses every order: its handoffs dead-letter at once."""

    @hookimpl
    async def hub_order_received(self, order: Any, ctx: Any) -> None:
        raise PermanentError("customer blocked in the ERP")


@pytest.fixture
async def ops(aiohttp_client: Any, config: HubConfig, clock: Any) -> AsyncIterator[tuple[Any, Hub]]:
    client, hub = await hub_with_plugin(aiohttp_client, config, clock, RejectingErp(), "erp.rejecting")
    yield client, hub
    await hub.close()  # the caller owns a Hub it passed in


async def dead_handoff(client: Any, hub: Hub) -> dict[str, Any]:
    await client.post("/api/orders", json=new_order("SO-DEAD"), headers=AUTH)
    await Runtime(hub, inline_tries=1).settle()
    page = await (await client.get("/api/handoffs?state=dead&plugin=erp.rejecting", headers=AUTH)).json()
    [handoff] = page["items"]
    return handoff


async def test_a_dead_handoff_is_listed_with_its_error(ops):
    client, hub = ops
    handoff = await dead_handoff(client, hub)
    assert handoff["hook"] == "hub_order_received" and handoff["attempts"] == 1
    assert "customer blocked" in handoff["last_error"] and handoff["error_class"] == "PermanentError"
    done = await (await client.get("/api/handoffs?state=done", headers=AUTH)).json()
    # the sandbox ERP reviewed it; the sandbox notifier recorded the confirmation letter
    assert {h["plugin"] for h in done["items"]} == {"erp.sandbox", "notify.sandbox"}


async def test_retry_and_discard_record_who_did_it(ops):
    client, hub = ops
    handoff = await dead_handoff(client, hub)
    # when ops retry it with their own token (a made-up X-Actor changes nothing)
    zhou = await user_auth(client, "ops.zhou", "ops")
    reply = await client.post(f"/api/handoffs/{handoff['id']}/retry", headers={**zhou, "X-Actor": "gm.li"})
    retried = await reply.json()
    assert reply.status == 200 and retried["state"] == "pending"
    # and it dies again, and is discarded by another user
    await Runtime(hub, inline_tries=1).settle()
    reply = await client.post(f"/api/handoffs/{handoff['id']}/discard", headers=AUTH)
    discarded = await reply.json()
    # then the handoff shows both actions and who took them
    assert reply.status == 200 and discarded["state"] == "discarded" and discarded["attempts"] == 2
    shown = await (await client.get(f"/api/handoffs/{handoff['id']}", headers=AUTH)).json()
    assert [(a["action"], a["actor"]) for a in shown["actions"]] == [("retry", "ops.zhou"), ("discard", "tester")]
    # and the audit trail has both, with where they came from
    trail = (await (await client.get(f"/api/audit?entity=handoff&ref={handoff['id']}", headers=AUTH)).json())["items"]
    assert [(e["action"], e["actor"], e["origin"].split()[0]) for e in trail] == [
        ("handoff.discard", "tester", "api"), ("handoff.retry", "ops.zhou", "api")]


async def test_retrying_a_done_handoff_is_409_and_unknown_is_404(ops):
    client, hub = ops
    await dead_handoff(client, hub)
    done = (await (await client.get("/api/handoffs?state=done", headers=AUTH)).json())["items"][0]
    reply = await client.post(f"/api/handoffs/{done['id']}/retry", headers=AUTH)
    assert reply.status == 409 and (await reply.json())["state"] == "done"
    assert (await client.post("/api/handoffs/424242/discard", headers=AUTH)).status == 404
    assert (await client.get("/api/handoffs?state=lost", headers=AUTH)).status == 422


async def test_the_order_view_shows_its_dead_handoff(ops):
    client, hub = ops
    await dead_handoff(client, hub)
    order = await (await client.get("/api/orders/SO-DEAD", headers=AUTH)).json()
    assert ("erp.rejecting", "dead") in {(h["plugin"], h["state"]) for h in order["handoffs"]}


async def test_metrics_show_webhooks_handoffs_queue_timers_and_latency(ops, clock):
    client, hub = ops
    await dead_handoff(client, hub)
    await client.post("/webhooks/carrier.sandbox", data=sandbox_push(), headers=sandbox_headers())
    await client.post("/webhooks/carrier.sandbox", data=sandbox_push(), headers=sandbox_headers())
    await client.post("/webhooks/carrier.sandbox", data=b"{}", headers={"x-sandbox-token": "wrong"})
    await client.post("/webhooks/who-knows", data=b"{}")
    clock.advance(days=2)  # the confirmation timer of SO-DEAD breaches when the timers run
    await Runtime(hub, inline_tries=1).settle()
    reply = await client.get("/metrics")
    text = await reply.text()
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain")
    expected = [
        'hub_webhooks_received_total{outcome="accepted",source="carrier.sandbox"} 1.0',
        'hub_webhooks_received_total{outcome="duplicate",source="carrier.sandbox"} 1.0',
        'hub_webhooks_received_total{outcome="rejected",source="carrier.sandbox"} 1.0',
        'hub_webhooks_received_total{outcome="unknown_source",source="unknown"} 1.0',
        'hub_handoffs{plugin="erp.rejecting",state="dead"} 1.0',
        "hub_handoffs_dead 1.0",
        'hub_timers{state="breached"} 1.0',
        'hub_http_request_duration_seconds_count{method="POST",route="/api/orders"} 1.0',
        'hub_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/webhooks/{source}"}',
        "hub_handoff_queue_depth ",
        "hub_handoff_oldest_pending_age_seconds ",
        "hub_inbound_pending 0.0",
        "hub_degraded 1.0",  # a dead letter waits for ops
    ]
    missing = [line for line in expected if line not in text]
    assert not missing, text


async def test_queue_age_counts_from_the_oldest_waiting_handoff(client, hub, clock):
    await client.post("/api/orders", json=new_order("SO-WAIT"), headers=AUTH)  # its handoff waits
    clock.advance(minutes=10)
    text = await (await client.get("/metrics")).text()
    assert "hub_handoff_queue_depth 1.0" in text
    assert "hub_handoff_oldest_pending_age_seconds 600.0" in text


async def test_health_and_readiness(client, app):
    from hub.web import keys
    assert (await client.get("/healthz")).status == 200
    assert (await (await client.get("/readyz")).json())["status"] == "ready"
    app[keys.READINESS].plugin_failures["carrier.x"] = "PluginConfigurationError"
    reply = await client.get("/readyz")
    assert reply.status == 503 and "carrier.x" in (await reply.json())["problems"][0]


async def test_a_dead_letter_makes_the_hub_degraded_but_still_ready(ops):
    client, hub = ops
    ready = await (await client.get("/readyz")).json()
    assert (ready["status"], ready["degraded"]) == ("ready", [])
    await dead_handoff(client, hub)
    reply = await client.get("/readyz")
    ready = await reply.json()
    # still ready (webhooks are still stored), and it says why it is degraded
    assert reply.status == 200 and ready["status"] == "ready"
    assert ready["degraded"] == ["1 dead letter waiting for ops"]
