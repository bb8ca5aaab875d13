"""Alembic migrations build exactly the tables the code uses, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hub.core.store.db import upgrade
from hub.core.store.tables import metadata


async def test_migrated_schema_matches_the_tables(engine):
    await upgrade(engine)
    await upgrade(engine)  # idempotent: a second start changes nothing

    def diff(conn):
        return compare_metadata(MigrationContext.configure(conn), metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []
