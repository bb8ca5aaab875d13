"""Youzan's push messages → the hub's order messages, pure, and the two signatures. The payloads are
written from the shape Youzan documents (see plugins/shop/youzan/mapping.py), not captured."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, quote_plus

import orjson

from plugins.shop.common import ShopSettings
from plugins.shop.youzan.mapping import decode_msg, parse
from plugins.shop.youzan.plugin import event_id, md5_hex, sign_valid, version_time

SETTINGS = ShopSettings(secret="s", skus={"SOFA-3-GREY": "SOFA-3"}, ref_prefix="YZ-")
TID = "E20260302101500012300007"


def full_order(**address: Any) -> dict[str, Any]:
    place = {"receiver_name": "王芳", "receiver_tel": "13900000002", "delivery_province": "北京市",
             "delivery_city": "北京市", "delivery_district": "朝阳区", "delivery_address": "建国路 8 号 2 单元",
             "delivery_postal_code": "100022", "self_fetch_info": "", **address}
    return {"order_info": {"tid": TID, "status": "WAIT_SELLER_SEND_GOODS", "created": "2026-03-02 10:15:00"},
            "buyer_info": {"buyer_id": 70012345, "buyer_phone": "13900000001", "fans_nickname": "芳"},
            "address_info": place, "pay_info": {"payment": "8600.00", "total_fee": "8600.00", "post_fee": "0.00"},
            "orders": [
                {"oid": "1", "title": "三人沙发", "sku_properties_name": '[{"k":"颜色","v":"灰"}]',
                 "outer_sku_id": "SOFA-3-GREY", "outer_item_id": "SOFA-3", "sku_id": 3301, "num": 2,
                 "price": "4200.00", "payment": "8400.00"},
                {"oid": "2", "title": "靠垫", "sku_properties_name": "[]", "outer_sku_id": "", "outer_item_id": "",
                 "sku_id": 0, "num": 1, "price": "200.00", "payment": "200.00"}]}


def push(kind: str, msg: dict[str, Any] | str, status: str = "", **extra: Any) -> dict[str, Any]:
    """A push body as Youzan sends it: msg URL-encoded (UTF-8), spaces as '+'."""
    encoded = msg if isinstance(msg, str) else quote_plus(orjson.dumps(msg).decode())
    return {"client_id": "c1", "id": TID, "kdt_id": 4100, "kdt_name": "家具店", "mode": 1, "msg": encoded,
            "msg_id": "5f0c1d2e", "sendCount": 0, "sign": "x", "status": status, "test": False, "type": kind,
            "version": 1772417700, **extra}


def test_a_paid_trade_is_an_order_with_the_shops_codes_translated_and_the_unknown_clarified():
    [message] = parse(push("trade_TradeBuyerPay", {"full_order_info": full_order()}, "WAIT_SELLER_SEND_GOODS"),
                      SETTINGS)
    data = message.data
    assert (message.type, data["ref"], data["currency"], data["source"]) == (
        "order.created", f"YZ-{TID}", "CNY", "shop.youzan")
    assert data["customer"] == {"code": "YOUZAN-C70012345", "name": "芳", "grade": "C", "phone": "13900000002"}
    assert [(ln["product_code"], ln["spec"], ln["qty"], ln["unit_price"]) for ln in data["lines"]] == [
        ("SOFA-3", "三人沙发 / 灰", "2", "4200.00"), ("shop.youzan-line-2", "靠垫", "1", "200.00")]
    assert data["contact"] == {"name": "王芳", "phone": "13900000002",
                               "address": "北京市 朝阳区 建国路 8 号 2 单元 100022"}
    assert data["clarify"] == ["line 2 product: the shop's SKU (none) (靠垫) matches no product code"]


def test_the_sku_is_the_spec_code_else_the_item_code_else_youzans_sku_id():
    trade = full_order()
    trade["orders"] = [{"outer_sku_id": "", "outer_item_id": "TABLE-OAK", "sku_id": 0, "num": 1, "price": "1.00"},
                       {"outer_sku_id": "", "outer_item_id": "", "sku_id": 3302, "num": 1, "price": "1.00"}]
    [message] = parse(push("trade_TradePaid", {"full_order_info": trade}, "TRADE_PAID"), ShopSettings(secret="s"))
    assert [ln["product_code"] for ln in message.data["lines"]] == ["TABLE-OAK", "3302"]


def test_encrypted_or_absent_personal_fields_are_missing_for_the_hub_to_clarify():
    cipher = "$nGMqIF1XBijI7B+m9ImE7Q==$1$"
    trade = full_order(receiver_name=cipher, receiver_tel=cipher, delivery_address=cipher)
    trade["buyer_info"] = {"buyer_id": 0, "buyer_phone": cipher, "fans_nickname": cipher}
    [message] = parse(push("trade_TradeBuyerPay", {"full_order_info": trade}, "WAIT_SELLER_SEND_GOODS"), SETTINGS)
    assert message.data["contact"] == {}  # no phone, no address: the hub's clarification asks for them
    assert message.data["customer"] == {"code": f"YOUZAN-O{TID}", "name": f"YOUZAN-O{TID}", "grade": "C"}
    [pickup] = parse(push("trade_TradeBuyerPay", {"full_order_info": full_order(delivery_address="")}), SETTINGS)
    assert "address" not in pickup.data["contact"]


def test_an_unpaid_trade_waits_for_its_payment_unless_the_shop_wants_it_at_once():
    created = push("trade_TradeCreate", {"full_order_info": full_order()}, "WAIT_BUYER_PAY")
    assert parse(created, SETTINGS) == []
    [message] = parse(created, SETTINGS, unpaid=True)
    assert message.type == "order.created" and message.data["ref"] == f"YZ-{TID}"


def test_a_hub_selling_in_another_currency_clarifies_every_youzan_order():
    euro = ShopSettings(secret="s", currency="EUR")
    [message] = parse(push("trade_TradeBuyerPay", {"full_order_info": full_order()}), euro)
    assert message.data["currency"] == "CNY"
    assert "currency: the shop charged in CNY, the hub sells in EUR" in message.data["clarify"]


def test_a_closed_trade_cancels_the_order_with_youzans_reason():
    closed = {"tid": TID, "close_type": 2, "close_reason": "refund, order closed!", "update_time": "2026-03-02"}
    [message] = parse(push("trade_TradeClose", closed, "TRADE_CLOSED"), SETTINGS)
    assert (message.type, message.data) == ("order.cancelled", {"ref": f"YZ-{TID}",
                                                               "data": {"reason": "refund, order closed!"}})
    [timed_out] = parse(push("trade_TradeClose", {**closed, "close_reason": "NONE"}, "TRADE_CLOSED"), SETTINGS)
    assert timed_out.data["data"]["reason"] == "cancelled in the shop"
    # the older form: TRADE_ORDER_STATE and its status, a summary in msg
    [legacy] = parse(push("TRADE_ORDER_STATE", {"tid": TID, "status": "TRADE_CLOSED"}, "TRADE_CLOSED"), SETTINGS)
    assert legacy.type == "order.cancelled"
    assert parse(push("TRADE_ORDER_STATE", {"tid": TID, "payment": "1.00"}, "WAIT_SELLER_SEND_GOODS"), SETTINGS) == []


def test_a_refund_asked_for_or_granted_is_one_after_sales_request_by_its_refund_id():
    asked = {"tid": TID, "oids": "1", "refund_id": "201", "refunded_fee": "200.00", "refund_type": "REFUND_ONLY",
             "refund_reason": "RETURNSNOT_OTHER", "refund_reason_desc": "颜色不对", "update_time": "2026-03-03 09:00:00"}
    [message] = parse(push("trade_refund_BuyerCreated", asked, "WAIT_SELLER_AGREE"), SETTINGS)
    assert (message.type, message.data) == ("return.requested", {
        "ref": "YZ-RF-201", "order_ref": f"YZ-{TID}", "type": "refund", "reason": "颜色不对", "amount": "200.00"})
    # the newer refund messages send msg as an object; a return with the goods says so
    [granted] = parse({**push("youzan_trade_RefundSuccess", ""), "msg": {**asked, "refund_type": "REFUND_AND_RETURN"}},
                      SETTINGS)
    assert granted.data["ref"] == "YZ-RF-201" and granted.data["reason"] == "颜色不对; the buyer sends the goods back"
    assert parse(push("trade_refund_RefundClosed", asked), SETTINGS) == []


def test_test_pushes_and_messages_the_hub_does_not_apply_map_to_nothing():
    assert parse(push("trade_TradeBuyerPay", {"full_order_info": full_order()}, test=True), SETTINGS) == []
    assert parse(push("trade_TradeSellerShip", {"tid": TID}), SETTINGS) == []
    assert parse(push("ITEM_INFO", {"data": "{}"}), SETTINGS) == []


def test_msg_is_read_url_encoded_with_either_space_or_as_plain_json():
    value = {"tid": TID, "update_time": "2026-03-02 10:15:00", "note": "a+b"}
    for encoded in (quote_plus(orjson.dumps(value).decode()), quote(orjson.dumps(value).decode(), safe=":,"),
                    orjson.dumps(value).decode()):
        assert decode_msg({"msg": encoded}) == value
    assert decode_msg({"msg": ""}) == {} and decode_msg({}) == {}


def test_both_signatures_are_md5_hex_of_client_id_then_the_signed_text_then_the_secret():
    body = b'{"msg":"%7B%7D","type":"trade_TradeClose"}'
    expected = hashlib.md5(b"c1" + body + b"secret").hexdigest()
    assert md5_hex("c1", body, "secret") == expected
    assert sign_valid(expected, expected.upper()) and sign_valid(expected, f" {expected}\n")
    assert not sign_valid(expected, hashlib.md5(b"c1" + body + b"other").hexdigest())
    assert not sign_valid(expected, None) and not sign_valid(expected, "")


def test_version_is_a_time_in_seconds_or_milliseconds_and_the_message_id_names_the_event():
    at = datetime(2026, 3, 2, 2, 15, tzinfo=UTC)
    assert version_time(int(at.timestamp())) == at and version_time(int(at.timestamp()) * 1000) == at
    assert version_time(3) is None and version_time("x") is None and version_time(None) is None
    assert event_id(push("trade_TradeClose", "", sendCount=3)) == "youzan:5f0c1d2e"
    no_id = {k: v for k, v in push("trade_TradeClose", "", "TRADE_CLOSED").items() if k != "msg_id"}
    assert event_id(no_id) == event_id({**no_id, "sendCount": 4}) == (
        f"youzan:4100:trade_TradeClose:{TID}:TRADE_CLOSED:1772417700")


def test_a_push_signed_in_the_body_only_means_what_its_msg_says():
    # only msg is under the classic sign: a paid trade relabelled a close is still a paid trade
    paid = {"full_order_info": full_order()}
    [message] = parse(push("trade_TradeClose", paid, "TRADE_CLOSED"), SETTINGS, body_signed=True)
    assert message.type == "order.created"
    # a close needs the signed msg to say so; a refund needs its refund_id and a refund message's type
    closed = {"tid": TID, "close_type": 1, "close_reason": "NONE"}
    [message] = parse(push("trade_TradeBuyerPay", closed, "WAIT_SELLER_SEND_GOODS"), SETTINGS, body_signed=True)
    assert message.type == "order.cancelled"
    refund_msg = {"tid": TID, "refund_id": "R1", "refunded_fee": "12.00", "refund_reason": "质量问题"}
    assert parse(push("trade_refund_RefundClosed", refund_msg), SETTINGS, body_signed=True) == []
    [message] = parse(push("trade_refund_BuyerCreated", refund_msg), SETTINGS, body_signed=True)
    assert (message.type, message.data["ref"]) == ("return.requested", "YZ-RF-R1")
    assert parse(push("trade_TradeClose", {"tid": TID}), SETTINGS, body_signed=True) == []
