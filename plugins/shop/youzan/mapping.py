"""Youzan (有赞) push messages (消息推送) → the hub's order messages. Pure: no I/O, tested on
payloads written from the shape Youzan documents, not captured.

Confirmed, and where (public sources; none of it was tried against Youzan itself):

- The body is one JSON object: ``client_id``, ``id`` (the trade id on trade messages), ``kdt_id``,
  ``kdt_name``, ``mode``, ``msg``, ``msg_id`` ("消息唯一标示"), ``sendCount`` (the re-push count),
  ``sign``, ``status``, ``test``, ``type``, ``version`` ("higher overrides lower"), ``root_kdt_id``:
  the message classes generated from doc.youzanyun.com/detail/MSG/200, /201, /209, /302 in
  github.com/TsangJx/YouZanYunSDK (Msg/TradeTradecloseData.cs, Msg/TradeTradebuyerpayData.cs,
  Msg/TradeRefundRefundSuccessData.cs), and bodies in github.com/zedisdog/laravel-yz-sdk
  (tests/TradeOrderStateTest.php).
- ``msg`` is the message's JSON, URL-encoded (UTF-8): the same SDK's field text "经过UrlEncode(UTF-8)
  编码,需要解码" and github.com/Hanson/youzan-sdk src/Push.php (``json_decode(urldecode(msg))``).
  Spaces come as ``%20`` in older bodies and ``+`` in newer ones: ``unquote_plus`` reads both (a real
  ``+`` is always ``%2B``).
- Trade messages (``trade_TradeCreate``, ``trade_TradePaid``, ``trade_TradeBuyerPay``) carry
  ``full_order_info`` with ``order_info`` (``tid``, ``status``), ``buyer_info`` (``buyer_id``,
  ``buyer_phone``, ``fans_nickname``), ``address_info`` (``receiver_name``, ``receiver_tel``,
  ``delivery_province``/``city``/``district``/``address``, ``delivery_postal_code``,
  ``self_fetch_info``), ``orders[]`` (``outer_sku_id``, ``outer_item_id``, ``sku_id``, ``title``,
  ``sku_properties_name``, ``num``, ``price``, ``payment``) and ``pay_info`` (``payment``):
  zedisdog/laravel-yz-sdk tests/TradeOrderStateTest.php; TsangJx's ``trade_TradeBuyerPay`` ("买家付款
  完成", the trade now waits for the seller to ship) and its status list (WAIT_BUYER_PAY, TRADE_PAID,
  WAIT_SELLER_SEND_GOODS, ..., TRADE_CLOSED).
- ``trade_TradeClose`` (status TRADE_CLOSED: "买家或卖家取消订单、订单全额退款") carries ``tid``,
  ``close_type``, ``close_reason`` (``"NONE"`` when there is none): TsangJx Msg/TradeTradecloseData.cs,
  zedisdog/laravel-yz-sdk tests/TradeOrderStateTest.php.
- The refund messages ``trade_refund_*`` carry ``tid``, ``oids``, ``refund_id``, ``refunded_fee``
  (yuan), ``refund_reason``, ``refund_reason_desc``, ``refund_type`` (REFUND_ONLY,
  REFUND_AND_RETURN), ``update_time``: TsangJx Msg/TradeRefundMsg.cs and its Msg/TradeRefund*Data.cs
  for BuyerCreated, RefundAgain, RefundSellerCreated, RefundSellerAgree, RefundSuccess, SysRefund.
- Personal fields (receiver name, phones, address) may come encrypted (``$…$1$``), to be decrypted
  through Youzan's API: cesing/youzanyun-doc docs/guide/encryption.md. The hub cannot read them, so
  they count as missing and are clarified with the customer.
- The older ``type``/``status`` pair: ``TRADE_ORDER_STATE`` with a trade status, ``TRADE_ORDER_REFUND``:
  zedisdog/laravel-yz-sdk src/Message/BaseMessage.php.

Assumed (no public source found):

- Every Youzan trade is in CNY (a trade has no currency field): a hub that sells in another currency
  clarifies every Youzan order.
- ``youzan_trade_RefundCreated`` / ``RefundSellerAgree`` / ``RefundSuccess`` send ``msg`` as a JSON
  object with the same fields (only a third-party summary of Youzan's docs says so).
- ``sku_properties_name`` is a JSON list of ``{"k": name, "v": value}`` (only ``"[]"`` was seen).
- A classic ``TRADE_ORDER_REFUND`` message's ``msg`` shape was not found: it is acknowledged and
  maps to nothing, as are ``trade_refund_RefundClosed`` and the refusals (the request stays open
  for staff).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

import orjson

from hub import OrderMessage
from plugins.shop.common import ShopSettings, cancellation, money, new_order_message, refund, text

SOURCE = "shop.youzan"
CURRENCY = "CNY"
CIPHERTEXT = re.compile(r"^\$[A-Za-z0-9+/=_-]+\$\d+\$$")  # a personal field Youzan sent encrypted
# The trade exists with its lines: the hub's order is made from the first of them it gets.
TRADE_MESSAGES = frozenset({"trade_TradeCreate", "trade_TradePaid", "trade_TradeBuyerPay"})
LEGACY_TRADE = "TRADE_ORDER_STATE"
CLOSED = "TRADE_CLOSED"
UNPAID = "WAIT_BUYER_PAY"
# A refund asked for or granted: each is the one after-sales request of its refund_id (applied once).
REFUND_MESSAGES = frozenset({
    "trade_refund_BuyerCreated", "trade_refund_RefundAgain", "trade_refund_RefundSellerCreated",
    "trade_refund_RefundSellerAgree", "trade_refund_RefundSuccess", "trade_refund_SysRefund",
    "youzan_trade_RefundCreated", "youzan_trade_RefundSellerAgree", "youzan_trade_RefundSuccess"})
MAPPED = TRADE_MESSAGES | REFUND_MESSAGES | {"trade_TradeClose", LEGACY_TRADE}


def is_test(payload: Mapping[str, Any]) -> bool:
    """Youzan's test push (``test`` true): answered, never an order."""
    return payload.get("test") in (True, "true")


