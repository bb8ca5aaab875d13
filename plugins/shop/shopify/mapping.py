"""Shopify's webhook payloads (the Order and Refund resources of the Admin REST API) → the hub's
order messages. Pure: no I/O, tested on payloads written from Shopify's documentation."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub import OrderMessage
from plugins.shop.common import ShopSettings, cancellation, money, new_order_message, refund, text

SOURCE = "shop.shopify"


def _address(shipping: Mapping[str, Any]) -> str | None:
    parts = [shipping.get(k) for k in ("address1", "address2", "city", "province", "zip", "country")]
    return text(", ".join(str(p) for p in parts if p), 500)


def order_created(order: Mapping[str, Any], settings: ShopSettings) -> OrderMessage:
    customer = order.get("customer") or {}
    shipping = order.get("shipping_address") or {}
    name = text(" ".join(str(customer.get(k) or "") for k in ("first_name", "last_name")), 200)
    email = text(order.get("email") or customer.get("email"), 200)
    phone = text(shipping.get("phone") or customer.get("phone") or order.get("phone"), 64)
    customer_code = f"SHOPIFY-C{customer['id']}" if customer.get("id") else f"SHOPIFY-O{order['id']}"
    lines = [{"sku": item.get("sku"), "title": " / ".join(str(t) for t in (item.get("title"), item.get("variant_title"))
                                                           if t),
              "qty": item.get("quantity"), "price": item.get("price")} for item in order.get("line_items") or []]
    return new_order_message(settings, source=SOURCE, order_id=str(order["id"]), customer_code=customer_code,
                             customer_name=name or email or customer_code, email=email, phone=phone,
                             currency=text(order.get("currency"), 3), address=_address(shipping),
                             contact_name=text(shipping.get("name"), 200) or name, lines=lines)


def order_cancelled(order: Mapping[str, Any], settings: ShopSettings) -> OrderMessage:
    # X-Shopify-Topic is not under the signature: a captured orders/create body sent again as
    # orders/cancelled must not cancel the order. Only a body Shopify cancelled says when.
    if not order.get("cancelled_at"):
        raise ValueError("an orders/cancelled body without cancelled_at: the topic does not match the signed body")
    return cancellation(settings, str(order["id"]), text(order.get("cancel_reason"), 200))


def refund_created(payload: Mapping[str, Any], settings: ShopSettings) -> OrderMessage:
    amounts = [money(t.get("amount")) for t in payload.get("transactions") or []
               if t.get("kind") == "refund" and t.get("status", "success") == "success"]
    total = sum((float(a) for a in amounts if a), 0.0)
    return refund(settings, str(payload["order_id"]), str(payload["id"]), f"{total:.2f}" if total else None,
                  text(payload.get("note"), 500))


# X-Shopify-Topic → mapping. orders/updated carries nothing the hub applies yet: acknowledged, kept.
TOPICS = {"orders/create": order_created, "orders/cancelled": order_cancelled, "refunds/create": refund_created}


def parse(topic: str, payload: Mapping[str, Any], settings: ShopSettings) -> list[OrderMessage]:
    mapping = TOPICS.get(topic)
    return [mapping(payload, settings)] if mapping else []
