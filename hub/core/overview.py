"""What is stuck, late or wrong, in numbers and lists: the console's overview and the API's
``/api/timers`` and ``/api/cases`` read these. Set-based queries; nothing here writes."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core.clock import as_utc
from hub.core.outbox.circuit import circuit_rows
from hub.core.store.tables import cases, claims, deliveries, inbound_events, shipments, timers

WAITING = ("pending", "failed", "running", "dead")


async def overview(conn: AsyncConnection, now: datetime, plugins: list[str]) -> dict[str, Any]:
    by_plugin: dict[str, dict[str, int]] = {name: dict.fromkeys(WAITING, 0) for name in plugins}
    rows = await conn.execute(sa.select(deliveries.c.plugin, deliveries.c.state, sa.func.count())
                              .where(deliveries.c.state.in_(WAITING)).group_by(deliveries.c.plugin, deliveries.c.state))
    for plugin, state, n in rows:
        by_plugin.setdefault(plugin, dict.fromkeys(WAITING, 0))[state] = n
    oldest = (await conn.execute(sa.select(sa.func.min(deliveries.c.created_at))
                                 .where(deliveries.c.state.in_(("pending", "failed"))))).scalar()
    last_done = dict((await conn.execute(sa.select(deliveries.c.plugin, sa.func.max(deliveries.c.updated_at))
                                         .where(deliveries.c.state == "done").group_by(deliveries.c.plugin))).all())
    day = now - timedelta(hours=24)
    recent = (await conn.execute(sa.select(deliveries.c.plugin, deliveries.c.state, sa.func.count())
                                 .where(deliveries.c.updated_at >= day,
                                        deliveries.c.state.in_(("done", "failed", "dead")))
                                 .group_by(deliveries.c.plugin, deliveries.c.state))).all()
    tally: dict[str, dict[str, int]] = {}
    for plugin, state, n in recent:
        tally.setdefault(plugin, {})[state] = n
    circuits = {row["plugin"]: row for row in await circuit_rows(conn)}
    health = []
    for name in sorted(by_plugin):
        counts = tally.get(name, {})
        finished = sum(counts.values())
        failed = counts.get("failed", 0) + counts.get("dead", 0)
        circuit = circuits.get(name) or {"state": "closed", "reason": None}
        health.append({"plugin": name, "handoffs": by_plugin[name], "last_success": last_done.get(name),
                       "failure_rate": round(failed / finished, 3) if finished else None,
                       "circuit": circuit["state"], "circuit_reason": circuit.get("reason")})
    open_timers = timers.c.state == "open"
    due = {label: (await conn.execute(sa.select(sa.func.count()).where(open_timers, timers.c.due_at <= now + span)))
           .scalar_one() for label, span in (("due_4h", timedelta(hours=4)), ("due_24h", timedelta(hours=24)))}
    breached = (await conn.execute(sa.select(sa.func.count()).where(timers.c.state == "breached"))).scalar_one()
    overdue = (await conn.execute(sa.select(sa.func.count()).where(open_timers, timers.c.due_at <= now))).scalar_one()
    return {
        "plugins": health,
        "dead_letters": sum(p["dead"] for p in by_plugin.values()),
        "oldest_pending_at": as_utc(oldest) if oldest else None,
        "failed_inbound": (await conn.execute(sa.select(sa.func.count()).where(
            inbound_events.c.state == "failed"))).scalar_one(),
        "timers": {"breached": breached, "overdue": overdue, **due},
        "open_cases": (await conn.execute(sa.select(sa.func.count()).where(cases.c.state == "open"))).scalar_one(),
        "claims_by_state": dict((await conn.execute(sa.select(claims.c.state, sa.func.count())
                                                    .group_by(claims.c.state))).all()),
    }


async def list_timers(conn: AsyncConnection, *, state: str | None = "open", rule: str | None = None,
                      due_before: datetime | None = None, entity: str | None = None, limit: int = 100,
                      offset: int = 0) -> list[dict[str, Any]]:
    """Timers, soonest due first: ``state`` open (default), breached, satisfied or cancelled."""
    query = sa.select(timers).order_by(timers.c.due_at, timers.c.id).limit(limit).offset(offset)
    for column, value in ((timers.c.state, state), (timers.c.rule, rule), (timers.c.entity, entity)):
        if value is not None:
            query = query.where(column == value)
    if due_before is not None:
        query = query.where(timers.c.due_at <= due_before)
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def list_cases(conn: AsyncConnection, *, state: str | None = "open", anomaly: str | None = None,
                     limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Investigation cases, newest first."""
    query = sa.select(cases).order_by(cases.c.id.desc()).limit(limit).offset(offset)
    for column, value in ((cases.c.state, state), (cases.c.anomaly, anomaly)):
        if value is not None:
            query = query.where(column == value)
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def list_shipments(conn: AsyncConnection, *, state: str | None = None, flag: str | None = None,
                         anomaly: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Shipments, newest first, by state, by a flag they carry now, or by an open case's anomaly."""
    query = sa.select(shipments).order_by(shipments.c.id.desc()).limit(limit).offset(offset)
    if state is not None:
        query = query.where(shipments.c.state == state)
    if flag is not None:  # flags is a JSON list: each backend's own way of looking inside it
        if conn.dialect.name == "postgresql":
            query = query.where(sa.cast(shipments.c.flags, JSONB).contains([flag]))
        else:
            query = query.where(sa.text("EXISTS (SELECT 1 FROM json_each(shipments.flags) WHERE value = :flag)")
                                .bindparams(flag=flag))
    if anomaly is not None:
        query = query.where(sa.exists().where(cases.c.shipment_ref == shipments.c.ref, cases.c.anomaly == anomaly,
                                              cases.c.state == "open"))
    return [dict(r) for r in (await conn.execute(query)).mappings()]
