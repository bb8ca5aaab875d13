"""Webhook sources: the core's ``orders`` channel and every enabled plugin implementing ``hub_webhook_verify``.

A source checks one request (signature, then shape) and says how to acknowledge it; nothing
is stored until it has. This is the one place where a sender's data is validated: a request
that would fail later gets its 4xx here, where the sender can still fix and resend it, and
the inbox trusts what was stored (it only decodes it).
"""
from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import pluggy
from pydantic import ValidationError

from hub.core.config import HubConfig
from hub.core import catalogue
from hub.core.domain.inputs import NewOrder, NewReturn
from hub.core.errors import InvalidInput, WebhookRejected
from hub.core.inbox import ORDERS_SOURCE, RETURN_REQUESTED, parse_webhook
from hub.core.logging import get_logger
from hub.core.inbound_models import OrderMessage, WebhookReceipt
from hub.core.plugin_host import call
from hub.web.jsonio import NUL_ESCAPE, invalid, nul_field
from hub.web.signatures import StandardWebhookVerifier

log = get_logger()
ORDER_TYPE = re.compile(r"^order\.[a-z_]{1,48}$")


class SourceTimedOut(Exception):
    """The plugin checking a request did not answer in time: the hub's fault, so 503 and a retry."""


@dataclass(frozen=True)
class WebhookSource:
    name: str
    check: Callable[[dict[str, str], bytes, float], Any]  # → WebhookReceipt (maybe awaitable)
    timeout_s: float = 10.0

    async def receipt(self, headers: dict[str, str], body: bytes, now: float) -> WebhookReceipt:
        """Raises WebhookRejected; a plugin's unexpected exception is the sender's malformed input."""
        try:
            result = self.check(headers, body, now)
            if inspect.isawaitable(result):
                result = await asyncio.wait_for(result, self.timeout_s)
        except WebhookRejected:
            raise
        except TimeoutError as exc:
            log.warning("webhook.verify_timed_out", source=self.name, timeout_s=self.timeout_s)
            raise SourceTimedOut(self.name) from exc
        except Exception as exc:  # noqa: BLE001 - logged; a sender must never see a 500
            log.warning("webhook.verify_crashed", source=self.name, error_class=type(exc).__name__)
            raise WebhookRejected(400, f"request could not be read: {type(exc).__name__}") from exc
        return result if isinstance(result, WebhookReceipt) else WebhookReceipt()


def orders_source(config: HubConfig) -> WebhookSource | None:
    """Enabled only when secrets are configured: an unsigned channel would accept anyone's orders."""
    secrets = [s.get_secret_value() for s in config.webhooks.orders_secrets]
    if not secrets:
        return None
    verifier = StandardWebhookVerifier(secrets, config.webhooks.timestamp_tolerance_s)

    def check(headers: dict[str, str], body: bytes, now: float) -> WebhookReceipt:
        event_id = verifier.verify(headers, body, now)
        return WebhookReceipt(event_id=event_id, ordering_key=check_order_message(body))

    return WebhookSource(ORDERS_SOURCE, check)


