"""What ``carrier.dhl`` does for the hub: poll within the budget all workers share, subscribe to
push, read pushes.

The hooks in ``plugin.py`` delegate here; HTTP is in ``client.py``, payloads in ``tracking.py``.
"""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import structlog

from hub import (HookContext, MemoryState, PermanentError, PluginState, ShipmentSnapshot, TrackingUpdate,
                 TransientError)
from plugins.carrier.common.http import Sessions
from plugins.carrier.common.review import UnmappedLog
from plugins.carrier.dhl.budget import PollBudget
from plugins.carrier.dhl.client import DhlClient, Subscription
from plugins.carrier.dhl.errors import RateLimited
from plugins.carrier.dhl.settings import DhlSettings
from plugins.carrier.dhl.tracking import parse_push, parse_track_response


class DhlTracker:
    def __init__(self, settings: DhlSettings) -> None:
        self.settings = settings
        self.client = DhlClient(settings)
        self.budget = PollBudget(settings.daily_call_limit, settings.shipment_daily_limit)
        self.local_state = MemoryState()  # only for contexts without a database (unit tests)
        self.sessions = Sessions()
        self.unmapped = UnmappedLog("dhl")
        self.log = structlog.get_logger("plugins.carrier.dhl")
        self.pending: dict[str, Subscription] = {}  # validated by DHL, not yet activated
        self._wake = asyncio.Event()
        self._activator: asyncio.Task[None] | None = None

    def state_of(self, ctx: HookContext) -> PluginState | MemoryState:
        """The budget shared by every worker (the database); this process's own without one."""
        return ctx.state if ctx.state is not None else self.local_state

    def service_for(self, shipment: ShipmentSnapshot) -> str | None:
        return self.settings.services.get(shipment.carrier or "") if shipment.tracking_number else None

    async def poll(self, shipment: ShipmentSnapshot, ctx: HookContext) -> TrackingUpdate | None:
        service, number = self.service_for(shipment), shipment.tracking_number
        if service is None or number is None:
            return None
        state = self.state_of(ctx)
        if reason := await self.budget.spend(state, number, ctx.now):
            ctx.log.info("carrier.dhl.poll_skipped", tracking_number=number, reason=reason)
            return None
        await self.budget.pace(state, self.settings.min_interval_s)
        try:
            body = await self.client.track(self.sessions.get(ctx.http), number, service)
        except RateLimited as exc:
            await self.budget.block(state, ctx.now + timedelta(seconds=exc.retry_after_s or 0))
            ctx.log.warning("carrier.dhl.rate_limited", retry_after_s=exc.retry_after_s)
            raise
        if body is None:  # normal for 10-30 min after the label is created (carriers.md §1.1)
            ctx.log.info("carrier.dhl.not_yet_visible", tracking_number=number)
            return None
        update, unmapped = parse_track_response(body, number, shipment.carrier or "dhl", service)
        self.unmapped.report(unmapped, ctx.log)
        return update

    async def subscribe(self, shipment: ShipmentSnapshot, ctx: HookContext) -> None:
        service, number = self.service_for(shipment), shipment.tracking_number
        if service is None or number is None or not self.settings.push_callback_url:
            return
        key = f"carrier.dhl.push_subscribed:{service}:{number}"
        if await ctx.seen(key):
            return
        session = self.sessions.get(ctx.http)
        subscription = await self.client.subscribe(session, number, service)
        if subscription.secret:  # else DHL sends the secret in a subscription.validate push
            await self.client.activate(session, subscription)
        ctx.remember(key)
        ctx.log.info("carrier.dhl.push_subscribed", tracking_number=number, subscription_id=subscription.id,
                     activated=bool(subscription.secret))

    def read_push(self, body: bytes) -> list[TrackingUpdate]:
        parsed = parse_push(json.loads(body), self.settings.carriers_by_service)
        self.unmapped.report(parsed.unmapped, self.log)
        if parsed.activation:
            self.pending[parsed.activation.subscription_id] = Subscription(
                parsed.activation.subscription_id, parsed.activation.secret)
            self._wake.set()
        return list(parsed.updates)

    async def activate_pending(self, ctx: HookContext) -> None:
        for sub_id, subscription in list(self.pending.items()):
            try:
                await self.client.activate(self.sessions.get(ctx.http), subscription)
            except TransientError as exc:
                ctx.log.warning("carrier.dhl.push_activation_delayed", subscription_id=sub_id, error=str(exc))
                continue
            except PermanentError as exc:  # unknown subscription, wrong secret: retrying cannot help
                ctx.log.error("carrier.dhl.push_activation_refused", subscription_id=sub_id, error=str(exc))
            else:
                ctx.log.info("carrier.dhl.push_activated", subscription_id=sub_id)
            self.pending.pop(sub_id, None)

    async def start(self, ctx: HookContext) -> None:
        async def activate_when_validated() -> None:
            while True:
                await self._wake.wait()
                self._wake.clear()
                await self.activate_pending(ctx)

        self._activator = asyncio.create_task(activate_when_validated())
        if self.pending:
            self._wake.set()

    async def stop(self) -> None:
        if self._activator is not None:
            self._activator.cancel()
            await asyncio.gather(self._activator, return_exceptions=True)
            self._activator = None
        await self.sessions.close()
