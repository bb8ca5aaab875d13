"""Engine set-up: SQLite (WAL, synchronous=FULL, BEGIN IMMEDIATE) or PostgreSQL, and migrations."""
from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).with_name("migrations")
# orjson for JSON columns: the outbox payloads are parsed on every delivery.
JSON_CODEC = {"json_serializer": lambda value: orjson.dumps(value, default=str).decode(),
              "json_deserializer": orjson.loads}


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine whose every write is durable before it returns (the webhook 2xx relies on it)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **JSON_CODEC, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_async_engine(url, **JSON_CODEC, **kwargs)


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # Writers (hub.core.store.db.begin) take the write lock up front, or WAL answers
        # SQLITE_BUSY mid-transaction despite busy_timeout. Readers begin deferred: a WAL
        # snapshot that never waits for the writer.
        if conn.get_execution_options().get("hub_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


_WRITE_LOCKS: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()


def write_lock(engine: AsyncEngine) -> asyncio.Lock | None:
    """SQLite has one writer: writers of one process queue here, cooperatively, instead of in
    SQLite's busy handler, which sleeps in growing steps and turns a 1 ms wait into 100 ms."""
    if not is_sqlite(engine):
        return None
    lock = _WRITE_LOCKS.get(engine.sync_engine)
    if lock is None:
        lock = _WRITE_LOCKS[engine.sync_engine] = asyncio.Lock()
    return lock


@asynccontextmanager
async def begin(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """``engine.begin()``, serialised per process on SQLite (see write_lock)."""
    lock = write_lock(engine)
    if lock is None:
        async with engine.begin() as conn:
            yield conn
        return
    async with lock, engine.connect() as conn:
        await conn.execution_options(hub_write=True)
        async with conn.begin():
            yield conn


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Run Alembic migrations; on PostgreSQL under an advisory lock so workers may start together."""
    async with engine.begin() as conn:
        if not is_sqlite(engine):
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(7243001)"))
        await conn.run_sync(_run_upgrade, revision)


def _run_upgrade(connection: sa.Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)
