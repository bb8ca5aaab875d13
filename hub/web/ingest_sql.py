"""The group-commit INSERT of inbound events, one per driver (aiosqlite, asyncpg).

Rows are ``(source, dedupe_key, headers JSON, body, received_at, ordering_key)``; each function stores the
whole batch with one statement, which is one transaction, and returns the (source, dedupe_key) pairs it newly stored.
Values are written in the formats SQLAlchemy's column types read back (see store/types.py).
"""
from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

Row = tuple[str, str, bytes, bytes, datetime, "str | None"]
COLUMNS = "source, dedupe_key, headers, body, state, attempts, received_at, ordering_key"


@functools.lru_cache(maxsize=64)
def _sqlite_statement(rows: int) -> str:
    values = ",".join(["(?, ?, ?, ?, 'pending', 0, ?, ?)"] * rows)
    return (f"INSERT INTO inbound_events ({COLUMNS}) VALUES {values} "
            "ON CONFLICT (source, dedupe_key) DO NOTHING RETURNING source, dedupe_key")


def _sqlite_time(value: datetime) -> str:
    # SQLAlchemy's SQLite DATETIME format, naive UTC (UTCDateTime), always with microseconds.
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


async def insert_sqlite(db: Any, rows: list[Row]) -> set[tuple[str, str]]:
    """aiosqlite in autocommit mode (the engine sets isolation_level=None).

    One statement is one implicit transaction, committed (fsynced, synchronous=FULL) before the
    call returns; execute and fetch run in one hop to the driver's thread.
    """
    params: list[Any] = []
    for source, key, headers, body, at, ordering_key in rows:
        params += (source, key, headers.decode(), body, _sqlite_time(at), ordering_key)
    return {(r[0], r[1]) for r in await db.execute_fetchall(_sqlite_statement(len(rows)), params)}


POSTGRES_STATEMENT = (
    f"INSERT INTO inbound_events ({COLUMNS}) "
    "SELECT s, k, h::json, b, 'pending', 0, t, o "
    "FROM unnest($1::varchar[], $2::varchar[], $3::text[], $4::bytea[], $5::timestamptz[], $6::varchar[]) "
    "AS r(s, k, h, b, t, o) "
    "ON CONFLICT (source, dedupe_key) DO NOTHING RETURNING source, dedupe_key")


async def insert_postgres(conn: Any, rows: list[Row]) -> set[tuple[str, str]]:
    """asyncpg: the batch as arrays through unnest, one statement whatever its size."""
    columns = list(zip(*rows, strict=True))
    # One statement outside a transaction block commits on its own: no BEGIN/COMMIT round trips.
    result = await conn.fetch(POSTGRES_STATEMENT, list(columns[0]), list(columns[1]),
                              [h.decode() for h in columns[2]], list(columns[3]), list(columns[4]),
                              list(columns[5]))
    return {(r[0], r[1]) for r in result}
