"""What every shop plugin shares: its settings, the hub order built from a platform's fields, the
reading of a JSON body, and the signature check of platforms that sign the body with a base64
HMAC-SHA256."""
from __future__ import annotations

import base64
import hashlib
import hmac
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
from pydantic import Field, SecretStr

from hub import OrderMessage, PluginSettings



class ShopSettings(PluginSettings):
    secret: SecretStr = Field(description="The webhook secret the platform signs with; use { env = ... }.")
    currency: str = Field("CNY", min_length=3, max_length=3, description=(
        "The currency the hub sells in: an order in another is recorded and clarified, never dropped."))
    skus: dict[str, str] = Field({}, description=(
        "Shop SKU → the hub's product code. Empty: the SKU is the product code. Set: a SKU not in it is "
        "recorded as the shop sent it and clarified with the customer (the 4-hour rule)."))
    grade: str = Field("C", pattern="^[ABC]$", description="Grade of a shop customer the hub has not graded yet.")
    ref_prefix: str = Field("", max_length=16, pattern=r"^[A-Za-z0-9._-]*$",
                            description="Before the platform's order id in the hub's order reference.")


def hmac_base64_valid(secret: str, body: bytes, presented: str | None) -> bool:
    """Shopify's and WooCommerce's scheme: base64(HMAC-SHA256(secret, raw body)), compared in constant time."""
    if not presented:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, presented.strip().encode("ascii", "replace"))


def json_object(body: bytes, what: str) -> dict[str, Any]:
    """A webhook body that must be one JSON object, else ValueError (the sender's 400)."""
    payload = orjson.loads(body)
    if not isinstance(payload, dict):
        raise ValueError(f"{what} is a JSON object")
    return payload


def money(value: Any) -> str | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return str(amount) if amount.is_finite() and amount >= 0 else None


def text(value: Any, limit: int) -> str | None:
    cleaned = " ".join(str(value).split()) if value not in (None, "") else ""
    return cleaned[:limit] or None


def new_order_message(settings: ShopSettings, *, source: str, order_id: str, customer_code: str,
                      customer_name: str, email: str | None, phone: str | None, currency: str | None,
                      address: str | None, contact_name: str | None,
                      lines: list[dict[str, Any]]) -> OrderMessage:
    """``order.created`` for the hub. ``lines``: sku, title, qty, price as the platform gave them."""
    clarify, hub_lines = [], []
    for n, line in enumerate(lines, start=1):
        sku = text(line.get("sku"), 64)
        code = settings.skus.get(sku) if sku and settings.skus else sku
        if code is None:
            clarify.append(f"line {n} product: the shop's SKU {sku or '(none)'} ({text(line.get('title'), 80)}) "
                           "matches no product code")
            code = sku or f"{source}-line-{n}"
        qty = money(line.get("qty"))
        hub_lines.append({"product_code": code[:64], "spec": text(line.get("title"), 200) or "",
                          "qty": qty if qty and Decimal(qty) > 0 else None, "unit_price": money(line.get("price"))})
    currency = (currency or settings.currency).upper()[:3]
    if currency != settings.currency.upper():
        clarify.append(f"currency: the shop charged in {currency}, the hub sells in {settings.currency.upper()}")
    customer = {"code": customer_code[:64], "name": (customer_name or customer_code)[:200], "grade": settings.grade}
    if email:
        customer["email"] = email[:200]
    if phone:
        customer["phone"] = phone[:64]
    data = {"ref": f"{settings.ref_prefix}{order_id}"[:64], "customer": customer, "lines": hub_lines or [
        {"product_code": f"{source}-empty", "spec": "", "qty": None, "unit_price": None}],
        "currency": currency, "contact": {k: v for k, v in (("name", contact_name), ("phone", phone),
                                                            ("address", address)) if v},
        "source": source[:32], "clarify": clarify[:20]}
    return OrderMessage(type="order.created", data=data)


def cancellation(settings: ShopSettings, order_id: str, reason: str | None) -> OrderMessage:
    return OrderMessage(type="order.cancelled", data={"ref": f"{settings.ref_prefix}{order_id}"[:64],
                                                      "data": {"reason": (reason or "cancelled in the shop")[:500]}})


def refund(settings: ShopSettings, order_id: str, refund_id: str, amount: str | None,
           reason: str | None) -> OrderMessage:
    """A refund asked for in the shop: an after-sales refund request on the order (the after-sales
    rules apply: capped at what was paid, an unshipped order held)."""
    data: dict[str, Any] = {"ref": f"{settings.ref_prefix}RF-{refund_id}"[:64],
                            "order_ref": f"{settings.ref_prefix}{order_id}"[:64], "type": "refund",
                            "reason": (reason or "refund issued in the shop")[:500]}
    if amount:
        data["amount"] = amount
    return OrderMessage(type="return.requested", data=data)
