"""Durable webhook ingest with group commit: one writer task, many events per transaction.

Each request queues its row and awaits a future that resolves only after the transaction
holding the row committed, so the sender's 2xx always follows a durable write (DESIGN rule 2)
while the commit (an fsync on SQLite) is shared by every request that arrived meanwhile.
Admission is strict: an event is counted as pending from the moment it is queued, so requests
arriving together cannot all pass the backlog check before any of them is committed.
The writer holds one pooled connection (pragmas applied by the engine) and talks to its
driver directly: at thousands of events a second the ORM-free SQL below is what is left.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.core.logging import get_logger
from hub.core.store.db import write_lock
from hub.core.store.tables import inbound_events
from hub.web import ingest_sql

log = get_logger()
MAX_BATCH = 500


class StoreUnavailable(Exception):
    """The database did not take the event; the handler answers 503 and the sender retries."""


class Backlogged(Exception):
    """``max_pending`` events are unprocessed already; the handler answers 429 and the sender retries."""


@dataclass
class _Item:
    row: tuple[str, str, bytes, bytes, datetime, str | None]  # source, dedupe_key, headers, body, at, ordering key
    done: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class IngestWriter:
    """Stores inbound events; ``store()`` returns True for a new event, False for a redelivery."""

    def __init__(self, engine: AsyncEngine, *, refresh_seconds: float = 1.0) -> None:
        self.engine = engine
        self.refresh_seconds = refresh_seconds
        self.queue: asyncio.Queue[_Item | None] = asyncio.Queue()  # None: stop after what is queued
        self.insert = (ingest_sql.insert_postgres if engine.dialect.name == "postgresql"
                       else ingest_sql.insert_sqlite)
        self._conn: AsyncConnection | None = None
        self._driver: Any = None
        self._pending_base = 0  # pending in the database when last counted
        self._added = 0  # committed by this writer since
        self._queued = 0  # queued or being committed: admitted, not yet in either count
        self._tasks: list[asyncio.Task[None]] = []
        self.on_stored: Callable[[], None] | None = None  # the background work applies them now
        self._committing = False
        self._stopping = asyncio.Event()

    def busy(self) -> bool:
        """Webhooks are waiting for their commit: the background work of this process shares."""
        return not self.queue.empty() or self._committing

    @property
    def pending(self) -> int:
        """Unprocessed inbound events, cheaply: last counted, plus committed since, plus admitted
        and not yet committed (never a query)."""
        return self._pending_base + self._added + self._queued

    async def refresh_pending(self) -> int:
        added_before = self._added
        async with self.engine.connect() as conn:
            count = (await conn.execute(sa.select(sa.func.count()).select_from(inbound_events)
                                        .where(inbound_events.c.state == "pending"))).scalar_one()
        # Only what was committed before the count began is in it: a batch committed during the
        # count stays added (maybe counted twice until the next count: too strict, never too lax).
        self._pending_base, self._added = int(count), self._added - added_before
        return self.pending

    async def start(self) -> None:
        await self.refresh_pending()
        self._tasks = [asyncio.create_task(self._write_loop(), name="hub.ingest_writer"),
                       asyncio.create_task(self._refresh_loop(), name="hub.ingest_pending")]

    async def stop(self) -> None:
        """Commit what is queued, then stop: a request already waiting still gets its answer."""
        writer, refresher = self._tasks
        # The count's loop ends between two counts, never cancelled inside one: a connect
        # cancelled half-way leaves a database connection nobody closes.
        self._stopping.set()
        self.queue.put_nowait(None)
        await asyncio.gather(writer, refresher, return_exceptions=True)
        await self._disconnect()

    async def store(self, *, source: str, dedupe_key: str, headers_json: bytes, body: bytes,
                    now: datetime, ordering_key: str | None = None, max_pending: int | None = None) -> bool:
        """Raises ``Backlogged`` when ``max_pending`` events are pending, counting those queued."""
        if max_pending is not None and self.pending >= max_pending:
            raise Backlogged
        item = _Item((source, dedupe_key, headers_json, body, now, ordering_key))
        # Counted and queued in one step, no await between: the check above is exact.
        self._queued += 1
        self.queue.put_nowait(item)
        # A cancelled wait (the sender hung up) leaves the row queued: it is stored all the same.
        return await item.done

    async def _write_loop(self) -> None:
        stopping = False
        while not stopping:
            batch = [await self.queue.get()]
            await asyncio.sleep(0)  # let requests already read by the loop queue up too
            # Everything that queued while the previous commit ran goes into this one.
            while not self.queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self.queue.get_nowait())
            stopping = None in batch
            items = [item for item in batch if item is not None]
            if items:
                await self._commit(items)
        while not self.queue.empty():  # late arrivals after the stop mark still get an answer
            await self._commit([item for item in [self.queue.get_nowait()] if item is not None])

    async def _refresh_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self._stopping.wait(), self.refresh_seconds)
                return
            except TimeoutError:
                pass
            try:
                await self.refresh_pending()
            except Exception as exc:  # noqa: BLE001 - a failed count keeps the last one; logged
                log.warning("webhook.pending_count_failed", error_class=type(exc).__name__)

    async def _commit(self, batch: list[_Item]) -> None:
        self._committing = True
        try:
            await self._store(batch)
        finally:
            self._committing = False

    async def _store(self, batch: list[_Item]) -> None:
        try:
            if self._driver is None:
                self._conn = await self.engine.connect()
                self._driver = (await self._conn.get_raw_connection()).driver_connection
            lock = write_lock(self.engine)
            if lock is None:
                inserted = await self.insert(self._driver, [item.row for item in batch])
            else:  # on SQLite, wait for the background work's transaction here, not in SQLite
                async with lock:
                    inserted = await self.insert(self._driver, [item.row for item in batch])
        except Exception as exc:  # noqa: BLE001 - every waiting request gets the failure; logged
            self._queued -= len(batch)
            log.error("webhook.store_failed", events=len(batch), error_class=type(exc).__name__,
                      error=str(exc)[:300])
            await self._disconnect()  # a fresh connection for the next batch
            for item in batch:
                if not item.done.done():
                    item.done.set_exception(StoreUnavailable(type(exc).__name__))
            return
        # Together, so the admitted events move from one count to the other: a redelivery
        # (not inserted) leaves both.
        self._queued -= len(batch)
        self._added += len(inserted)
        if inserted and self.on_stored is not None:
            self.on_stored()
        for item in batch:
            if not item.done.done():
                item.done.set_result(item.row[:2] in inserted)

    async def _disconnect(self) -> None:
        conn, self._conn, self._driver = self._conn, None, None
        if conn is not None:
            try:
                await conn.invalidate()  # the driver may sit mid-transaction: never back to the pool
                await conn.close()
            except Exception as exc:  # noqa: BLE001 - closing a broken connection; logged
                log.warning("webhook.writer_close_failed", error_class=type(exc).__name__)
