"""The hub's use cases: every surface (API, CLI, webhooks, dispatcher, demo) goes through here.

Each call is one database transaction: the state change, its timeline entry, its timers and
its outbox deliveries commit together or not at all.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

import pluggy
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.core.clock import Clock, SystemClock
from hub.core.documents import DocumentRenderer
from hub.core.config import HubConfig
from hub.core.domain import claims as _claims
from hub.core.domain import complaints as _complaints
from hub.core.domain import customers as _customers
from hub.core.domain import engine as _engine
from hub.core.domain import orders as _orders
from hub.core.domain import repair_batches as _repair_batches
from hub.core.domain import returns as _returns
from hub.core.domain import shipments as _shipments
from hub.core.domain import stores as _stores
from hub.core.domain import sweeps, tracking
from hub.core.domain.inputs import NewClaim, NewComplaint, NewCustomer, NewOrder, NewReturn, NewShipment, NewStore
from hub.core.domain.tx import Tx
from hub.core.inbound_models import TrackingUpdate
from hub.core.models import FollowUp, Transition
from hub.core.outbox.writer import HookRouter
from hub.core.store.db import begin, make_engine, upgrade

CREATORS = {"customer": _customers, "order": _orders, "shipment": _shipments, "claim": _claims,
            "return": _returns, "store": _stores, "complaint": _complaints, "repair_batch": _repair_batches}


class Hub:
    def __init__(self, config: HubConfig, pm: pluggy.PluginManager, *, clock: Clock | None = None,
                 engine: AsyncEngine | None = None) -> None:
        self.config = config
        self.pm = pm
        self.clock = clock or SystemClock()
        self.engine = engine or make_engine(config.db_url)
        self.router = HookRouter(pm)
        self.documents = DocumentRenderer(config.documents, config.calendar.zone)  # the PDFs of the manuals

    async def start(self) -> None:
        await upgrade(self.engine)

    async def close(self) -> None:
        self.documents.close()
        await self.engine.dispose()

    @asynccontextmanager
    async def unit(self, actor: str = "system", conn: AsyncConnection | None = None,
                   now: datetime | None = None) -> AsyncIterator[Tx]:
        """One transaction; the appends buffered by the unit are written just before it commits."""
        if conn is not None:
            tx = Tx(conn, now or self.clock.now(), self.config, self.router, actor)
            yield tx
            await tx.flush()
            return
        async with begin(self.engine) as own:
            tx = Tx(own, now or self.clock.now(), self.config, self.router, actor)
            yield tx
            await tx.flush()

    # --- commands --------------------------------------------------------------------------

    async def create_customer(self, new: NewCustomer, actor: str = "api") -> dict[str, Any]:
        async with self.unit(actor) as tx:
            return await _customers.create_customer(tx, new)

    async def create_order(self, new: NewOrder, actor: str = "api") -> Transition:
        async with self.unit(actor) as tx:
            return await _orders.create_order(tx, new)

    async def create_shipment(self, order_ref: str, new: NewShipment, actor: str = "api") -> Transition:
        async with self.unit(actor) as tx:
            return await _shipments.create_shipment(tx, order_ref, new)

    async def open_claim(self, new: NewClaim, actor: str = "api") -> Transition:
        async with self.unit(actor) as tx:
            return await _claims.open_claim(tx, new)

    async def request_return(self, new: NewReturn, actor: str = "api") -> Transition:
        async with self.unit(actor) as tx:
            return await _returns.request_return(tx, new)

    async def open_store(self, new: NewStore, actor: str = "api") -> Transition:
        async with self.unit(actor) as tx:
            return await _stores.open_store(tx, new)

    async def record_complaint(self, order_ref: str, new: NewComplaint, actor: str = "api") -> Transition:
        async with self.unit(actor) as tx:
            return await _complaints.record_complaint(tx, order_ref, new)

    async def ship_remedy(self, complaint_ref: str, new: NewShipment, actor: str = "api") -> Transition:
        async with self.unit(actor) as tx:
            return await _complaints.ship_remedy(tx, complaint_ref, new)

    async def pack_repair_batch(self, new: _repair_batches.NewRepairBatch, actor: str = "api") -> Transition:
        async with self.unit(actor) as tx:
            return await _repair_batches.pack_batch(tx, new)

    async def apply(self, entity: str, ref: str, event: str, data: dict[str, Any] | None = None,
                    actor: str = "api") -> Transition:
        async with self.unit(actor) as tx:
            return await _engine.apply(tx, entity, ref, event, data)

    async def review_vip(self, code: str, monthly_volume: Decimal, threshold: Decimal,
                         actor: str = "api") -> Transition:
        data = {"monthly_volume": str(monthly_volume), "threshold": str(threshold)}
        return await self.apply("customer", code, "vip_review", data, actor)

    async def record_tracking(self, update: TrackingUpdate, actor: str = "carrier") -> dict[str, Any] | None:
        async with self.unit(actor) as tx:
            return await tracking.record_tracking(tx, update)

    async def apply_followups(self, conn: AsyncConnection, followups: list[FollowUp], *, actor: str,
                              now: datetime) -> None:
        """What a plugin reported back, applied in the transaction that marks its delivery done."""
        async with self.unit(actor, conn=conn, now=now) as tx:
            for item in followups:
                await _engine.apply(tx, item.entity, item.ref, item.event, item.data)

    async def fire_due_timers(self, limit: int = 200) -> int:
        now = self.clock.now()
        async with self.engine.connect() as conn:
            ids = await sweeps.due_timer_ids(conn, now, limit)
        fired = 0
        for timer_id in ids:
            async with self.unit("timer") as tx:
                fired += await sweeps.fire(tx, timer_id) is not None
        return fired
