"""Carrier sandbox: every booked shipment makes the scripted journey; pushes come as plain JSON."""
from __future__ import annotations

import hmac
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from hub import (HookContext, ShipmentSnapshot, TrackingUpdate, Transition, WebhookReceipt, WebhookRejected,
                hookimpl)

from .settings import CarrierSandboxSettings
from .tracking import parse_push, scripted

SOURCE = "carrier.sandbox"


class CarrierSandbox:
    """A carrier with no server, for the demo and the default config."""

    def __init__(self, settings: CarrierSandboxSettings) -> None:
        self.settings = settings

    def _bookings(self, ctx: HookContext) -> Path:
        return Path(ctx.data_dir or "data") / "carrier-sandbox-bookings.json"

    @hookimpl
    def hub_register_carriers(self, register: Any) -> None:
        register(self.settings.carrier_code)

    @hookimpl
    async def hub_shipment_booked(self, shipment: ShipmentSnapshot, transition: Transition,
                                  ctx: HookContext) -> None:
        if shipment.carrier != self.settings.carrier_code:
            return
        path = self._bookings(ctx)
        bookings = json.loads(path.read_text()) if path.exists() else {}
        bookings.setdefault(shipment.tracking_number, transition.at.isoformat())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(bookings))

    @hookimpl
    async def hub_tracking_poll(self, shipment: ShipmentSnapshot, ctx: HookContext) -> TrackingUpdate | None:
        path = self._bookings(ctx)
        bookings = json.loads(path.read_text()) if path.exists() else {}
        booked = bookings.get(shipment.tracking_number)
        if booked is None:
            return None
        return scripted(self.settings.carrier_code, shipment.tracking_number or "",
                        datetime.fromisoformat(booked), ctx.now, self.settings.script)

    @hookimpl
    def hub_webhook_verify(self, source: str, headers: dict[str, str], body: bytes) -> WebhookReceipt | None:
        if source != SOURCE:
            return None
        token = headers.get("x-sandbox-token", "")
        if not hmac.compare_digest(token.encode(), self.settings.token.get_secret_value().encode()):
            raise WebhookRejected(401, "missing or wrong x-sandbox-token")
        try:
            body_json = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WebhookRejected(400, f"body is not JSON: {exc}") from exc
        parse_push(self.settings.carrier_code, body_json)  # reject malformed pushes before storing
        return WebhookReceipt(event_id=body_json.get("event_id"))

    @hookimpl
    def hub_webhook_parse(self, source: str, headers: dict[str, str], body: bytes) -> list[TrackingUpdate] | None:
        if source != SOURCE:
            return None
        return [parse_push(self.settings.carrier_code, json.loads(body))]
