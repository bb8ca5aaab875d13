"""The benchmark's databases: a fresh SQLite file or a fresh PostgreSQL database per run, and
bulk SQL to fill them fast (pending deliveries, stored order webhooks, finished history,
shipments to track).

Rows go in with one INSERT ... SELECT per chunk, numbered by ``generate_series`` on PostgreSQL
and a recursive CTE on SQLite, never row by row from Python.
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from hub.core.store.db import make_engine, upgrade

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
SQLITE_STAMP = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite DATETIME storage format


def _numbers(dialect: str, count_param: str) -> tuple[str, str]:
    """(WITH clause, FROM source) yielding n = 1..count."""
    if dialect == "postgresql":
        return "", f"generate_series(1, {count_param}) AS c(n)"
    return f"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {count_param}) ", "c"


class BenchDb:
    """One database for one scenario; ``kind`` is ``sqlite`` or ``postgresql``."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        self.path = workdir / f"{self.name}.sqlite3"
        self.loop = asyncio.new_event_loop() if kind == "postgresql" else None
        self._pg: asyncpg.Connection | None = None
        self._lite: sqlite3.Connection | None = None

    @property
    def url(self) -> str:
        if self.kind == "postgresql":
            return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{self.name}"
        return f"sqlite+aiosqlite:///{self.path}"

    # --- life cycle -------------------------------------------------------------------------

    def create(self) -> BenchDb:
        if self.kind == "postgresql":
            self._admin(f'CREATE DATABASE "{self.name}"')
        asyncio.run(self._migrate())
        if self.kind == "postgresql":
            self._pg = self.loop.run_until_complete(asyncpg.connect(
                f"postgresql://postgres@127.0.0.1:5432/{self.name}"))
        else:
            self._lite = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            # Only this loader's connection: the hub's own connections keep synchronous=FULL.
            self._lite.execute("PRAGMA synchronous=OFF")
            self._lite.execute("PRAGMA cache_size=-1000000")
        return self

    async def _migrate(self) -> None:
        engine = make_engine(self.url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    def drop(self) -> None:
        if self._pg is not None:
            self.loop.run_until_complete(self._pg.close())
            self._pg = None
        if self._lite is not None:
            self._lite.close()
            self._lite = None
        if self.kind == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.loop.close()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _admin(self, sql: str) -> None:
        async def run() -> None:
            conn = await asyncpg.connect(PG_ADMIN)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()
        asyncio.run(run())

    # --- statements -------------------------------------------------------------------------

    def stamp(self, when: datetime | None = None) -> Any:
        when = when or datetime.now(UTC)
        return when if self.kind == "postgresql" else when.astimezone(UTC).strftime(SQLITE_STAMP)

    def execute(self, sql: str, *args: Any) -> None:
        """``$1``-style placeholders on both (rewritten to ``?n`` for SQLite)."""
        if self.kind == "postgresql":
            self.loop.run_until_complete(self._pg.execute(sql, *args))
        else:
            self._lite.execute(sql.replace("$", "?"), args)

    def scalar(self, sql: str, *args: Any) -> Any:
        if self.kind == "postgresql":
            return self.loop.run_until_complete(self._pg.fetchval(sql, *args))
        # fetchall: a statement stepped only once keeps its read snapshot open, and every later
        # poll would see the database as it was then (a drain that seems to stall).
        return self._lite.execute(sql.replace("$", "?"), args).fetchall()[0][0]

    def rows(self, sql: str, *args: Any) -> list[tuple]:
        if self.kind == "postgresql":
            return [tuple(r) for r in self.loop.run_until_complete(self._pg.fetch(sql, *args))]
        return self._lite.execute(sql.replace("$", "?"), args).fetchall()

    def unfinished_deliveries(self) -> int:
        return int(self.scalar("SELECT count(*) FROM deliveries WHERE state IN ('pending', 'failed', 'running')"))

    # --- bulk loads -------------------------------------------------------------------------

    def insert_pending(self, count: int, *, plugin: str, payload: dict, tag: str,
                       hook: str = "hub_order_received", chunk: int = 250_000) -> float:
        """``count`` due deliveries of ``hook`` to ``plugin``, each with its own event and order;
        returns the seconds it took."""
        started = time.monotonic()
        pg = self.kind == "postgresql"

        def p(n: int, pg_type: str) -> str:  # asyncpg needs the types; SQLite takes them as they come
            return f"${n}::{pg_type}" if pg else f"${n}"

        key = f"'{tag}-' || ({p(3, 'int')} + n){'::text' if pg else ''}"
        with_, source = _numbers(self.kind, p(4, "int"))
        for first in range(0, count, chunk):
            size = min(chunk, count - first)
            self.execute(
                f"{with_}INSERT INTO outbox_events (id, hook, entity, ref, order_ref, payload, created_at) "
                f"SELECT {key}, {p(1, 'text')}, 'order', 'BENCH-' || {key}, 'BENCH-' || {key}, {p(2, 'json')}, "
                f"{p(5, 'timestamptz')} FROM {source}", hook, json.dumps(payload), first, size, self.stamp())
            self.execute(
                f"{with_}INSERT INTO deliveries (event_id, plugin, hook, state, attempts, next_attempt_at, "
                f"ordering_key, idempotency_key, created_at, updated_at) "
                f"SELECT {key}, {p(2, 'text')}, {p(1, 'text')}, 'pending', 0, {p(5, 'timestamptz')}, "
                f"'order:BENCH-' || {key}, {key} || '/' || {p(2, 'text')}, {p(5, 'timestamptz')}, "
                f"{p(5, 'timestamptz')} FROM {source}", hook, plugin, first, size, self.stamp())
        return time.monotonic() - started

    def insert_customer(self, code: str, name: str, grade: str = "B") -> None:
        """The row ``create_customer`` writes for ``NewCustomer(code, name, grade)`` (without its
        timeline entry), so orders that name the customer find it."""
        from hub.core.domain.inputs import NewCustomer
        from hub.core.lifecycle.customer import CUSTOMER

        row = {**NewCustomer(code=code, name=name, grade=grade).model_dump(), "standing": CUSTOMER.initial,
               "agent": None, "monthly_volume": None, "created_at": self.stamp(), "updated_at": self.stamp()}
        columns = list(row)
        self.execute(f"INSERT INTO customers ({', '.join(columns)}) "
                     f"VALUES ({', '.join(f'${i}' for i in range(1, len(columns) + 1))})", *row.values())

    def insert_order_webhooks(self, count: int, *, tag: str, prefix: bytes, suffix: bytes,
                              chunk: int = 100_000) -> float:
        """``count`` stored, pending ``order.created`` webhooks as the handler stores them (source
        ``orders``, headers ``{}``), body ``prefix + ref + suffix`` with ref ``<tag>-<n>``, which is
        also the dedupe key (the webhook-id) and the ordering key; returns the seconds it took."""
        started = time.monotonic()
        pg = self.kind == "postgresql"
        for first in range(0, count, chunk):
            size = min(chunk, count - first)
            with_, source = _numbers(self.kind, "$2::int" if pg else "$2")
            if pg:
                ref = "($5::text || '-' || ($1::int + n)::text)"
                body = f"$3::bytea || convert_to({ref}, 'UTF8') || $4::bytea"
                stamp = "$6::timestamptz"
            else:
                ref = "($5 || '-' || ($1 + n))"
                body = f"CAST($3 || {ref} || $4 AS BLOB)"
                stamp = "$6"
            self.execute(
                f"{with_}INSERT INTO inbound_events (source, dedupe_key, headers, body, state, attempts, "
                f"received_at, ordering_key) SELECT 'orders', {ref}, '{{}}', {body}, 'pending', 0, {stamp}, {ref} "
                f"FROM {source}", first, size, prefix if pg else prefix.decode(), suffix if pg else suffix.decode(),
                tag, self.stamp())
        return time.monotonic() - started

    def insert_history(self, start: int, count: int, *, chunk: int = 1_000_000,
                       deadline: float | None = None) -> int:
        """Finished history numbered ``start+1 .. start+count``: one processed inbound event, one
        outbox event and one done delivery each. Stops at ``deadline`` (monotonic); returns how
        many were stored."""
        pg = self.kind == "postgresql"
        body = b'{"type":"order.created","data":{"ref":"history"}}'
        payload = '{"_entity":"order","_ref":"history"}'
        stored = 0
        rebuild = self._drop_secondary_indexes() if pg else []
        while stored < count and (deadline is None or time.monotonic() < deadline):
            size = min(chunk, count - stored)
            base = start + stored
            with_, source = _numbers(self.kind, "$2")
            key = "lpad((c.n + $1::int)::text, 10, '0')" if pg else "printf('%010d', c.n + $1)"
            now = self.stamp()
            self._together([
                (f"{with_}INSERT INTO inbound_events (source, dedupe_key, headers, body, state, attempts, "
                 f"received_at, processed_at) SELECT 'orders', 'hist-' || {key}, '{{}}', $3, 'processed', 1, $4, $4 "
                 f"FROM {source}", (base, size, body, now)),
                (f"{with_}INSERT INTO outbox_events (id, hook, entity, ref, order_ref, payload, created_at) "
                 f"SELECT 'hist-' || {key}, 'hub_order_received', 'order', 'HIST-' || {key}, 'HIST-' || {key}, "
                 f"$3{'::json' if pg else ''}, $4 FROM {source}", (base, size, payload, now)),
                (f"{with_}INSERT INTO deliveries (event_id, plugin, hook, state, attempts, next_attempt_at, "
                 f"ordering_key, idempotency_key, created_at, updated_at) "
                 f"SELECT 'hist-' || {key}, 'bench.noop', 'hub_order_received', 'done', 1, $3, "
                 f"'order:HIST-' || {key}, 'hist-' || {key} || '/bench.noop', $3, $3 FROM {source}", (base, size, now)),
            ])
            stored += size
        if pg:
            self.execute("SET maintenance_work_mem = '1GB'")
            self._together([(definition, ()) for definition in rebuild])
            self.execute("ANALYZE")
        return stored

    def _together(self, statements: list[tuple[str, tuple]]) -> None:
        """On PostgreSQL, the statements at once on connections of their own (the server has
        cores to spare while one backend writes); on SQLite, one after the other."""
        if self.kind != "postgresql":
            for sql, args in statements:
                self.execute(sql, *args)
            return

        async def one(sql: str, args: tuple) -> None:
            conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{self.name}")
            try:
                await conn.execute(sql, *args)
            finally:
                await conn.close()

        async def run_all() -> None:
            await asyncio.gather(*(one(sql, args) for sql, args in statements))

        self.loop.run_until_complete(run_all())

    def _drop_secondary_indexes(self) -> list[str]:
        """Plain indexes of the history tables, dropped for the load and rebuilt after it (much
        faster than maintaining them row by row); keys and unique constraints stay."""
        found = self.rows("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
                          "('inbound_events', 'outbox_events', 'deliveries') AND indexname LIKE 'ix_%'")
        for name, _ in found:
            self.execute(f'DROP INDEX "{name}"')
        return [definition for _, definition in found]

    def clone_rows(self, table: str, columns: list[str], overrides: dict[str, str], template_ref: str,
                   count: int) -> None:
        """``count`` copies of the ``ref = template_ref`` row of ``table``; ``overrides`` give the SQL
        of columns that differ per copy, in terms of ``n`` (1..count)."""
        with_, source = _numbers(self.kind, "$2")
        select = ", ".join(overrides.get(col, f"t.{col}") for col in columns)
        self.execute(f"{with_}INSERT INTO {table} ({', '.join(columns)}) SELECT {select} "
                     f"FROM {table} t, {source} WHERE t.ref = $1", template_ref, count)
