"""A plugin's small state in the database, shared by every hub process (``ctx.state``).

Plugins reach it as ``ctx.state`` (a ``PluginState``), keyed per plugin in the ``plugin_state``
table: a JSON value written by compare-and-set (``get``/``put``), and a counter per period that
never passes its limit however many workers count at once (``take``). Both are single atomic
statements, on SQLite and on PostgreSQL. ``MemoryState`` is the same API in one process, for a
context built without a database (unit tests, tools).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core.store.db import begin
from hub.core.store.tables import plugin_state


@dataclass(frozen=True)
class StateEntry:
    """A stored value and its version: pass the version back to ``put`` to change it."""

    value: dict[str, Any] | None
    version: int  # 0: never written


class PluginState:
    """One plugin's keys in ``plugin_state``; every method is one short transaction."""

    def __init__(self, engine: AsyncEngine, plugin: str) -> None:
        self.engine, self.plugin = engine, plugin

    def _row(self, key: str) -> Any:
        return sa.and_(plugin_state.c.plugin == self.plugin, plugin_state.c.key == key)

    async def _ensure(self, conn: Any, key: str) -> None:
        insert = (postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert)(plugin_state)
        await conn.execute(insert.values(plugin=self.plugin, key=key, value=None, version=0, period=None, count=0,
                                         updated_at=datetime.now(UTC)).on_conflict_do_nothing())

    async def get(self, key: str) -> StateEntry:
        """The value stored under ``key`` (None and version 0 when there is none)."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(plugin_state.c.value, plugin_state.c.version)
                                      .where(self._row(key)))).first()
        return StateEntry(None, 0) if row is None else StateEntry(row.value, row.version)

    async def put(self, key: str, value: dict[str, Any], *, version: int) -> bool:
        """Store ``value`` if ``key`` is still at ``version`` (from ``get``); False when another
        process changed it first: read again and decide again."""
        async with begin(self.engine) as conn:
            await self._ensure(conn, key)
            done = await conn.execute(plugin_state.update().where(self._row(key), plugin_state.c.version == version)
                                      .values(value=value, version=version + 1, updated_at=datetime.now(UTC)))
        return done.rowcount == 1

    async def take(self, key: str, limit: int, period: str) -> int | None:
        """Count one use of ``key`` in ``period`` (e.g. a day), unless ``limit`` uses were counted
        in it already: the new count, or None at the limit. A new period starts again at 1."""
        c = plugin_state.c
        async with begin(self.engine) as conn:
            await self._ensure(conn, key)
            counted = await conn.execute(
                plugin_state.update()
                .where(self._row(key), sa.or_(c.period.is_(None), c.period != period, c.count < limit))
                .values(count=sa.case((c.period == period, c.count + 1), else_=1), period=period,
                        updated_at=datetime.now(UTC))
                .returning(c.count))
            row = counted.first()
        return None if row is None else int(row[0])


class MemoryState:
    """``PluginState`` kept in this process only: for contexts built without a database."""

    def __init__(self) -> None:
        self.values: dict[str, StateEntry] = {}
        self.counters: dict[str, tuple[str, int]] = {}

    async def get(self, key: str) -> StateEntry:
        return self.values.get(key, StateEntry(None, 0))

    async def put(self, key: str, value: dict[str, Any], *, version: int) -> bool:
        if self.values.get(key, StateEntry(None, 0)).version != version:
            return False
        self.values[key] = StateEntry(dict(value), version + 1)
        return True

    async def take(self, key: str, limit: int, period: str) -> int | None:
        seen, count = self.counters.get(key, (period, 0))
        count = count if seen == period else 0
        if count >= limit:
            return None
        self.counters[key] = (period, count + 1)
        return count + 1
