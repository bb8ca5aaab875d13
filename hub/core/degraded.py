"""What keeps the hub running but not well: a plugin's circuit open, dead letters waiting for ops,
webhooks that could not be applied. ``/readyz``, ``/metrics`` and the console report the same list.

Readiness stays "ready" while degraded: the hub still stores every webhook and answers the API, and
a load balancer that took it out of rotation would turn a plugin's outage into lost webhooks.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core.store.tables import circuits, deliveries, inbound_events


async def degraded(conn: AsyncConnection) -> list[str]:
    """Each reason, as a short sentence; empty when all is well."""
    reasons = [f"plugin {plugin}: circuit {state}" for plugin, state in (await conn.execute(
        sa.select(circuits.c.plugin, circuits.c.state).where(circuits.c.state != "closed")
        .order_by(circuits.c.plugin))).all()]
    dead = (await conn.execute(sa.select(sa.func.count()).where(deliveries.c.state == "dead"))).scalar_one()
    if dead:
        reasons.append(f"{dead} dead letter{'s' if dead != 1 else ''} waiting for ops")
    failed = (await conn.execute(sa.select(sa.func.count()).where(inbound_events.c.state == "failed"))).scalar_one()
    if failed:
        reasons.append(f"{failed} inbound event{'s' if failed != 1 else ''} could not be applied")
    return reasons
