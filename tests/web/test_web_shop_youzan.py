"""Youzan (有赞) push messages through ``POST /webhooks/shop.youzan`` on both backends: signed either
way (the Event-Sign header, or the body's sign), forged, stale, re-pushed, Youzan's test push, and
trades and refunds reaching the order. The bodies are written from the shape Youzan documents
(plugins/shop/youzan/mapping.py names the sources), not captured."""
from __future__ import annotations

import hashlib
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import orjson
import pytest

from hub.core.config import HubConfig
from hub.core.runtime import Runtime

from .test_web_shop_channels import counts
from .web_support import AUTH, ORDERS_OLD_SECRET, ORDERS_SECRET, PLUGINS

CLIENT_ID, CLIENT_SECRET = "6cd25b3f99727975b5", "youzan-test-client-secret-0123456789"
TID = "E20260302101500012300009"
SUCCESS = {"code": 0, "msg": "success"}
YOUZAN_PLUGINS = {**PLUGINS, "enabled": [*PLUGINS["enabled"], "shop.youzan"],
                  "shop.youzan": {"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "ref_prefix": "YZ-",
                                  "skus": {"SOFA-3-GREY": "SOFA-3"}}}


@pytest.fixture
def config(request: pytest.FixtureRequest, tmp_path: Path, migrated_db: Path) -> HubConfig:
    """The hub with shop.youzan; ``body_sign`` (parametrised indirectly) also takes classic pushes."""
    shutil.copyfile(migrated_db, tmp_path / "hub.sqlite3")
    youzan = {**YOUZAN_PLUGINS["shop.youzan"], "body_sign": getattr(request, "param", False)}
    return HubConfig(data_dir=tmp_path, plugins={**YOUZAN_PLUGINS, "shop.youzan": youzan},
                     webhooks={"orders_secrets": [ORDERS_SECRET, ORDERS_OLD_SECRET]})


CLASSIC = pytest.mark.parametrize("config", [True], indirect=True, ids=["body_sign"])


def trade(*, address: str = "中山东路 100 号 3 楼", lines: int = 2) -> dict[str, Any]:
    """A trade's full_order_info: a grey sofa (a SKU the hub maps) and a cushion (one it does not)."""
    orders = [{"oid": "2893166363399291031", "item_id": 2019949394, "title": "三人沙发",
               "sku_properties_name": '[{"k":"颜色","v":"灰色"}]', "outer_sku_id": "SOFA-3-GREY",
               "outer_item_id": "SOFA-3", "sku_id": 36120, "num": 2, "price": "4200.00", "payment": "8400.00"},
              {"oid": "2893166363399291032", "item_id": 2019949395, "title": "靠垫", "sku_properties_name": "[]",
               "outer_sku_id": "CUSHION-X", "outer_item_id": "", "sku_id": 0, "num": 1, "price": "200.00",
               "payment": "200.00"}][:lines]
    return {"order_info": {"tid": TID, "status": "WAIT_SELLER_SEND_GOODS", "created": "2026-03-02 10:15:00",
                           "pay_time": "2026-03-02 10:16:02", "order_extra": {"buyer_name": "李雷"}},
            "buyer_info": {"buyer_id": 10193843920, "buyer_phone": "13800000001", "fans_nickname": "李雷"},
            "address_info": {"receiver_name": "李雷", "receiver_tel": "13800000001", "delivery_province": "浙江省",
                             "delivery_city": "宁波市", "delivery_district": "鄞州区", "delivery_address": address,
                             "delivery_postal_code": "315000", "self_fetch_info": ""},
            "pay_info": {"payment": "8600.00", "total_fee": "8600.00", "post_fee": "0.00"}, "orders": orders}


def md5(*parts: str | bytes) -> str:
    return hashlib.md5(b"".join(p if isinstance(p, bytes) else p.encode() for p in parts)).hexdigest()


def youzan(kind: str, status: str, msg: dict[str, Any], *, msg_id: str = "fa6d2e52-b216-499c-9623-e9217069a3b7",
           send_count: int = 0, age_s: int = 0, secret: str = CLIENT_SECRET, event_sign: bool = True,
           **body: Any) -> tuple[bytes, dict[str, str]]:
    """A push as Youzan sends it: msg URL-encoded, the body's sign over it, and (newer pushes) the
    Event-Sign header over the whole body."""
    encoded = quote_plus(orjson.dumps(msg).decode())
    payload = {"client_id": CLIENT_ID, "id": TID, "kdt_id": 41495797, "kdt_name": "宁波家具", "mode": 1,
               "msg": encoded, "msg_id": msg_id, "sendCount": send_count, "sign": md5(CLIENT_ID, encoded, secret),
               "status": status, "test": False, "type": kind, "version": int(time.time()) - age_s,
               "root_kdt_id": 41495797, **body}
    raw = orjson.dumps(payload)
    headers = {"Content-Type": "application/json"}
    if event_sign:
        headers |= {"Event-Sign": md5(CLIENT_ID, raw, secret), "Event-Type": kind, "Client-Id": CLIENT_ID}
    return raw, headers


