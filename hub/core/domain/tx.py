"""One unit of work: the connection of the current transaction plus what every step needs."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core import audit
from hub.core.config import HubConfig
from hub.core.errors import InvalidInput, NotFound
from hub.core.domain.appends import Appends
from hub.core.outbox.writer import HookRouter, event_rows
from hub.core.store.access_tables import audit_log
from hub.core.store.tables import ENTITY_TABLES, deliveries, outbox_events, timeline

_SELECT_BY_KEY = {entity: sa.select(table).where((table.c.code if entity == "customer" else table.c.ref)
                                                 == sa.bindparam("key"))
                  for entity, table in ENTITY_TABLES.items()}
_LOCKED_BY_KEY = {entity: query.with_for_update() for entity, query in _SELECT_BY_KEY.items()}


@dataclass
class Tx:
    conn: AsyncConnection
    now: datetime
    config: HubConfig
    router: HookRouter
    actor: str = "system"
    # The person acting (API token, CLI), None for carriers, plugins and timers: their state
    # changes are also written to the audit trail (hub.core.audit).
    origin: audit.Origin | None = field(default_factory=audit.ORIGIN.get)
    events: list[str] = field(default_factory=list)  # outbox event ids written by this unit
    appends: Appends = field(default_factory=Appends)
    # Customers read in this unit: orders of one batch name few customers, and snapshots need them.
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def today(self) -> date:
        """The business day it is now, in the business's time zone (``[calendar] zone``)."""
        return self.now.astimezone(self.config.calendar.business_calendar.zone).date()

    @property
    def postgres(self) -> bool:
        return self.conn.dialect.name == "postgresql"

    async def flush(self, *only: sa.Table) -> None:
        """Write the buffered appends; readers of timeline, timers or the outbox call this first."""
        await self.appends.flush(self.conn, *only)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A nested transaction whose failure also forgets the appends buffered inside it."""
        mark = self.appends.mark()
        customers = dict(self.customers)
        try:
            async with self.conn.begin_nested():
                yield
        except BaseException:
            self.appends.rollback(mark)
            self.customers = customers
            raise

    async def fetch(self, entity: str, ref: str, *, lock: bool = False) -> dict[str, Any]:
        if entity == "customer" and not lock and ref in self.customers:
            return dict(self.customers[ref])
        query = (_LOCKED_BY_KEY if lock and self.postgres else _SELECT_BY_KEY)[entity]
        row = (await self.conn.execute(query, {"key": ref})).mappings().first()
        if row is None:
            raise NotFound(f"{entity} {ref} not found")
        if entity == "customer":
            self.customers[ref] = dict(row)
        return dict(row)

    async def fetch_referenced(self, entity: str, ref: str, *, field: str) -> dict[str, Any]:
        """An entity named inside a request body: unknown is a bad field (422), not a missing page."""
        try:
            return await self.fetch(entity, ref, lock=True)
        except NotFound as exc:
            raise InvalidInput(f"unknown {entity} {ref}", field=field) from exc

    async def update(self, entity: str, row_id: int, values: dict[str, Any]) -> None:
        table = ENTITY_TABLES[entity]
        if entity == "customer":
            self.customers.clear()  # cheap and rare: read again when next needed
        await self.conn.execute(table.update().where(table.c.id == row_id)
                                .values(**values, updated_at=self.now))

    async def record(self, *, entity: str, ref: str, order_ref: str | None, event: str,
                     previous: str | None, state: str | None, data: dict[str, Any]) -> None:
        self.appends.add(timeline, {"entity": entity, "ref": ref, "order_ref": order_ref, "event": event,
                                    "previous": previous, "state": state, "actor": self.actor, "data": data,
                                    "at": self.now})
        if self.origin is not None:
            self.appends.add(audit_log, audit.row(self.now, self.origin, f"{entity}.{event}", entity, ref,
                                                  previous=previous, state=state))

    async def hook(self, hook: str, *, entity: str, ref: str, order_ref: str | None,
                   payload: dict[str, Any]) -> None:
        rows = event_rows(self.router, hook=hook, entity=entity, ref=ref, order_ref=order_ref,
                          payload={**payload, "_entity": entity, "_ref": ref}, now=self.now)
        if rows is None:
            return
        event, delivery_rows = rows
        self.appends.add(outbox_events, event)
        self.appends.add_many(deliveries, delivery_rows)
        self.events.append(event["id"])
