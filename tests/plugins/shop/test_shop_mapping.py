"""The shop platforms' payloads → the hub's order messages, pure (payloads from the platforms' docs)."""
from __future__ import annotations

import pytest

from plugins.shop.common import ShopSettings, hmac_base64_valid
from plugins.shop.shopify.mapping import parse as shopify
from plugins.shop.woocommerce.mapping import parse as woocommerce

SETTINGS = ShopSettings(secret="s", skus={"A-1": "SOFA-3"})


def test_shopify_topics_the_hub_does_not_apply_are_acknowledged_and_mapped_to_nothing():
    assert shopify("orders/updated", {"id": 1}, SETTINGS) == []
    assert shopify("products/create", {"id": 1}, SETTINGS) == []


def test_a_shopify_cancellation_must_be_a_cancelled_order_body():
    # the topic header is not signed: an order body that Shopify did not cancel never cancels the order
    with pytest.raises(ValueError, match="cancelled_at"):
        shopify("orders/cancelled", {"id": 5, "cancel_reason": None, "cancelled_at": None}, SETTINGS)
    [message] = shopify("orders/cancelled", {"id": 5, "cancel_reason": "customer",
                                             "cancelled_at": "2026-03-03T10:00:00+08:00"}, SETTINGS)
    assert (message.type, message.data["data"]["reason"]) == ("order.cancelled", "customer")


def test_an_unknown_sku_keeps_the_shops_code_and_is_to_clarify_and_a_known_one_is_translated():
    [message] = shopify("orders/create", {"id": 5, "currency": "CNY", "line_items": [
        {"sku": "A-1", "title": "Sofa", "quantity": 1, "price": "4200.00"},
        {"sku": "", "title": "Gift card", "quantity": 1, "price": "50.00"}]}, SETTINGS)
    assert [line["product_code"] for line in message.data["lines"]] == ["SOFA-3", "shop.shopify-line-2"]
    assert message.data["clarify"] == ["line 2 product: the shop's SKU (none) (Gift card) matches no product code"]
    assert message.data["customer"]["code"] == "SHOPIFY-O5" and message.data["contact"] == {}


def test_woocommerce_refunds_are_each_an_after_sales_request_with_a_positive_amount():
    messages = woocommerce("order.updated", {"id": 9, "status": "refunded", "refunds": [
        {"id": 71, "reason": "damaged", "total": "-120.50"}, {"id": 72, "reason": "", "total": "-10"}]}, SETTINGS)
    assert [(m.type, m.data["ref"], m.data["amount"], m.data["reason"]) for m in messages] == [
        ("return.requested", "RF-71", "120.50", "damaged"), ("return.requested", "RF-72", "10", "refund issued in the shop")]
    assert woocommerce("order.updated", {"id": 9, "status": "processing", "refunds": []}, SETTINGS) == []


def test_the_body_signature_is_base64_hmac_sha256_and_anything_else_is_refused():
    # WooCommerce's documented example shape: base64 of the raw HMAC digest, never hex
    import base64
    import hashlib
    import hmac
    body = b'{"id":1}'
    good = base64.b64encode(hmac.new(b"k", body, hashlib.sha256).digest()).decode()
    assert hmac_base64_valid("k", body, good)
    assert not hmac_base64_valid("k", body, hmac.new(b"k", body, hashlib.sha256).hexdigest())
    assert not hmac_base64_valid("k", body + b" ", good) and not hmac_base64_valid("k", body, None)
