"""What ``carrier.kuaidi100`` does for the hub: subscribe booked numbers, read pushes, and bring
back monitoring that Kuaidi100 stopped (``abort``) by re-verifying and re-subscribing.

Pushes are the tracking channel; the real-time query is paid per call, so it is used only to
re-verify a number after an ``abort``. The hooks in ``plugin.py`` delegate here.
"""
from __future__ import annotations

import structlog

from hub import HookContext, PermanentError, ShipmentSnapshot, TrackingUpdate
from plugins.carrier.common.http import Sessions
from plugins.carrier.common.review import UnmappedLog
from plugins.carrier.kuaidi100 import webhook
from plugins.carrier.kuaidi100.client import Kuaidi100Client
from plugins.carrier.kuaidi100.settings import Kuaidi100Settings
from plugins.carrier.kuaidi100.tracking import parse_push, parse_query


class Kuaidi100Tracker:
    def __init__(self, settings: Kuaidi100Settings) -> None:
        self.settings = settings
        self.client = Kuaidi100Client(settings)
        self.sessions = Sessions()
        self.unmapped = UnmappedLog("kuaidi100")
        self.log = structlog.get_logger("plugins.carrier.kuaidi100")
        # Numbers whose monitoring stopped, with the company code to use when re-subscribing.
        self.stopped: dict[str, str] = {}
        self.resubscriptions: dict[str, int] = {}

    def com_for(self, shipment: ShipmentSnapshot) -> str | None:
        return self.settings.carriers.get(shipment.carrier or "") if shipment.tracking_number else None

    async def subscribe(self, shipment: ShipmentSnapshot, ctx: HookContext) -> None:
        com, number = self.com_for(shipment), shipment.tracking_number
        if com is None or number is None:
            return
        key = f"carrier.kuaidi100.subscribed:{com}:{number}"
        if await ctx.seen(key):
            return
        fresh = await self.client.subscribe(self.sessions.get(ctx.http), com, number, shipment.customer.phone)
        ctx.remember(key)
        ctx.log.info("carrier.kuaidi100.subscribed", tracking_number=number, company=com, already=not fresh)

    def read_push(self, headers: dict[str, str], body: bytes) -> list[TrackingUpdate]:
        parsed = parse_push(webhook.param_of(headers, body), self.settings.carriers_by_com)
        self.unmapped.report(parsed.unmapped, self.log)
        update = parsed.update
        if update.subscription == "stopped":
            self.stopped[update.tracking_number] = parsed.com
            self.log.warning("carrier.kuaidi100.monitoring_stopped", tracking_number=update.tracking_number,
                             company=parsed.com, message=parsed.message)
        return [update]

    def needs_resubscription(self, shipment: ShipmentSnapshot) -> bool:
        # The core may carry the subscription health on the snapshot; until then the push
        # that said ``abort`` is remembered in this process.
        return shipment.tracking_number in self.stopped or getattr(shipment, "subscription", None) == "stopped"

    async def resume(self, shipment: ShipmentSnapshot, ctx: HookContext) -> TrackingUpdate | None:
        """Re-verify a stopped number (when a customer id is set) and subscribe it again."""
        number = shipment.tracking_number
        if number is None or not self.needs_resubscription(shipment):
            return None
        com = self.stopped.get(number) or self.com_for(shipment) or shipment.carrier or ""
        update = await self._reverify(shipment, com, ctx)
        count = self.resubscriptions.get(number, 0)
        if count >= self.settings.max_resubscriptions:
            ctx.log.error("carrier.kuaidi100.resubscribe_gave_up", tracking_number=number, attempts=count)
            self.stopped.pop(number, None)
            return update
        self.resubscriptions[number] = count + 1
        try:
            await self.client.subscribe(self.sessions.get(ctx.http), com, number, shipment.customer.phone)
        except PermanentError as exc:
            ctx.log.error("carrier.kuaidi100.resubscribe_refused", tracking_number=number, error=str(exc))
        else:
            ctx.log.info("carrier.kuaidi100.resubscribed", tracking_number=number, company=com)
        self.stopped.pop(number, None)
        return update

    async def _reverify(self, shipment: ShipmentSnapshot, com: str, ctx: HookContext) -> TrackingUpdate | None:
        if not self.settings.customer or shipment.tracking_number is None:
            return None
        answer = await self.client.query(self.sessions.get(ctx.http), com, shipment.tracking_number,
                                         shipment.customer.phone)
        if answer is None:
            ctx.log.warning("carrier.kuaidi100.no_result", tracking_number=shipment.tracking_number, company=com)
            return None
        parsed = parse_query(answer, self.settings.carriers_by_com)
        self.unmapped.report(parsed.unmapped, ctx.log)
        return parsed.update

    async def stop(self) -> None:
        await self.sessions.close()
