"""The DHL push webhook: authenticate and check the message before the core stores it. Pure.

DHL push messages carry no signature of their own (carriers.md §1.8); DHL echoes the token
we gave at subscription in our header, which is compared in constant time.
"""
from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any

from hub import WebhookReceipt, WebhookRejected
from plugins.carrier.dhl.settings import DhlSettings

SCOPES = ("subscription.push", "subscription.validate", "subscription.ready", "subscription.failure")


def authenticate(headers: Mapping[str, str], settings: DhlSettings) -> None:
    if settings.push_token is None:
        raise WebhookRejected(401, "DHL push is not configured: push_token is not set")
    given = headers.get(settings.push_header.lower(), "")
    if not hmac.compare_digest(given.encode(), settings.push_token.get_secret_value().encode()):
        raise WebhookRejected(401, f"missing or wrong {settings.push_header} header")


def read_message(body: bytes) -> dict[str, Any]:
    """The push message, or ``WebhookRejected(400)`` naming what is wrong with it."""
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookRejected(400, "body is not UTF-8 JSON") from exc
    if not isinstance(message, dict) or message.get("scope") not in SCOPES:
        raise WebhookRejected(400, f"scope must be one of {', '.join(SCOPES)}")
    if message["scope"] == "subscription.push":
        shipments = message.get("shipments")
        if not isinstance(shipments, list) or not all(
                isinstance(s, dict) and isinstance(s.get("id"), str) and s["id"] for s in shipments):
            raise WebhookRejected(400, "shipments must be a list of shipments with an id")
    if message["scope"] == "subscription.validate" and not (
            isinstance(message.get("secret"), str) and isinstance(message.get("self"), str)):
        raise WebhookRejected(400, "subscription.validate needs self and secret")
    return message


def verify(headers: Mapping[str, str], body: bytes, settings: DhlSettings) -> WebhookReceipt:
    authenticate(headers, settings)
    read_message(body)
    return WebhookReceipt(event_id=None, reply_status=200)  # no id from DHL: the core hashes the body
