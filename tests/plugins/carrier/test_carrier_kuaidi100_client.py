"""``carrier.kuaidi100`` against a local server that speaks Kuaidi100's ``/poll`` and
``/poll/query.do``: subscription, its return codes, and bringing monitoring back after ``abort``."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from carrier_fakes import Scripted, md5_upper
from carrier_support import FORM, KUAIDI100, NOW, SALT, Ledger, book, build, form_body, make_ctx, shipment
from structlog.testing import capture_logs

from hub import PermanentError, PluginConfigurationError, TransientError

PHONE = "13800138000"


def settings(base_url: str, **extra: Any) -> dict[str, Any]:
    return {"key": "k100-test-key", "salt": SALT, "callback_url": "https://hub.example/webhooks/carrier.kuaidi100",
            "base_url": base_url, "retry_wait_s": 0, "timeout_s": 2, **extra}


def ctx(http, ledger: Ledger | None = None):
    return make_ctx(http, ledger=ledger, plugin="carrier.kuaidi100")


async def test_booking_subscribes_the_number_with_callback_salt_and_advanced_states(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url))
    await book(pm, shipment("yuantong", "YT1000000000022"), ctx(http))
    [param] = fake.subscriptions
    assert (param["company"], param["number"], param["key"]) == ("yuantong", "YT1000000000022", "k100-test-key")
    assert param["parameters"] == {"callbackurl": "https://hub.example/webhooks/carrier.kuaidi100", "salt": SALT,
                                   "resultv2": "4"}


async def test_the_consignee_phone_goes_only_to_carriers_that_require_it(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url))
    with capture_logs() as logs:
        await book(pm, shipment("shunfeng", "SF1000000000001"), ctx(http))
    assert fake.subscriptions[0]["company"] == "shunfeng"
    assert fake.subscriptions[0]["parameters"]["phone"] == PHONE
    assert PHONE not in str(logs)


async def test_a_redelivered_booking_subscribes_once(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url))
    ledger = Ledger()
    for _ in range(3):
        context = ctx(http, ledger)
        await book(pm, shipment("zhongtong", "ZT1"), context)
        ledger.complete(context)
    assert len(fake.subscriptions) == 1


async def test_a_number_already_monitored_counts_as_subscribed(kuaidi100, http) -> None:
    fake, url = kuaidi100
    fake.polling.add(("zhongtong", "ZT1"))
    pm = build(KUAIDI100, settings(url))
    await book(pm, shipment("zhongtong", "ZT1"), ctx(http))  # 501 重复订阅: no error
    assert len(fake.subscriptions) == 1


async def test_shipments_of_other_carriers_are_left_alone(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url))
    await book(pm, shipment("dhl", "1000000001"), ctx(http))
    assert fake.subscriptions == []


@pytest.mark.parametrize(("answer", "error", "text"), [
    ("600", PluginConfigurationError, "returnCode 600"),
    ("601", PluginConfigurationError, "returnCode 601"),
    ("700", PermanentError, "returnCode 700"),
    ("702", PermanentError, "returnCode 702"),
    ("500", TransientError, "returnCode 500"),
    (Scripted(502, "Bad Gateway"), TransientError, "HTTP 502"),
    (Scripted(200, "<html>maintenance</html>"), TransientError, "not JSON"),
], ids=["invalid-key", "key-expired", "bad-data", "unknown-company", "server-error", "http-502", "html"])
async def test_subscription_errors_map_to_what_the_hub_should_do(kuaidi100, http, answer, error, text) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url, retry_attempts=1))
    fake.forced.append(answer)
    with pytest.raises(error, match=text):
        await book(pm, shipment("yuantong", "YT1"), ctx(http))


async def test_a_timeout_is_transient_after_the_configured_tries(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url, timeout_s=0.05, retry_attempts=2))
    fake.forced.extend([Scripted(200, "{}", delay_s=0.3), Scripted(200, "{}", delay_s=0.3)])
    with pytest.raises(TransientError, match="did not answer"):
        await book(pm, shipment("yuantong", "YT1"), ctx(http))
    assert not fake.forced  # both tries reached the server


async def test_the_wrong_key_is_named_as_a_configuration_problem(kuaidi100, http) -> None:
    _, url = kuaidi100
    pm = build(KUAIDI100, {**settings(url), "key": "wrong-key"})
    with pytest.raises(PluginConfigurationError, match=r"check plugins carrier\.kuaidi100"):
        await book(pm, shipment("yuantong", "YT1"), ctx(http))


def abort_push(pm, number: str, com: str, com_new: str = "") -> None:
    param = json.dumps({"status": "abort", "message": "3天查询无记录", "autoCheck": "0",
                        "comOld": com if com_new else "", "comNew": com_new,
                        "lastResult": {"nu": number, "com": com, "state": "0", "data": []}}, ensure_ascii=False)
    body = form_body({"param": param, "sign": md5_upper(param + SALT)})
    pm.hook.hub_webhook_verify(source="carrier.kuaidi100", headers=FORM, body=body)
    pm.hook.hub_webhook_parse(source="carrier.kuaidi100", headers=FORM, body=body)


async def test_polling_does_nothing_while_kuaidi100_pushes(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url, customer="CUSTOMER-1"))
    assert await pm.hook.hub_tracking_poll(shipment=shipment("yuantong", "YT1"), ctx=ctx(http)) is None
    assert fake.queries == [] and fake.subscriptions == []


async def poll_after_wait(pm, snapshot, http):
    """Kuaidi100's rule: the first poll after an abort records it, the try comes 30 minutes later."""
    assert await pm.hook.hub_tracking_poll(shipment=snapshot, ctx=make_ctx(http, plugin=KUAIDI100)) is None
    return await pm.hook.hub_tracking_poll(shipment=snapshot,
                                           ctx=make_ctx(http, now=NOW + timedelta(minutes=30), plugin=KUAIDI100))


