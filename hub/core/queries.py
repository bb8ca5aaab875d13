"""Read models for the API, the CLI and the demo: an order with everything around it."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core import attachments
from hub.core.errors import NotFound
from hub.core.store.tables import (ENTITY_TABLES, cases, claims, complaints, customers, deliveries,
                                   delivery_actions, orders, outbox_events, returns, shipments, timeline, timers)


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in result.mappings()]


async def one(conn: AsyncConnection, table: sa.Table, ref: str, key: str = "ref",
              what: str | None = None) -> dict[str, Any]:
    row = (await conn.execute(sa.select(table).where(table.c[key] == ref))).mappings().first()
    if row is None:
        raise NotFound(f"{what or table.name[:-1]} {ref} not found")
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
    for name, table in (("shipments", shipments), ("claims", claims), ("returns", returns), ("cases", cases),
                        ("complaints", complaints)):
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


# --- read models of the HTTP API (hub/web) ------------------------------------------------


async def entity_view(conn: AsyncConnection, entity: str, ref: str) -> dict[str, Any]:
    """A shipment, claim, return, customer or store opening with its open timers and its timeline."""
    table = ENTITY_TABLES[entity]
    row = await one(conn, table, ref, key="code" if entity == "customer" else "ref",
                    what="repair batch" if entity == "repair_batch" else None)
    return {**row, "open_timers": await timers_of(conn, entity=entity, ref=ref, only_open=True),
            "timeline": await entity_timeline(conn, entity, ref)}


async def list_entities(conn: AsyncConnection, entity: str, *, state: str | None = None,
                        order_ref: str | None = None, grade: str | None = None, customer: str | None = None,
                        factory: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    table = ENTITY_TABLES[entity]
    query = sa.select(table).order_by(table.c.id).limit(limit).offset(offset)
    if state:
        query = query.where((table.c.standing if entity == "customer" else table.c.state) == state)
    if order_ref and "order_ref" in table.c:
        query = query.where(table.c.order_ref == order_ref)
    if grade and entity == "customer":
        query = query.where(table.c.grade == grade)
    if customer and "customer_code" in table.c:
        query = query.where(table.c.customer_code == customer)
    if factory and "factory" in table.c:  # repair batches
        query = query.where(table.c.factory == factory)
    return _rows(await conn.execute(query))


async def handoffs_of(conn: AsyncConnection, *, order_ref: str | None, entity: str | None = None,
                      ref: str | None = None) -> list[dict[str, Any]]:
    """Handoffs of an order (all its entities), or of one entity; by the indexed order_ref when known."""
    query = (sa.select(deliveries.c.id, deliveries.c.plugin, deliveries.c.hook, deliveries.c.state,
                       deliveries.c.attempts, deliveries.c.next_attempt_at, deliveries.c.last_error,
                       deliveries.c.error_class, outbox_events.c.entity, outbox_events.c.ref,
                       deliveries.c.updated_at)
             .join(outbox_events, outbox_events.c.id == deliveries.c.event_id).order_by(deliveries.c.id))
    if order_ref:
        query = query.where(outbox_events.c.order_ref == order_ref)
    if entity and ref:
        query = query.where(outbox_events.c.entity == entity, outbox_events.c.ref == ref)
    return _rows(await conn.execute(query))


async def handoff_actions(conn: AsyncConnection, delivery_id: int) -> list[dict[str, Any]]:
    """Who retried or discarded a handoff, and when."""
    query = (sa.select(delivery_actions.c.action, delivery_actions.c.actor, delivery_actions.c.at)
             .where(delivery_actions.c.delivery_id == delivery_id).order_by(delivery_actions.c.id))
    return _rows(await conn.execute(query))


async def page_of(conn: AsyncConnection, entity: str, ref: str) -> dict[str, Any]:
    """An entity as the API and the console show it: its view (an order's with its shipments, claims,
    returns, cases and complaints), its handoffs and its attachments. A store's handoffs are its own:
    its first order's are not the store's (engine.order_ref_of)."""
    if entity == "order":
        view = await order_view(conn, ref)
        view["handoffs"] = await handoffs_of(conn, order_ref=ref)
    else:
        view = await entity_view(conn, entity, ref)
        order_ref = None if entity == "store" else view.get("order_ref")
        view["handoffs"] = await handoffs_of(conn, order_ref=order_ref, entity=entity, ref=ref)
    if entity in attachments.PLURALS:  # its files, each with the document it is (or none: evidence)
        view["attachments"] = await attachments.listed(conn, entity, ref)
    return view
