"""What ``carrier.kuaidi100`` does for the hub: subscribe booked numbers, read pushes, and bring
back monitoring that Kuaidi100 stopped (``abort``) by re-verifying and re-subscribing
(the follow-up's state and its rule are in ``abort.py``).

Pushes are the tracking channel; the real-time query is paid per call, so it is used only to
re-verify a number after an ``abort``. The hooks in ``plugin.py`` delegate here.
"""
from __future__ import annotations

import structlog

from hub import HookContext, MemoryState, PermanentError, ShipmentSnapshot, TrackingUpdate, TransientError
from plugins.carrier.common.http import Sessions
from plugins.carrier.common.review import UnmappedLog
from plugins.carrier.kuaidi100 import webhook
from plugins.carrier.kuaidi100.abort import AbortFollowUp
from plugins.carrier.kuaidi100.client import Kuaidi100Client
from plugins.carrier.kuaidi100.settings import Kuaidi100Settings
from plugins.carrier.kuaidi100.tracking import parse_push, parse_query
from plugins.carrier.kuaidi100.units import FORWARDED_COMPANIES


class Kuaidi100Tracker:
    def __init__(self, settings: Kuaidi100Settings) -> None:
        self.settings = settings
        self.client = Kuaidi100Client(settings)
        self.sessions = Sessions()
        self.unmapped = UnmappedLog("kuaidi100")
        self.log = structlog.get_logger("plugins.carrier.kuaidi100")
        # Numbers whose monitoring stopped, with the company code to use when re-subscribing; the
        # follow-up itself (tries, next try, gave up) is in the database, shared by all workers.
        self.stopped: dict[str, str] = {}
        self.local_state = MemoryState()  # only for contexts without a database (unit tests)

    def com_for(self, shipment: ShipmentSnapshot) -> str | None:
        return self.settings.carriers.get(shipment.carrier or "") if shipment.tracking_number else None

    async def subscribe(self, shipment: ShipmentSnapshot, ctx: HookContext) -> None:
        com, number = self.com_for(shipment), shipment.tracking_number
        if com is None or number is None:
            return
        await self._subscribe_once(com, number, shipment, ctx)

    async def _subscribe_once(self, com: str, number: str, shipment: ShipmentSnapshot, ctx: HookContext,
                              **log_fields: str | None) -> None:
        key = f"carrier.kuaidi100.subscribed:{com}:{number}"
        if await ctx.seen(key):
            return
        fresh = await self.client.subscribe(self.sessions.get(ctx.http), com, number, shipment.customer.phone)
        ctx.remember(key)
        ctx.log.info("carrier.kuaidi100.subscribed", tracking_number=number, company=com, already=not fresh,
                     **log_fields)

    async def follow_forwarding(self, shipment: ShipmentSnapshot, carrier: str, number: str,
                                ctx: HookContext) -> None:
        """Subscribe the number of the carrier the parcel was handed to (转EMS，单号…): its pushes
        then reach the same shipment, the core matching the number it recorded."""
        com = self.settings.carriers.get(carrier) or (carrier if carrier in FORWARDED_COMPANIES.values() else None)
        if com is None:  # a company without a Kuaidi100 code: the number is on the shipment, for people
            ctx.log.warning("carrier.kuaidi100.forwarded_not_followed", tracking_number=number, carrier=carrier)
            return
        await self._subscribe_once(com, number, shipment, ctx, forwarded_from=shipment.tracking_number)

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
        # The core keeps the subscription health on the shipment; a push this process parsed
        # but the core has not applied yet counts too.
        return shipment.tracking_number in self.stopped or shipment.subscription == "stopped"

    async def resume(self, shipment: ShipmentSnapshot, ctx: HookContext) -> TrackingUpdate | None:
        """Follow up Kuaidi100's ``abort`` by its rule: wait 30 minutes, verify the number once,
        re-subscribe it only if valid, give up after ``max_resubscriptions`` failed tries."""
        number = shipment.tracking_number
        if number is None or not self.needs_resubscription(shipment):
            return None
        follow = AbortFollowUp(ctx.state if ctx.state is not None else self.local_state, number, ctx)
        com = self.stopped.get(number) or self.com_for(shipment) or shipment.carrier or ""
        if not await follow.due(self.settings.max_resubscriptions):
            return None
        try:
            verdict, update = await self._verify_once(follow, shipment, com, ctx)
            if verdict == "not_found":
                await follow.give_up("number_not_found")
                return None
            await self.client.subscribe(self.sessions.get(ctx.http), com, number, shipment.customer.phone)
        except PermanentError as exc:
            if follow.entry.value and follow.entry.value.get("verdict") is not None:  # the subscription was refused
                await follow.failed(str(exc), self.settings.max_resubscriptions)
                return None
            await follow.release()
            raise
        except TransientError:
            await follow.release()
            raise
        self.stopped.pop(number, None)
        await follow.resubscribed(com)
        base = update or TrackingUpdate(carrier=self.settings.carriers_by_com.get(com, shipment.carrier or com),
                                        tracking_number=number)
        return base.model_copy(update={"subscription": "active"})

    async def _verify_once(self, follow: AbortFollowUp, shipment: ShipmentSnapshot, com: str,
                           ctx: HookContext) -> tuple[str, TrackingUpdate | None]:
        """The number's verdict for this abort: queried (paid) at most once, then kept in the state."""
        stored = (follow.entry.value or {}).get("verdict")
        if stored is not None:
            return stored, None
        update = await self._reverify(shipment, com, ctx)
        verdict = "unverified" if not self.settings.customer else ("valid" if update is not None else "not_found")
        await follow.verified(verdict)
        return verdict, update

    async def _reverify(self, shipment: ShipmentSnapshot, com: str, ctx: HookContext) -> TrackingUpdate | None:
        """Kuaidi100's tracking of the number now (the paid query), or None when it has none."""
        if not self.settings.customer or shipment.tracking_number is None:
            return None
        answer = await self.client.query(self.sessions.get(ctx.http), com, shipment.tracking_number,
                                         shipment.customer.phone)
        if answer is None:
            return None
        parsed = parse_query(answer, self.settings.carriers_by_com)
        self.unmapped.report(parsed.unmapped, ctx.log)
        return parsed.update

    async def stop(self) -> None:
        await self.sessions.close()