def check_order_message(body: bytes) -> str | None:
    """``{"type": "order.created", "data": NewOrder}`` or ``{"type": "order.<event>", "data": {"ref", "data"}}``;
    returns the ordering key (the order ref) so one order's messages apply in arrival order."""
    try:
        message = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise WebhookRejected(400, f"body is not JSON: {exc}") from exc
    if not isinstance(message, dict):
        raise WebhookRejected(400, "body must be a JSON object")
    if NUL_ESCAPE in body:  # the walk only when an escape is there: a NUL can come no other way
        refuse_nul(message, "")
    kind, data = message.get("type"), message.get("data")
    if not isinstance(kind, str) or not ORDER_TYPE.match(kind):
        raise WebhookRejected(400, "type must be order.created or order.<event>")
    if not isinstance(data, dict):
        raise WebhookRejected(400, "data must be a JSON object")
    if kind == "order.created":
        try:
            new = NewOrder.model_validate({**data, "source": data.get("source", "shop")})
        except ValidationError as exc:
            raise WebhookRejected(400, str(invalid(exc, "data"))) from exc
        if new.customer is None and new.customer_code is None:
            raise WebhookRejected(400, "data.customer_code or data.customer is required")
        return f"order:{new.ref}" if new.ref else None
    if not isinstance(data.get("ref"), str) or not data["ref"]:
        raise WebhookRejected(400, "data.ref must name the order")
    try:  # the catalogue's check, as the API makes it: unknown events and data keys are refused here
        catalogue.parse(catalogue.event("order", kind.removeprefix("order.")), data.get("data", {}), "data.data")
    except InvalidInput as exc:
        raise WebhookRejected(400, str(exc)) from exc
    return f"order:{data['ref']}"


def check_shop_message(message: OrderMessage) -> str | None:
    """A shop platform's message: an order message, or a refund as an after-sales request."""
    if message.type == RETURN_REQUESTED:
        try:
            request = NewReturn.model_validate(message.data)
        except ValidationError as exc:
            raise WebhookRejected(400, str(invalid(exc, "data"))) from exc
        return f"order:{request.order_ref}"
    return check_order_message(orjson.dumps(message.model_dump(mode="json")))


def refuse_nul(value: Any, prefix: str) -> None:
    """A NUL is refused here, at ingest: the inbox would fail on it for ever on PostgreSQL."""
    if (field := nul_field(value)) is not None:
        raise WebhookRejected(400, f"{prefix}{field}: a NUL character (\\u0000) cannot be part of a text")


def plugin_source(name: str, impl: pluggy.HookImpl, pm: pluggy.PluginManager,
                  timeout_s: float = 10.0) -> WebhookSource:
    async def check(headers: dict[str, str], body: bytes, now: float) -> WebhookReceipt:
        result = await call(impl, None, source=name, headers=headers, body=body)  # its timeout: receipt()
        receipt = result if isinstance(result, WebhookReceipt) else WebhookReceipt()
        if receipt.reply_status >= 300:
            return receipt  # a handshake or a reply the plugin chose: nothing to parse
        try:  # parsed now, so a payload that cannot be applied is the sender's 400, not a silent failure
            updates = parse_webhook(pm, name, headers, body)
        except (ValueError, TypeError, KeyError, AttributeError, ValidationError) as exc:
            raise WebhookRejected(400, f"payload cannot be read: {type(exc).__name__}: {str(exc)[:200]}") from exc
        # What the plugin read, not the body: its format (a form, XML, JSON in a form) may encode a NUL
        # any way. Its JSON (pydantic's, in Rust) escapes one as \u0000: the walk only when that is there.
        if any("\\u0000" in update.model_dump_json() for update in updates):
            refuse_nul(updates, "updates.")
        orders = [u for u in updates if isinstance(u, OrderMessage)]
        if orders:  # a shop's order is checked as /webhooks/orders checks one: refused now, not failed later
            keys = {check_shop_message(o) for o in orders}
            return receipt.model_copy(update={"ordering_key": keys.pop() if len(keys) == 1 else None})
        numbers = sorted({u.tracking_number for u in updates})
        key = f"tracking:{numbers[0]}" if len(numbers) == 1 else None
        return receipt.model_copy(update={"ordering_key": key})

    return WebhookSource(name, check, timeout_s)


def webhook_sources(config: HubConfig, pm: pluggy.PluginManager) -> dict[str, WebhookSource]:
    timeout = config.dispatch.timeout_for
    sources = {impl.plugin_name: plugin_source(impl.plugin_name, impl, pm, timeout(impl.plugin_name))
               for impl in pm.hook.hub_webhook_verify.get_hookimpls()}
    orders = orders_source(config)
    if orders is not None:
        sources[ORDERS_SOURCE] = orders
    return sources
