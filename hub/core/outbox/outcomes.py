"""Recording what a batch of delivery attempts came to: one transaction per batch, guarded by
the worker's lease, with the follow-ups, remembered keys and circuit counts that go with it."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core.config import HubConfig
from hub.core.errors import HubError, TransientError
from hub.core.logging import get_logger
from hub.core.models import HookContext
from hub.core.outbox.backoff import horizon_passed, next_attempt_at
from hub.core.outbox.circuit import Circuits
from hub.core.store.db import begin
from hub.core.store.tables import deliveries, ledger

log = get_logger()
MINE = sa.and_(deliveries.c.lease_owner == sa.bindparam("owner"), deliveries.c.state == "running")
DONE = (deliveries.update().where(MINE, deliveries.c.id.in_(sa.bindparam("ids", expanding=True)))
        .values(state="done", updated_at=sa.bindparam("now"), lease_owner=None, lease_until=None)
        .returning(deliveries.c.id))
# Not started: back as it was claimed (the claim counted an attempt that did not happen).
RELEASE = (deliveries.update().where(MINE, deliveries.c.id.in_(sa.bindparam("ids", expanding=True)))
           .values(state=sa.case((deliveries.c.attempts > 1, "failed"), else_="pending"),
                   attempts=deliveries.c.attempts - 1, lease_owner=None, lease_until=None,
                   updated_at=sa.bindparam("now")))
_ONE = deliveries.update().where(MINE, deliveries.c.id == sa.bindparam("delivery_id"))


@dataclass
class Attempt:
    """One delivery attempt's result, recorded with the rest of its batch."""

    row: dict[str, Any]
    ctx: HookContext | None
    outcome: str = "done"
    error: Exception | None = None
    duration_ms: float = 0.0


class Recorder:
    def __init__(self, engine: AsyncEngine, config: HubConfig, owner: str, now: Callable[[], datetime],
                 apply_followups: Callable[..., Any], circuits: Circuits) -> None:
        self.engine, self.config, self.owner, self.now = engine, config, owner, now
        self.apply_followups, self.circuits = apply_followups, circuits

    def _values(self, attempt: Attempt, now: datetime) -> dict[str, Any]:
        row, error = attempt.row, attempt.error
        values: dict[str, Any] = {"updated_at": now, "lease_owner": None, "lease_until": None}
        if attempt.outcome == "failed":
            retry_at = next_attempt_at(now, row["attempts"], getattr(error, "retry_after_s", None),
                                       longest_retry_after_s=self.config.dispatch.retry_after_max_s)
            if horizon_passed(row["created_at"], retry_at, self.config.retry_horizon_hours):
                attempt.outcome = "dead"
            values["next_attempt_at"] = retry_at
        if attempt.outcome == "deferred":
            values.update(state="pending", next_attempt_at=error.until, attempts=row["attempts"] - 1)
        else:
            values["state"] = attempt.outcome
        if error is not None:
            values.update(last_error=str(error)[:2000], error_class=type(error).__name__)
        return values

    async def record(self, attempts: list[Attempt]) -> None:
        """One transaction for the whole batch: one UPDATE for the plain successes, one for the
        released, one per other outcome, each guarded by this worker's lease; a lost lease
        means another worker's outcome counts."""
        now = self.now()
        plain = [a for a in attempts if a.outcome == "done" and not a.ctx.followups and not a.ctx.remembered]
        in_plain = {id(a) for a in plain}
        released = [a.row["id"] for a in attempts if a.outcome == "released"]
        try:
            async with begin(self.engine) as conn:
                if plain:
                    kept = set((await conn.execute(DONE, {"ids": [a.row["id"] for a in plain], "owner": self.owner,
                                                           "now": now})).scalars())
                    for a in plain:
                        a.outcome = a.outcome if a.row["id"] in kept else "lease_lost"
                if released:
                    await conn.execute(RELEASE, {"ids": released, "owner": self.owner, "now": now})
                for a in attempts:
                    if id(a) not in in_plain and a.outcome != "released":
                        await self._record_one(conn, a, now)
                await self._count(conn, attempts)
        except Exception as exc:  # the database failed: leases expire and the work is retried
            log.error("outbox.record_failed", deliveries=len(attempts), error_class=type(exc).__name__,
                      error=str(exc)[:300])
            for a in attempts:
                a.outcome = "unrecorded"
        self._log(attempts)

    async def _count(self, conn: Any, attempts: list[Attempt]) -> None:
        """Feed the circuit breakers: transient failures count, successes reset; a permanent
        error says nothing about the plugin's health (it is the payload's)."""
        by_plugin: dict[str, list[tuple[bool, str]]] = defaultdict(list)
        for a in attempts:
            if a.outcome == "done" or a.outcome == "lease_lost":
                by_plugin[a.row["plugin"]].append((True, ""))
            elif isinstance(a.error, TransientError) and a.outcome in ("failed", "dead"):
                by_plugin[a.row["plugin"]].append((False, f"{type(a.error).__name__}: {a.error}"))
        for plugin, outcomes in by_plugin.items():
            await self.circuits.record(conn, plugin, outcomes)

    @staticmethod
    def _log(attempts: list[Attempt]) -> None:
        for a in attempts:
            if a.ctx is None:
                continue  # released: no call was made
            fields: dict[str, Any] = {"outcome": a.outcome, "duration_ms": a.duration_ms}
            if a.error is not None:
                fields.update(error_class=type(a.error).__name__, error=str(a.error)[:500])
            # dead: ops must act; failed: will be retried, but someone watching should see it; else info
            level = {"dead": a.ctx.log.error, "failed": a.ctx.log.warning}.get(a.outcome, a.ctx.log.info)
            level("outbox.delivery_attempt", **fields)

    async def _record_one(self, conn: Any, a: Attempt, now: datetime) -> None:
        values = self._values(a, now)
        result = await conn.execute(_ONE.values(**values), {"owner": self.owner, "delivery_id": a.row["id"]})
        if result.rowcount == 0:
            a.outcome = "lease_lost"
            return
        # Whatever the outcome, what was already sent stays remembered, so a retry after a
        # partial send (one recipient of two) does not send it twice.
        await self._remember(conn, a.ctx, now)
        if a.outcome != "done" or not a.ctx.followups:
            return
        try:
            async with conn.begin_nested():
                await self.apply_followups(conn, a.ctx.followups, actor=a.ctx.plugin, now=now)
        except HubError as exc:
            # The plugin did its work but the hub cannot accept what it reported: ops decide.
            a.outcome, a.error = "dead", exc
            await conn.execute(deliveries.update().where(deliveries.c.id == a.row["id"]).values(
                state="dead", last_error=f"follow-up rejected: {exc}"[:2000], error_class=type(exc).__name__))

    async def _remember(self, conn: Any, ctx: HookContext, now: datetime) -> None:
        for key in dict.fromkeys(ctx.remembered):
            exists = await conn.execute(sa.select(ledger.c.key).where(ledger.c.key == key))
            if exists.first() is None:
                await conn.execute(ledger.insert().values(key=key, plugin=ctx.plugin, at=now))
