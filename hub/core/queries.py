"""Read models for the API, the CLI and the demo: an order with everything around it."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core.errors import NotFound
from hub.core.store.tables import (cases, claims, customers, orders, returns, shipments, timeline, timers)


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in result.mappings()]


async def one(conn: AsyncConnection, table: sa.Table, ref: str, key: str = "ref") -> dict[str, Any]:
    row = (await conn.execute(sa.select(table).where(table.c[key] == ref))).mappings().first()
    if row is None:
        raise NotFound(f"{table.name[:-1]} {ref} not found")
    return dict(row)


async def entity_timeline(conn: AsyncConnection, entity: str, ref: str) -> list[dict[str, Any]]:
    query = sa.select(timeline).where(timeline.c.entity == entity, timeline.c.ref == ref).order_by(timeline.c.id)
    return _rows(await conn.execute(query))


async def order_timeline(conn: AsyncConnection, order_ref: str) -> list[dict[str, Any]]:
    query = sa.select(timeline).where(sa.or_(timeline.c.order_ref == order_ref,
                                             sa.and_(timeline.c.entity == "order", timeline.c.ref == order_ref))
                                      ).order_by(timeline.c.id)
    return _rows(await conn.execute(query))


async def timers_of(conn: AsyncConnection, order_ref: str | None = None, entity: str | None = None,
                    ref: str | None = None, only_open: bool = False) -> list[dict[str, Any]]:
    query = sa.select(timers).order_by(timers.c.due_at)
    if order_ref:
        query = query.where(timers.c.order_ref == order_ref)
    if entity and ref:
        query = query.where(timers.c.entity == entity, timers.c.ref == ref)
    if only_open:
        query = query.where(timers.c.state == "open")
    return _rows(await conn.execute(query))


async def order_view(conn: AsyncConnection, ref: str) -> dict[str, Any]:
    order = await one(conn, orders, ref)
    related = {}
    for name, table in (("shipments", shipments), ("claims", claims), ("returns", returns), ("cases", cases)):
        related[name] = _rows(await conn.execute(sa.select(table).where(table.c.order_ref == ref)
                                                 .order_by(table.c.id)))
    customer = await one(conn, customers, order["customer_code"], key="code")
    return {**order, "customer": customer, **related,
            "open_timers": await timers_of(conn, order_ref=ref, only_open=True),
            "timeline": await order_timeline(conn, ref)}


async def list_orders(conn: AsyncConnection, *, state: str | None = None, customer: str | None = None,
                      grade: str | None = None, overdue: bool | None = None, now: Any = None,
                      limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    query = sa.select(orders).order_by(orders.c.id).limit(limit).offset(offset)
    if state:
        query = query.where(orders.c.state == state)
    if customer:
        query = query.where(orders.c.customer_code == customer)
    if grade:
        query = query.where(orders.c.customer_code.in_(sa.select(customers.c.code).where(customers.c.grade == grade)))
    if overdue is not None:
        late = sa.select(timers.c.order_ref).where(sa.or_(
            timers.c.state == "breached", sa.and_(timers.c.state == "open", timers.c.due_at < now)))
        query = query.where(orders.c.ref.in_(late) if overdue else orders.c.ref.notin_(late))
    return _rows(await conn.execute(query))
