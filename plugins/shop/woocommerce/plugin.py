"""The hooks of ``shop.woocommerce``: signature, the delivery id for dedupe, and the ping."""
from __future__ import annotations

import re
from typing import Any

import orjson

from hub import OrderMessage, WebhookReceipt, WebhookRejected, hookimpl
from plugins.shop.common import ShopSettings, hmac_base64_valid
from plugins.shop.woocommerce.mapping import SOURCE, parse

# Saving a webhook in WooCommerce sends this form, unsigned, to check the URL answers: a 200, nothing more.
PING = re.compile(rb"^webhook_id=\d{1,12}$")
OK = b'{"status":"ok"}'  # WooCommerce wants a 200 (its ping especially); 2xx of any kind for deliveries


class WooCommerceSettings(ShopSettings):
    pass


class WooCommercePlugin:
    def __init__(self, settings: WooCommerceSettings) -> None:
        self.settings = settings

    @hookimpl
    def hub_webhook_verify(self, source: str, headers: dict[str, str], body: bytes) -> WebhookReceipt | None:
        if source != SOURCE:
            return None
        if PING.match(body.strip()) and "x-wc-webhook-signature" not in headers:
            return WebhookReceipt(event_id=f"woocommerce:ping:{body.strip().decode()}", reply_body=OK)
        if not hmac_base64_valid(self.settings.secret.get_secret_value(), body, headers.get("x-wc-webhook-signature")):
            raise WebhookRejected(401, "the X-WC-Webhook-Signature signature does not match the body")
        delivery = headers.get("x-wc-webhook-delivery-id")
        return WebhookReceipt(event_id=f"woocommerce:{delivery}" if delivery else None, reply_body=OK)

    @hookimpl
    def hub_webhook_parse(self, source: str, headers: dict[str, str], body: bytes) -> list[OrderMessage] | None:
        if source != SOURCE:
            return None
        if PING.match(body.strip()):
            return []
        payload: Any = orjson.loads(body)
        if not isinstance(payload, dict):
            raise ValueError("a WooCommerce webhook body is a JSON object")
        return parse(headers.get("x-wc-webhook-topic", ""), payload, self.settings)
