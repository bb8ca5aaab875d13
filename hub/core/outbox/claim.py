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
    ORDER BY d.id
    LIMIT :limit
    {lock}
)
RETURNING id, event_id, plugin, hook, attempts, idempotency_key, created_at
"""


def _statement(lock: str) -> sa.TextClause:
    return (sa.text(_CLAIM.format(lock=lock))
            .bindparams(sa.bindparam("now", type_=UTCDateTime), sa.bindparam("until", type_=UTCDateTime))
            .columns(created_at=UTCDateTime))


CLAIM_SQLITE = _statement("")
CLAIM_POSTGRES = _statement("FOR UPDATE SKIP LOCKED")


async def claim_batch(conn: AsyncConnection, *, owner: str, now: datetime, lease_seconds: float,
                      limit: int) -> list[dict[str, Any]]:
    query = CLAIM_POSTGRES if conn.dialect.name == "postgresql" else CLAIM_SQLITE
    result = await conn.execute(query, {"owner": owner, "now": now, "limit": limit,
                                        "until": now + timedelta(seconds=lease_seconds)})
    rows = [dict(r) for r in result.mappings()]
    rows.sort(key=lambda r: r["id"])
    return rows