async def send(client: Any, pushed: tuple[bytes, dict[str, str]]) -> Any:
    body, headers = pushed
    return await client.post("/webhooks/shop.youzan", data=body, headers=headers)


PAID = ("trade_TradeBuyerPay", "WAIT_SELLER_SEND_GOODS")


async def test_a_paid_trade_becomes_an_order_with_what_to_clarify_and_youzan_reads_success(served):
    client, hub = served
    reply = await send(client, youzan(*PAID, {"full_order_info": trade()}))
    assert reply.status == 200 and orjson.loads(await reply.read()) == SUCCESS  # else Youzan pushes again
    await Runtime(hub, inline_tries=1).settle()
    order = await (await client.get(f"/api/orders/YZ-{TID}", headers=AUTH)).json()
    assert (order["customer_code"], order["currency"]) == ("YOUZAN-C10193843920", "CNY")
    assert [(line["product_code"], line["qty"], line["unit_price"]) for line in order["lines"]] == [
        ("SOFA-3", "2", "4200.00"), ("CUSHION-X", "1", "200.00")]
    assert order["contact"]["address"] == "浙江省 宁波市 鄞州区 中山东路 100 号 3 楼 315000"
    assert order["contact"]["phone"] == "13800000001"
    assert "SKU CUSHION-X" in " | ".join(order["missing_fields"])  # clarified with the customer, never dropped
    assert "clarify_order" in {t["rule"] for t in order["open_timers"]}


@CLASSIC
async def test_a_body_signed_push_without_an_address_is_an_order_that_asks_for_one(served):
    client, hub = served
    # the older pushes have no Event-Sign header: the body's sign (over msg) is checked instead
    reply = await send(client, youzan("trade_TradePaid", "TRADE_PAID", {"full_order_info": trade(address="")},
                                      event_sign=False))
    assert reply.status == 200 and orjson.loads(await reply.read()) == SUCCESS
    await Runtime(hub, inline_tries=1).settle()
    order = await (await client.get(f"/api/orders/YZ-{TID}", headers=AUTH)).json()
    assert "delivery address" in order["missing_fields"] and "address" not in order["contact"]


async def test_a_push_stripped_of_its_event_sign_is_refused_unless_classic_pushes_are_taken(served):
    client, hub = served
    # by default every push carries Event-Sign: one without it is refused, even with a valid body sign
    reply = await send(client, youzan(*PAID, {"full_order_info": trade()}, event_sign=False))
    assert reply.status == 401 and "body_sign" in (await reply.json())["error"]
    assert await counts(hub) == (0, 0, 0)


@CLASSIC
async def test_a_classic_push_is_read_from_its_signed_msg_never_from_the_envelope(served):
    client, hub = served
    runtime = Runtime(hub, inline_tries=1)
    paid = {"full_order_info": trade()}
    assert (await send(client, youzan(*PAID, paid))).status == 200
    await runtime.settle()
    # the same signed msg, its Event-Sign stripped and its envelope relabelled a close under a new msg_id:
    # the msg is a paid trade, so the order stays as it is (and the msg is one event whatever its envelope)
    for msg_id in ("relabelled-1", "relabelled-2"):
        relabelled = youzan("trade_TradeClose", "TRADE_CLOSED", paid, msg_id=msg_id, event_sign=False)
        assert (await send(client, relabelled)).status == 200
    await runtime.settle()
    order = await (await client.get(f"/api/orders/YZ-{TID}", headers=AUTH)).json()
    assert order["state"] != "cancelled"
    assert await counts(hub) == (2, 1, 0)  # the genuine push, and the one relabelled msg stored once
    # a classic push is as old as its signed msg's update_time: nine days is stale, whatever its version says
    def closed(days_ago: float) -> dict[str, Any]:
        at = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=days_ago)
        return {"tid": TID, "close_type": 1, "close_reason": "买家取消", "update_time": f"{at:%Y-%m-%d %H:%M:%S}"}
    stale = youzan("trade_TradeClose", "TRADE_CLOSED", closed(9), msg_id="close-old", event_sign=False)
    assert (await send(client, stale)).status == 401
    # and one whose signed msg says the trade closed does cancel it
    assert (await send(client, youzan("trade_TradeClose", "TRADE_CLOSED", closed(0), msg_id="close-1",
                                      event_sign=False))).status == 200
    await runtime.settle()
    assert (await (await client.get(f"/api/orders/YZ-{TID}", headers=AUTH)).json())["state"] == "cancelled"


