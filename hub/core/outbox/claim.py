"""Claiming due deliveries in batches, with a lease; SKIP LOCKED on PostgreSQL.

A delivery is due when it is pending or failed with its next attempt in the past, or running
under an expired lease (its worker died). Per (plugin, order) only the oldest unfinished
delivery is claimable, so one order's ERP postings go in order while other orders proceed.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core.store.types import UTCDateTime

UNFINISHED = ("pending", "failed", "running")

_CLAIM = """
UPDATE deliveries SET state = 'running', lease_owner = :owner, lease_until = :until,
       attempts = attempts + 1, updated_at = :now
WHERE id IN (
    SELECT d.id FROM deliveries d
    WHERE d.state IN ('pending', 'failed', 'running')
      AND ((d.state <> 'running' AND d.next_attempt_at <= :now)
           OR (d.state = 'running' AND d.lease_until < :now))
      AND d.id = (
          SELECT min(e.id) FROM deliveries e
          WHERE e.plugin = d.plugin AND e.ordering_key = d.ordering_key
            AND e.state IN ('pending', 'failed', 'running'))
      {plugins}
    ORDER BY d.id
    LIMIT :limit
    {lock}
)
RETURNING id, event_id, plugin, hook, attempts, idempotency_key, created_at
"""


# Plugins held back (circuit open, or their slots in this process full) are left unclaimed; a
# probe claims for one plugin only.
FILTERS = {"all": "", "except": "AND d.plugin NOT IN :held", "only": "AND d.plugin = :only"}


def _statement(lock: str, plugins: str) -> sa.TextClause:
    text = sa.text(_CLAIM.format(lock=lock, plugins=FILTERS[plugins]))
    binds = [sa.bindparam("now", type_=UTCDateTime), sa.bindparam("until", type_=UTCDateTime)]
    if plugins == "except":
        binds.append(sa.bindparam("held", expanding=True))
    return text.bindparams(*binds).columns(created_at=UTCDateTime)


STATEMENTS = {(dialect, plugins): _statement("FOR UPDATE SKIP LOCKED" if dialect == "postgresql" else "", plugins)
              for dialect in ("sqlite", "postgresql") for plugins in FILTERS}


async def claim_batch(conn: AsyncConnection, *, owner: str, now: datetime, lease_seconds: float,
                      limit: int, held: set[str] | frozenset[str] = frozenset(),
                      only: str | None = None) -> list[dict[str, Any]]:
    dialect = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
    plugins = "only" if only else "except" if held else "all"
    params: dict[str, Any] = {"owner": owner, "now": now, "limit": limit,
                              "until": now + timedelta(seconds=lease_seconds)}
    if only:
        params["only"] = only
    elif held:
        params["held"] = sorted(held)
    result = await conn.execute(STATEMENTS[dialect, plugins], params)
    rows = [dict(r) for r in result.mappings()]
    rows.sort(key=lambda r: r["id"])
    return rows
