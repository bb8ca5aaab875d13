"""Rows a unit of work only appends (timeline, new timers, outbox events, deliveries), kept in
memory and written with one executemany per table when the unit commits.

Nothing reads these tables back inside the unit that wrote them, except the few readers that
call ``Tx.flush()`` first, so a batch of a thousand inbound events costs four INSERTs instead
of several thousand. Savepoints roll the buffer back together with the database.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.core.store.access_tables import audit_log
from hub.core.store.tables import deliveries, outbox_events, timeline, timers

# Written in this order: an event row before the deliveries that name it.
TABLES: tuple[sa.Table, ...] = (timeline, timers, outbox_events, deliveries, audit_log)
# One compiled INSERT per table for the life of the process (SQLAlchemy caches its SQL).
_INSERTS = {table.name: table.insert() for table in TABLES}

Mark = tuple[int, ...]


class Appends:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {table.name: [] for table in TABLES}
        self.flushed: dict[str, int] = dict.fromkeys(self.rows, 0)
        # (entity, ref, rule) of the timers opened but not yet written: looked up per transition.
        self.open_timers: set[tuple[str, str, str]] = set()
        self.timer_owners: set[tuple[str, str]] = set()

    def add(self, table: sa.Table, row: dict[str, Any]) -> None:
        self.rows[table.name].append(row)
        if table is timers:
            self.open_timers.add((row["entity"], row["ref"], row["rule"]))
            self.timer_owners.add((row["entity"], row["ref"]))

    def timer_buffered(self, entity: str, ref: str, rule: str | None = None) -> bool:
        if rule is not None:
            return (entity, ref, rule) in self.open_timers
        return (entity, ref) in self.timer_owners

    def _index_timers(self) -> None:
        self.open_timers = {(t["entity"], t["ref"], t["rule"]) for t in self.unflushed(timers)}
        self.timer_owners = {(entity, ref) for entity, ref, _ in self.open_timers}

    def add_many(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        self.rows[table.name].extend(rows)

    def unflushed(self, table: sa.Table) -> list[dict[str, Any]]:
        name = table.name
        return self.rows[name][self.flushed[name]:]

    def mark(self) -> Mark:
        return tuple(len(self.rows[t.name]) for t in TABLES)

    def rollback(self, mark: Mark) -> None:
        """Forget what was added after ``mark``; rows already flushed after it were rolled back
        by the database with the savepoint."""
        for table, length in zip(TABLES, mark, strict=True):
            del self.rows[table.name][length:]
            self.flushed[table.name] = min(self.flushed[table.name], length)
        self._index_timers()

    async def flush(self, conn: AsyncConnection, *only: sa.Table) -> None:
        for table in only or TABLES:
            pending = self.unflushed(table)
            if pending:
                await conn.execute(_INSERTS[table.name], pending)
                self.flushed[table.name] = len(self.rows[table.name])
                if table is timers:
                    self.open_timers.clear()
                    self.timer_owners.clear()
