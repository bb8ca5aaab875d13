"""``carrier.dhl`` against a local server that speaks DHL Unified: polling within DHL's limits,
its error replies, timeouts, the push subscription and the push webhook."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from carrier_fakes import Scripted
from carrier_support import DHL, NOW, Ledger, book, build, call_all, fixture, make_ctx, plugin_of, shipment
from structlog.testing import capture_logs

from hub import PermanentError, PluginConfigurationError, TransientError, WebhookRejected

TOKEN = "push-token-1"


def settings(base_url: str, **extra: Any) -> dict[str, Any]:
    return {"api_key": "dhl-test-key", "base_url": base_url, "min_interval_s": 0, "retry_wait_s": 0,
            "timeout_s": 2, **extra}


def serve(fake, name: str) -> str:
    body = fixture(name)["response"]["body"]
    number = body["shipments"][0]["id"]
    fake.shipments[number] = body
    return number


async def poll(pm, number: str, http, now=NOW, carrier: str = "dhl"):
    return await pm.hook.hub_tracking_poll(shipment=shipment(carrier, number), ctx=make_ctx(http, now=now))


async def test_poll_reads_the_shipment_with_key_service_and_language(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    number = serve(fake, "dhl_delivered_to_broker")
    update = await poll(pm, number, http)
    assert update is not None and update.tracking_number == number
    assert {e.substatus for e in update.events} >= {"delivered_to_broker"}
    assert fake.calls[-1]["query"] == {"trackingNumber": number, "service": "express", "language": "en"}
    assert fake.calls[-1]["key"] == "dhl-test-key"


async def test_a_number_dhl_does_not_know_yet_changes_nothing(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    with capture_logs() as logs:
        assert await poll(pm, "1000000999", http) is None
    assert len(fake.calls) == 1
    assert any(log["event"] == "carrier.dhl.not_yet_visible" for log in logs)


async def test_429_with_retry_after_backs_off_until_then(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    number = serve(fake, "dhl_delivered")
    fake.script.append(Scripted(429, "Too Many Requests", {"Retry-After": "7200"}))
    with pytest.raises(TransientError) as raised:
        await poll(pm, number, http)
    assert raised.value.retry_after_s == 7200
    # given DHL said wait two hours, when polled again within them, then DHL is not called
    assert await poll(pm, "1000000002", http, now=NOW + timedelta(hours=1)) is None
    assert len(fake.calls) == 1
    assert await poll(pm, number, http, now=NOW + timedelta(hours=3)) is not None
    assert len(fake.calls) == 2


async def test_429_without_retry_after_waits_for_the_quota_reset(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    fake.script.append(Scripted(429, "Too Many Requests"))
    with pytest.raises(TransientError) as raised:
        await poll(pm, "1000000001", http)
    assert 0 < raised.value.retry_after_s <= 24 * 3600
    assert len(fake.calls) == 1  # a 429 is never retried in the call: it would spend more budget


async def test_a_rejected_key_is_a_configuration_error(dhl, http) -> None:
    _, url = dhl
    pm = build(DHL, {**settings(url), "api_key": "wrong"})
    with pytest.raises(PluginConfigurationError, match="API key"):
        await poll(pm, "1000000001", http)


async def test_a_bad_request_is_permanent_with_dhl_s_detail(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    fake.script.append(Scripted(400, "Bad Request"))
    with pytest.raises(PermanentError, match="400 Bad Request"):
        await poll(pm, "1000000001", http)


async def test_a_timeout_is_transient_after_the_configured_tries(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, {**settings(url), "timeout_s": 0.05, "retry_attempts": 2})
    fake.script.extend([Scripted(200, {}, delay_s=0.3), Scripted(200, {}, delay_s=0.3)])
    with pytest.raises(TransientError, match="did not answer"):
        await poll(pm, "1000000001", http)
    assert len(fake.calls) == 2


async def test_a_server_error_is_retried_in_the_call(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    number = serve(fake, "dhl_delivered")
    fake.script.append(Scripted(503, "Service Unavailable"))
    update = await poll(pm, number, http)
    assert update is not None and len(fake.calls) == 2


async def test_the_daily_budget_stops_calls_until_midnight_gmt(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url, daily_call_limit=2))
    for number in ("1", "2", "3"):
        await poll(pm, number, http)
    assert len(fake.calls) == 2
    await poll(pm, "3", http, now=NOW.replace(hour=0) + timedelta(days=1))
    assert len(fake.calls) == 3


async def test_one_shipment_is_fetched_at_most_ten_times_a_day_spread_evenly(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    number = serve(fake, "dhl_remote_agent")
    await poll(pm, number, http)
    assert await poll(pm, number, http, now=NOW + timedelta(hours=1)) is None
    assert len(fake.calls) == 1
    assert await poll(pm, number, http, now=NOW + timedelta(hours=2, minutes=30)) is not None
    assert len(fake.calls) == 2


async def test_other_carriers_shipments_are_not_polled(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    assert await poll(pm, "SF1", http, carrier="shunfeng") is None
    assert fake.calls == []


async def test_the_configured_carrier_codes_are_registered(dhl) -> None:
    _, url = dhl
    pm = build(DHL, settings(url, services={"dhl": "express", "dhl-parcel": "parcel-de"}))
    codes: list[str] = []
    pm.hook.hub_register_carriers(register=codes.append)
    assert codes == ["dhl", "dhl-parcel"]


async def test_the_configured_service_is_sent_for_each_carrier_code(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url, services={"dhl-parcel": "parcel-de"}))
    await poll(pm, "00340434161094000001", http, carrier="dhl-parcel")
    assert fake.calls[-1]["query"]["service"] == "parcel-de"


def push_settings(url: str) -> dict[str, Any]:
    return settings(url, push_callback_url="https://hub.example/webhooks/carrier.dhl", push_token=TOKEN)


async def test_booking_subscribes_to_push_once_however_often_it_is_delivered(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, push_settings(url))
    ledger = Ledger()
    for _ in range(2):
        ctx = make_ctx(http, ledger=ledger)
        await book(pm, shipment("dhl", "1000000010"), ctx)
        ledger.complete(ctx)
    [body] = fake.subscriptions.values()
    assert body["shipmentIDs"] == ["1000000010"] and body["service"] == "express" and body["type"] == "Shipment"
    assert body["hook"] == {"uri": "https://hub.example/webhooks/carrier.dhl", "authentication": {
        "type": "ApiKeyAuthentication", "header": "X-Hub-Dhl-Token", "token": TOKEN}}
    assert fake.activations == [("sub-1", "secret-sub-1")]


async def test_without_push_settings_booking_calls_nobody(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    await book(pm, shipment("dhl", "1000000010"), make_ctx(http))
    assert fake.subscriptions == {}


async def test_a_validate_push_activates_the_subscription_with_its_secret(dhl, http) -> None:
    fake, url = dhl
    fake.return_secret = False
    pm = build(DHL, push_settings(url))
    await book(pm, shipment("dhl", "1000000010"), make_ctx(http))
    assert fake.activations == []
    # when DHL validates the hook, then the hub activates it without waiting for a poll
    await call_all(pm.hook.hub_startup, ctx=make_ctx(http))
    validate = {"scope": "subscription.validate", "self": f"{url}/tracking/push/v1/subscription/sub-1",
                "secret": "secret-sub-1"}
    assert deliver_push(pm, validate) == []
    for _ in range(50):
        if fake.activations:
            break
        await asyncio.sleep(0.01)
    await call_all(pm.hook.hub_shutdown, ctx=make_ctx(http))
    assert fake.activations == [("sub-1", "secret-sub-1")]


async def test_a_refused_activation_is_logged_and_polling_carries_on(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, push_settings(url))
    number = serve(fake, "dhl_delivered")
    validate = {"scope": "subscription.validate", "self": f"{url}/tracking/push/v1/subscription/sub-9",
                "secret": "not-the-secret"}
    deliver_push(pm, validate)
    with capture_logs() as logs:
        update = await poll(pm, number, http)
    assert update is not None and fake.activations == []
    assert any(log["event"] == "carrier.dhl.push_activation_refused" for log in logs)
    assert plugin_of(pm).tracker.pending == {}


def deliver_push(pm, message: dict[str, Any], token: str = TOKEN) -> list:
    headers = {"x-hub-dhl-token": token, "content-type": "application/json"}
    body = json.dumps(message).encode()
    receipt = pm.hook.hub_webhook_verify(source="carrier.dhl", headers=headers, body=body)
    assert receipt.reply_status == 200
    return pm.hook.hub_webhook_parse(source="carrier.dhl", headers=headers, body=body)


async def test_a_push_message_becomes_tracking_updates(dhl) -> None:
    _, url = dhl
    pm = build(DHL, push_settings(url))
    [update] = deliver_push(pm, fixture("seq_dhl_out_of_order")["deliveries"][0]["body"])
    assert update.tracking_number == "1000000010" and update.carrier == "dhl"
    assert any(e.state == "delivered" for e in update.events)


@pytest.mark.parametrize(("headers", "body", "status"), [
    ({}, b'{"scope": "subscription.push", "shipments": []}', 401),
    ({"x-hub-dhl-token": "forged"}, b'{"scope": "subscription.push", "shipments": []}', 401),
    ({"x-hub-dhl-token": TOKEN}, b"garbage", 400),
    ({"x-hub-dhl-token": TOKEN}, b"\xff\xfe", 400),
    ({"x-hub-dhl-token": TOKEN}, b'{"scope": "other"}', 400),
    ({"x-hub-dhl-token": TOKEN}, b'{"scope": "subscription.push", "shipments": [{"id": 5}]}', 400),
    ({"x-hub-dhl-token": TOKEN}, b'{"scope": "subscription.validate"}', 400),
], ids=["no-token", "forged-token", "not-json", "not-utf8", "unknown-scope", "shipment-without-id",
        "validate-no-secret"])
async def test_bad_pushes_are_rejected_before_they_are_stored(dhl, headers: dict, body: bytes, status: int) -> None:
    _, url = dhl
    pm = build(DHL, push_settings(url))
    with pytest.raises(WebhookRejected) as rejected:
        pm.hook.hub_webhook_verify(source="carrier.dhl", headers=headers, body=body)
    assert rejected.value.status == status


async def test_pushes_are_refused_when_no_push_token_is_configured(dhl) -> None:
    _, url = dhl
    pm = build(DHL, settings(url))
    with pytest.raises(WebhookRejected) as rejected:
        pm.hook.hub_webhook_verify(source="carrier.dhl", headers={"x-hub-dhl-token": ""}, body=b"{}")
    assert rejected.value.status == 401


async def test_an_unmapped_description_is_logged_once_without_personal_data(dhl, http) -> None:
    fake, url = dhl
    pm = build(DHL, settings(url))
    odd = {"timestamp": "2026-03-05T10:00:00", "statusCode": "failure",
           "description": "Consignee asked to call 13800138000 - signed by: LI LEI"}
    body = {"shipments": [{"id": "1000000011", "service": "express", "events": [odd]}]}
    fake.shipments["1000000011"] = body
    with capture_logs() as logs:
        first = await poll(pm, "1000000011", http)
        await poll(pm, "1000000011", http, now=NOW + timedelta(hours=3))
    reviews = [log for log in logs if log["event"] == "carrier.unmapped_description"]
    assert len(reviews) == 1
    assert reviews[0]["text"].startswith("Consignee asked to call")
    assert "13800138000" not in str(logs) and "LI LEI" not in str(logs)
    assert first is not None and first.events[0].description == odd["description"]  # kept, not dropped
