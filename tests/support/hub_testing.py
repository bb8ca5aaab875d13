"""Helpers the core tests import (kept out of conftest.py, which other conftests can shadow)."""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.core.store.db import make_engine

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SUPPORT = Path(__file__).resolve().parent


def recorder(tmp_path: Path, **settings: Any) -> dict[str, Any]:
    """Plugin config enabling the recording test plugin."""
    name = "hub_test_plugins:RECORDER"
    return {"enabled": [name], name: {"calls_file": str(tmp_path / "calls.jsonl"),
                                      "effects_file": str(tmp_path / "effects.txt"), **settings}}


@asynccontextmanager
async def fresh_pg_schema(prefix: str = "t") -> AsyncIterator[AsyncEngine]:
    """An engine on a PostgreSQL schema of its own, dropped afterwards: tests never share tables."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
