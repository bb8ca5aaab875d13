"""WooCommerce's webhook payloads (the REST API v3 Order resource) → the hub's order messages. Pure,
tested on payloads written from WooCommerce's REST API documentation."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub import OrderMessage
from plugins.shop.common import ShopSettings, cancellation, money, new_order_message, refund, text

SOURCE = "shop.woocommerce"


def _address(place: Mapping[str, Any]) -> str | None:
    parts = [place.get(k) for k in ("address_1", "address_2", "city", "state", "postcode", "country")]
    return text(", ".join(str(p) for p in parts if p), 500)


def order_created(order: Mapping[str, Any], settings: ShopSettings) -> OrderMessage:
    billing, shipping = order.get("billing") or {}, order.get("shipping") or {}
    place = shipping if shipping.get("address_1") else billing
    name = text(" ".join(str(billing.get(k) or "") for k in ("first_name", "last_name")), 200)
    email = text(billing.get("email"), 200)
    customer_code = f"WOO-C{order['customer_id']}" if order.get("customer_id") else f"WOO-G{order['id']}"  # G: guest
    lines = [{"sku": item.get("sku"), "title": item.get("name"), "qty": item.get("quantity"),
              "price": item.get("price")} for item in order.get("line_items") or []]
    contact = text(" ".join(str(place.get(k) or "") for k in ("first_name", "last_name")), 200) or name
    return new_order_message(settings, source=SOURCE, order_id=str(order["id"]), customer_code=customer_code,
                             customer_name=name or email or customer_code, email=email,
                             phone=text(shipping.get("phone") or billing.get("phone"), 64),
                             currency=text(order.get("currency"), 3), address=_address(place),
                             contact_name=contact, lines=lines)


def order_updated(order: Mapping[str, Any], settings: ShopSettings) -> list[OrderMessage]:
    """A status the hub acts on: cancelled, or refunded (each refund once, by its id)."""
    status = order.get("status")
    if status == "cancelled":
        return [cancellation(settings, str(order["id"]), text(order.get("customer_note"), 200))]
    out = []
    for item in order.get("refunds") or []:
        amount = money(str(item.get("total", "")).lstrip("-"))
        out.append(refund(settings, str(order["id"]), str(item["id"]), amount, text(item.get("reason"), 500)))
    return out


def parse(topic: str, payload: Mapping[str, Any], settings: ShopSettings) -> list[OrderMessage]:
    if topic == "order.created":
        return [order_created(payload, settings)]
    if topic == "order.updated":
        return order_updated(payload, settings)
    return []  # order.deleted, order.restored, other resources: acknowledged, nothing to apply