async def test_after_abort_the_number_is_re_verified_and_subscribed_again(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url, customer="CUSTOMER-1"))
    fake.results["YD1"] = {"message": "ok", "nu": "YD1", "com": "yunda", "status": "200", "state": "0", "data": [
        {"ftime": "2026-03-05 08:00:00", "context": "快件已到达【杭州中转部】", "status": "在途"}]}
    # given Kuaidi100 stopped monitoring and says the number belongs to another company
    abort_push(pm, "YD1", "yuantong", com_new="yunda")
    # when the worker polls the shipment, 30 minutes after the abort
    update = await poll_after_wait(pm, shipment("yuantong", "YD1"), http)
    # then the number was queried (signed), re-subscribed with the corrected company, and tracked
    assert [q["param"]["com"] for q in fake.queries] == ["yunda"]
    assert [(s["company"], s["number"]) for s in fake.subscriptions] == [("yunda", "YD1")]
    assert update is not None and [e.state for e in update.events] == ["in_transit"]
    assert update.subscription == "active"
    assert await pm.hook.hub_tracking_poll(shipment=shipment("yuantong", "YD1"), ctx=ctx(http)) is None
    assert len(fake.subscriptions) == 1


async def test_without_a_customer_id_abort_is_answered_by_re_subscribing_only(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url))
    abort_push(pm, "YT2", "yuantong")
    update = await poll_after_wait(pm, shipment("yuantong", "YT2"), http)
    assert update is not None and update.subscription == "active" and update.events == ()
    assert fake.queries == [] and [s["number"] for s in fake.subscriptions] == ["YT2"]


async def test_re_subscription_stops_at_the_monthly_limit(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url, max_resubscriptions=1))
    snapshot = shipment("yuantong", "YT3").model_copy(update={"subscription": "stopped"})
    with capture_logs() as logs:
        for hour in range(4):  # aborted again after its re-subscription: the try failed
            fake.polling.clear()
            await pm.hook.hub_tracking_poll(shipment=snapshot, ctx=make_ctx(
                http, now=NOW + timedelta(hours=hour), plugin=KUAIDI100))
    assert len(fake.subscriptions) == 1
    assert [log["event"] for log in logs].count("carrier.kuaidi100.resubscribe_gave_up") == 1


async def test_a_query_signed_with_the_wrong_key_is_a_configuration_problem(kuaidi100, http) -> None:
    _, url = kuaidi100
    pm = build(KUAIDI100, settings(url, customer="SOMEONE-ELSE"))
    abort_push(pm, "YT4", "yuantong")
    with pytest.raises(PluginConfigurationError, match="returnCode 503"):
        await poll_after_wait(pm, shipment("yuantong", "YT4"), http)


async def test_a_number_without_results_is_not_subscribed_again(kuaidi100, http) -> None:
    fake, url = kuaidi100
    pm = build(KUAIDI100, settings(url, customer="CUSTOMER-1"))
    abort_push(pm, "YT5", "yuantong")
    with capture_logs() as logs:
        assert await poll_after_wait(pm, shipment("yuantong", "YT5"), http) is None
    assert fake.subscriptions == [] and len(fake.queries) == 1
    assert [log["event"] for log in logs].count("carrier.kuaidi100.no_result") == 1
