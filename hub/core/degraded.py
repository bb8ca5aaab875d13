"""What keeps the hub running but not well: a plugin's circuit open, dead letters waiting for ops,
webhooks that could not be applied. ``/readyz``, ``/metrics`` and the console report the same list.

Readiness stays "ready" while degraded: the hub still stores every webhook and answers the API, and
a load balancer that took it out of rotation would turn a plugin's outage into lost webhooks.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core.store.tables import circuits, deliveries, inbound_events


def reasons(open_circuits: dict[str, str], dead: int, failed_inbound: int) -> list[str]:
    """The one rule, from figures any reader already has: plugin → circuit state (open ones), dead
    letters, webhooks that could not be applied. Each reason as a short sentence; empty: all is well."""
    out = [f"plugin {plugin}: circuit {state}" for plugin, state in sorted(open_circuits.items())]
    if dead:
        out.append(f"{dead} dead letter{'s' if dead != 1 else ''} waiting for ops")
    if failed_inbound:
        out.append(f"{failed_inbound} inbound event{'s' if failed_inbound != 1 else ''} could not be applied")
    return out


async def degraded(conn: AsyncConnection) -> list[str]:
    """The reasons, read from the database (``/readyz``)."""
    circuits_open = dict((await conn.execute(sa.select(circuits.c.plugin, circuits.c.state)
                                             .where(circuits.c.state != "closed"))).all())
    dead = (await conn.execute(sa.select(sa.func.count()).where(deliveries.c.state == "dead"))).scalar_one()
    failed = (await conn.execute(sa.select(sa.func.count()).where(inbound_events.c.state == "failed"))).scalar_one()
    return reasons(circuits_open, dead, failed)
