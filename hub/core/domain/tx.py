"""One unit of work: the connection of the current transaction plus what every step needs."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core.config import HubConfig
from hub.core.errors import InvalidInput, NotFound
from hub.core.outbox.writer import HookRouter, enqueue
from hub.core.store.tables import ENTITY_TABLES, timeline


@dataclass
class Tx:
    conn: AsyncConnection
    now: datetime
    config: HubConfig
    router: HookRouter
    actor: str = "system"
    events: list[str] = field(default_factory=list)  # outbox event ids written by this unit

    @property
    def postgres(self) -> bool:
        return self.conn.dialect.name == "postgresql"

    async def fetch(self, entity: str, ref: str, *, lock: bool = False) -> dict[str, Any]:
        table = ENTITY_TABLES[entity]
        key = table.c.code if entity == "customer" else table.c.ref
        query = sa.select(table).where(key == ref)
        if lock and self.postgres:
            query = query.with_for_update()
        row = (await self.conn.execute(query)).mappings().first()
        if row is None:
            raise NotFound(f"{entity} {ref} not found")
        return dict(row)

    async def fetch_referenced(self, entity: str, ref: str, *, field: str) -> dict[str, Any]:
        """An entity named inside a request body: unknown is a bad field (422), not a missing page."""
        try:
            return await self.fetch(entity, ref, lock=True)
        except NotFound as exc:
            raise InvalidInput(f"unknown {entity} {ref}", field=field) from exc

    async def update(self, entity: str, row_id: int, values: dict[str, Any]) -> None:
        table = ENTITY_TABLES[entity]
        await self.conn.execute(table.update().where(table.c.id == row_id)
                                .values(**values, updated_at=self.now))

    async def record(self, *, entity: str, ref: str, order_ref: str | None, event: str,
                     previous: str | None, state: str | None, data: dict[str, Any]) -> None:
        await self.conn.execute(timeline.insert().values(
            entity=entity, ref=ref, order_ref=order_ref, event=event, previous=previous, state=state,
            actor=self.actor, data=data, at=self.now))

    async def hook(self, hook: str, *, entity: str, ref: str, order_ref: str | None,
                   payload: dict[str, Any]) -> None:
        event_id = await enqueue(self.conn, self.router, hook=hook, entity=entity, ref=ref,
                                 order_ref=order_ref, payload={**payload, "_entity": entity, "_ref": ref},
                                 now=self.now)
        if event_id:
            self.events.append(event_id)