def decode_msg(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``msg`` as a dict: URL-encoded JSON (older messages), plain JSON, or already an object."""
    msg = payload.get("msg")
    if msg in (None, ""):
        return {}
    if isinstance(msg, str):
        raw = msg.strip()
        msg = orjson.loads(raw if raw.startswith("{") else unquote_plus(raw))
    if not isinstance(msg, dict):
        raise ValueError("a Youzan msg is a JSON object")
    return msg


def _plain(value: Any, limit: int) -> str | None:
    """A text field, or None when empty or encrypted (the hub cannot read a ciphertext)."""
    if isinstance(value, str) and CIPHERTEXT.match(value.strip()):
        return None
    return text(value, limit)


def _address(place: Mapping[str, Any]) -> str | None:
    if not _plain(place.get("delivery_address"), 200):
        return None  # a province and a city are no address to deliver to (nor is a self-pickup)
    parts: list[str] = []
    for key in ("delivery_province", "delivery_city", "delivery_district", "delivery_address"):
        part = _plain(place.get(key), 200)
        if part and (not parts or parts[-1] != part):  # 北京市 北京市: a municipality is its own province
            parts.append(part)
    postcode = _plain(place.get("delivery_postal_code"), 16)
    return text(" ".join([*parts, postcode] if postcode else parts), 500)


def _sku(item: Mapping[str, Any]) -> Any:
    """The merchant's code: the spec's (规格编码), else the item's (商品编码), else Youzan's sku_id."""
    for key in ("outer_sku_id", "outer_item_id"):
        if text(item.get(key), 64):
            return item[key]
    return item.get("sku_id") if str(item.get("sku_id") or "0") != "0" else None


def _title(item: Mapping[str, Any]) -> str:
    spec = item.get("sku_properties_name")
    parsed: Any = spec
    if isinstance(spec, str) and spec.strip().startswith("["):
        try:
            parsed = orjson.loads(spec)
        except orjson.JSONDecodeError:
            pass
    values = [p.get("v") if isinstance(p, dict) else p for p in (parsed if isinstance(parsed, list) else [parsed])]
    return " / ".join(str(t) for t in (item.get("title"), *values) if t)


def order_created(full: Mapping[str, Any], settings: ShopSettings, trade_id: Any = None) -> OrderMessage:
    info, buyer = full.get("order_info") or {}, full.get("buyer_info") or {}
    place = full.get("address_info") or {}
    tid = str(info.get("tid") or trade_id or "")
    if not tid:
        raise ValueError("a Youzan trade has order_info.tid")
    buyer_id = str(buyer.get("buyer_id") or "")
    customer_code = f"YOUZAN-C{buyer_id}" if buyer_id.isdigit() and buyer_id != "0" else f"YOUZAN-O{tid}"
    receiver = _plain(place.get("receiver_name"), 200)
    name = (_plain(buyer.get("fans_nickname"), 200) or _plain((info.get("order_extra") or {}).get("buyer_name"), 200)
            or receiver)
    lines = [{"sku": _sku(item), "title": _title(item), "qty": item.get("num"),
              "price": item.get("price") if money(item.get("price")) else item.get("discount_price")}
             for item in full.get("orders") or []]
    return new_order_message(settings, source=SOURCE, order_id=tid, customer_code=customer_code,
                             customer_name=name or customer_code, email=None,
                             phone=_plain(place.get("receiver_tel"), 64) or _plain(buyer.get("buyer_phone"), 64),
                             currency=CURRENCY, address=_address(place), contact_name=receiver or name, lines=lines)


def trade_closed(msg: Mapping[str, Any], settings: ShopSettings, trade_id: Any = None) -> OrderMessage:
    tid = msg.get("tid") or ((msg.get("full_order_info") or {}).get("order_info") or {}).get("tid") or trade_id
    if not tid:
        raise ValueError("a closed Youzan trade names its tid")
    reason = text(msg.get("close_reason"), 200)
    return cancellation(settings, str(tid), None if reason in (None, "NONE") else reason)


def refund_created(msg: Mapping[str, Any], settings: ShopSettings) -> OrderMessage:
    reason = text(msg.get("refund_reason_desc"), 400) or text(msg.get("refund_reason"), 400)
    if msg.get("refund_type") == "REFUND_AND_RETURN":
        reason = f"{reason or 'refund'}; the buyer sends the goods back"
    return refund(settings, str(msg["tid"]), str(msg["refund_id"]), money(msg.get("refunded_fee")), reason)


def parse(payload: Mapping[str, Any], settings: ShopSettings, *, unpaid: bool = False,
          body_signed: bool = False) -> list[OrderMessage]:
    """One push → the hub's messages. ``unpaid``: a trade still waiting for the buyer's payment is an
    order too (else it becomes one when paid; an unpaid trade that expires is closed in Youzan).
    ``body_signed``: only ``msg`` was signed (the classic body ``sign``), so what it means is read from
    ``msg`` alone: the envelope's ``type`` and ``status`` could have been changed on the way."""
    if is_test(payload):
        return []
    if body_signed:
        return _from_signed_msg(payload, settings, unpaid)
    kind, status = str(payload.get("type") or ""), str(payload.get("status") or "")
    if kind not in MAPPED:
        return []  # shipping, item, customer, points messages, refund closed or refused: acknowledged, kept
    msg = decode_msg(payload)
    if kind == "trade_TradeClose" or (kind == LEGACY_TRADE and status == CLOSED):
        return [trade_closed(msg, settings, payload.get("id"))]
    if kind in REFUND_MESSAGES:
        return [refund_created(msg, settings)]
    if kind in TRADE_MESSAGES or "full_order_info" in msg:
        return _trade(msg, kind, status, settings, unpaid, payload.get("id"))
    return []  # a TRADE_ORDER_STATE summary without the trade: nothing to make an order from


def _trade(msg: Mapping[str, Any], kind: str, status: str, settings: ShopSettings, unpaid: bool,
           trade_id: Any) -> list[OrderMessage]:
    full = msg.get("full_order_info")
    if not isinstance(full, dict):
        raise ValueError(f"a Youzan {kind} message carries full_order_info")
    status = status or str((full.get("order_info") or {}).get("status") or "")
    if status == CLOSED:
        return [trade_closed(msg, settings, trade_id)]
    return [] if status == UNPAID and not unpaid else [order_created(full, settings, trade_id)]


def _from_signed_msg(payload: Mapping[str, Any], settings: ShopSettings, unpaid: bool) -> list[OrderMessage]:
    """A classic push: a close only when the signed msg says the trade closed, a refund only when it
    names a refund_id (and the push is one of the refund messages the hub applies), an order only
    from the signed trade and its own status."""
    msg = decode_msg(payload)
    trade_status = str(msg.get("status") or ((msg.get("full_order_info") or {}).get("order_info") or {}).get("status")
                       or "")
    if "close_type" in msg or trade_status == CLOSED:
        return [trade_closed(msg, settings)]
    if msg.get("refund_id"):
        return [refund_created(msg, settings)] if str(payload.get("type") or "") in REFUND_MESSAGES else []
    if isinstance(msg.get("full_order_info"), dict):
        return _trade(msg, "trade", trade_status, settings, unpaid, None)
    return []