async def test_forged_stale_and_repushed_messages(served):
    client, hub = served
    msg = {"full_order_info": trade()}
    assert (await send(client, youzan(*PAID, msg, secret="not-the-secret"))).status == 401
    assert (await send(client, youzan(*PAID, msg, secret="not-the-secret", event_sign=False))).status == 401
    unsigned, _ = youzan(*PAID, msg, sign="", event_sign=False)
    assert (await send(client, (unsigned, {"Content-Type": "application/json"}))).status == 401
    body, headers = youzan(*PAID, msg)
    tampered = body.replace(b"4200.00", b"1.00")  # a signed body changed on the way
    assert (await send(client, (tampered, headers))).status == 401
    assert (await send(client, youzan(*PAID, msg, age_s=9 * 24 * 3600))).status == 401  # older than a re-push
    assert await counts(hub) == (0, 0, 0)
    for attempt in range(3):  # Youzan re-pushes the same msg_id with its sendCount counting up
        reply = await send(client, youzan(*PAID, msg, send_count=attempt))
        assert reply.status == 200 and orjson.loads(await reply.read()) == SUCCESS
    await Runtime(hub, inline_tries=1).settle()
    assert await counts(hub) == (1, 1, 0)


async def test_youzans_test_push_is_answered_success_and_changes_nothing(served):
    client, hub = served
    probe = orjson.dumps({"client_id": CLIENT_ID, "mode": 1, "msg": "", "test": True, "type": "", "version": 0})
    for _ in range(2):  # unsigned or not, it is one event: stored once, applied as nothing
        reply = await send(client, (probe, {"Content-Type": "application/json"}))
        assert reply.status == 200 and orjson.loads(await reply.read()) == SUCCESS
    await Runtime(hub, inline_tries=1).settle()
    assert await counts(hub) == (1, 0, 0)


async def test_a_refund_and_a_closed_trade_reach_the_order_as_the_after_sales_rules_say(served):
    client, hub = served
    runtime = Runtime(hub, inline_tries=1)
    await send(client, youzan(*PAID, {"full_order_info": trade(lines=1)}))
    await runtime.settle()
    for event, data in (("confirmation_sent", {}), ("confirmation_received", {}),
                        ("payment_received", {"amount": "8400"})):
        await hub.apply("order", f"YZ-{TID}", event, data)
    await runtime.settle()
    asked = {"tid": TID, "oids": "2893166363399291031", "refund_id": "202603031552353952310720",
             "refunded_fee": "200.00", "refund_type": "REFUND_ONLY", "refund_reason": "RETURNSNOT_OTHER",
             "refund_reason_desc": "颜色不对", "update_time": "2026-03-03 15:52:36"}
    assert (await send(client, youzan("trade_refund_BuyerCreated", "WAIT_SELLER_AGREE", asked,
                                      msg_id="59db1a32-1"))).status == 200
    # the seller's agreement names the same refund: still the one request
    assert (await send(client, youzan("trade_refund_RefundSellerAgree", "SUCCESS", asked,
                                      msg_id="59db1a32-2"))).status == 200
    await runtime.settle()
    [request] = (await (await client.get(f"/api/returns?order_ref=YZ-{TID}", headers=AUTH)).json())["items"]
    assert (request["type"], request["reason"]) == ("refund", "颜色不对")
    # the buyer cancels: Youzan closes the trade, and the unshipped order is cancelled
    closed = {"tid": TID, "close_type": 3, "close_reason": "买家取消", "update_time": "2026-03-03 16:00:00"}
    assert (await send(client, youzan("trade_TradeClose", "TRADE_CLOSED", closed, msg_id="d86cbe5c"))).status == 200
    await runtime.settle()
    order = await (await client.get(f"/api/orders/YZ-{TID}", headers=AUTH)).json()
    assert order["state"] == "cancelled"


async def test_a_push_that_cannot_be_an_order_is_the_senders_400_and_nothing_is_stored(served):
    client, hub = served
    assert (await send(client, youzan(*PAID, {"order_info": {"tid": TID}}))).status == 400  # no full_order_info
    bad_ref = trade()
    bad_ref["order_info"]["tid"] = "not/a ref"
    assert (await send(client, youzan(*PAID, {"full_order_info": bad_ref}))).status == 400
    assert (await send(client, (b"msg=%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"}))).status == 400
    assert await counts(hub) == (0, 0, 0)
