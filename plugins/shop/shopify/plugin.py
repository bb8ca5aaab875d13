"""The hooks of ``shop.shopify``: the signature and dedupe header checked, the payload mapped."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from pydantic import Field

from hub import OrderMessage, WebhookReceipt, WebhookRejected, hookimpl
from plugins.shop.common import ShopSettings, hmac_base64_valid
from plugins.shop.shopify.mapping import SOURCE, parse


class ShopifySettings(ShopSettings):
    max_age_hours: float = Field(72.0, gt=0, description=(
        "A delivery triggered longer ago (X-Shopify-Triggered-At) is refused as stale: Shopify retries "
        "for 48 hours, so anything older is a replay."))


class ShopifyPlugin:
    def __init__(self, settings: ShopifySettings) -> None:
        self.settings = settings

    @hookimpl
    def hub_webhook_verify(self, source: str, headers: dict[str, str], body: bytes) -> WebhookReceipt | None:
        if source != SOURCE:
            return None
        if not hmac_base64_valid(self.settings.secret.get_secret_value(), body, headers.get("x-shopify-hmac-sha256")):
            raise WebhookRejected(401, "the X-Shopify-Hmac-Sha256 signature does not match the body")
        triggered = headers.get("x-shopify-triggered-at")
        if triggered:
            try:
                at = datetime.fromisoformat(triggered.replace("Z", "+00:00"))
            except ValueError:
                raise WebhookRejected(400, "X-Shopify-Triggered-At is not a time") from None
            if at.tzinfo is None or datetime.now(UTC) - at > timedelta(hours=self.settings.max_age_hours):
                raise WebhookRejected(401, "the delivery is stale (X-Shopify-Triggered-At)")
        webhook_id = headers.get("x-shopify-webhook-id") or headers.get("x-shopify-event-id")
        return WebhookReceipt(event_id=f"shopify:{webhook_id}" if webhook_id else None)

    @hookimpl
    def hub_webhook_parse(self, source: str, headers: dict[str, str], body: bytes) -> list[OrderMessage] | None:
        if source != SOURCE:
            return None
        payload: Any = orjson.loads(body)
        if not isinstance(payload, dict):
            raise ValueError("a Shopify webhook body is a JSON object")
        return parse(headers.get("x-shopify-topic", ""), payload, self.settings)
