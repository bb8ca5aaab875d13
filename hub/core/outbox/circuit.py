"""Per-plugin circuit breakers (Convoy's model): after ``failure_threshold`` consecutive transient
failures a plugin's circuit opens and its deliveries wait; after the cooldown one probe runs;
its success closes the circuit, its failure reopens it with the cooldown doubled.

The state lives in the ``circuits`` table, so every worker process holds the same plugin back
and ops see why (``GET /api/plugins``, the ``hub_plugin_circuit_open`` metric). The consecutive
failure count is each process's own: it only decides when to write "open".
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core.config import CircuitSettings
from hub.core.logging import get_logger
from hub.core.store.db import begin
from hub.core.store.tables import circuits, deliveries

log = get_logger()
REFRESH_S = 1.0  # how stale another process's view of a circuit may be
_NOT_CLOSED = sa.select(circuits).where(circuits.c.state != "closed")
# A half-open circuit whose probe never reported (its worker died) may be probed again.
_TAKE_PROBE = (circuits.update()
               .where(circuits.c.plugin == sa.bindparam("p"),
                      sa.or_(sa.and_(circuits.c.state == "open", circuits.c.retry_at <= sa.bindparam("now")),
                             sa.and_(circuits.c.state == "half_open", circuits.c.updated_at < sa.bindparam("stale"))))
               .values(state="half_open", updated_at=sa.bindparam("now")))
# An open circuit's waiting deliveries are due again at the probe time: until then the claim's
# walk of due work never meets them (40,000 of a hung plugin cost every claim a long scan).
_WAIT_FOR_PROBE = (deliveries.update()
                   .where(deliveries.c.plugin == sa.bindparam("p"), deliveries.c.state.in_(("pending", "failed")),
                          deliveries.c.next_attempt_at < sa.bindparam("retry_at"))
                   .values(next_attempt_at=sa.bindparam("retry_at")))
_REOPEN = (circuits.update().where(circuits.c.plugin == sa.bindparam("p"), circuits.c.state == "half_open")
           .values(state="open"))


class Circuits:
    def __init__(self, engine: AsyncEngine, settings: CircuitSettings, now: Callable[[], datetime],
                 probe_stale_s: float = 60.0) -> None:
        self.engine, self.settings, self.now = engine, settings, now
        self.probe_stale_s = probe_stale_s
        self.failures: dict[str, int] = {}
        self.view: dict[str, dict[str, Any]] = {}  # plugin → its row, for circuits not closed
        self._read_at = -REFRESH_S

    async def refresh(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._read_at < REFRESH_S:
            return
        async with self.engine.connect() as conn:
            self.view = {r["plugin"]: dict(r) for r in (await conn.execute(_NOT_CLOSED)).mappings()}
        self._read_at = time.monotonic()

    async def held_back(self) -> tuple[set[str], list[str]]:
        """(plugins not to claim for, plugins whose cooldown ended: one probe each may run)."""
        await self.refresh()
        now = self.now()
        stale = self._stale(now)
        due = [p for p, row in self.view.items()
               if (row["state"] == "open" and row["retry_at"] <= now)
               or (row["state"] == "half_open" and row["updated_at"] < stale)]
        return set(self.view), due

    def _stale(self, now: datetime) -> datetime:
        """Before this, a half-open circuit's probe has had its chance: its worker died."""
        return now - timedelta(seconds=self.probe_stale_s)

    async def take_probe(self, plugin: str) -> bool:
        """Move an open circuit to half-open; True for the one process that did it."""
        now = self.now()
        async with begin(self.engine) as conn:
            taken = (await conn.execute(_TAKE_PROBE, {"p": plugin, "now": now, "stale": self._stale(now)})
                     ).rowcount == 1
        if taken:
            self.view[plugin] = {**self.view[plugin], "state": "half_open", "updated_at": now}
        return taken

    async def reopen(self, conn: Any, plugin: str) -> None:
        """The probe found nothing to deliver: open again, probed as soon as something is due."""
        await conn.execute(_REOPEN, {"p": plugin})
        if plugin in self.view:
            self.view[plugin] = {**self.view[plugin], "state": "open"}

    async def record(self, conn: Any, plugin: str, outcomes: list[tuple[bool, str]]) -> None:
        """Count a batch's results for one plugin ((ok, reason) in order), in the batch's transaction."""
        current = self.view.get(plugin)
        for ok, reason in outcomes:
            if ok:
                self.failures[plugin] = 0
                if current is not None:
                    await self._write(conn, plugin, "closed", None, self.settings.cooldown_s)
                    log.info("outbox.circuit_closed", plugin=plugin)
                    current = None
                continue
            self.failures[plugin] = self.failures.get(plugin, 0) + 1
            if current is not None and current["state"] == "half_open":
                cooldown = min(current["cooldown_s"] * 2, self.settings.max_cooldown_s)
            elif current is None and self.failures[plugin] >= self.settings.failure_threshold:
                cooldown = self.settings.cooldown_s
            else:
                continue
            current = await self._write(conn, plugin, "open", reason, cooldown)
            log.warning("outbox.circuit_opened", plugin=plugin, cooldown_s=cooldown, error=reason[:300])
        if current is None:
            self.view.pop(plugin, None)
        else:
            self.view[plugin] = current

    async def _write(self, conn: Any, plugin: str, state: str, reason: str | None,
                     cooldown: float) -> dict[str, Any]:
        now = self.now()
        row = {"plugin": plugin, "state": state, "failures": self.failures.get(plugin, 0), "reason": reason,
               "opened_at": now if state == "open" else None, "cooldown_s": cooldown,
               "retry_at": now + timedelta(seconds=cooldown) if state == "open" else None, "updated_at": now}
        insert = postgresql.insert(circuits) if conn.dialect.name == "postgresql" else sqlite.insert(circuits)
        await conn.execute(insert.values(**row).on_conflict_do_update(
            index_elements=["plugin"], set_={k: v for k, v in row.items() if k != "plugin"}))
        if state == "open":
            await conn.execute(_WAIT_FOR_PROBE, {"p": plugin, "retry_at": row["retry_at"]})
        if state == "closed":
            self.failures[plugin] = 0
        return row


async def circuit_rows(conn: Any) -> list[dict[str, Any]]:
    """Every plugin's circuit as stored (a plugin never opened has no row: closed)."""
    return [dict(r) for r in (await conn.execute(sa.select(circuits).order_by(circuits.c.plugin))).mappings()]
