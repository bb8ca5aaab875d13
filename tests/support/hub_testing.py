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


# A user holding every built-in role, with a known token: what the HTTP tests call the API as when a
# test is about a business flow, not about who may do it (tests/web/test_web_roles.py is about that).
TESTER_TOKEN = "hub_tester-token-holding-every-role-0123456789"


async def seed_tester(engine: AsyncEngine) -> None:
    from datetime import UTC, datetime

    from hub.core.roles import DEFAULT_ROLES
    from hub.core.store.access_tables import api_tokens, users
    from hub.core.users import hash_token
    at = datetime(2026, 1, 1, tzinfo=UTC)
    async with engine.begin() as conn:
        if (await conn.execute(sa.select(users.c.id).where(users.c.name == "tester"))).first() is not None:
            return
        user_id = (await conn.execute(users.insert().values(
            name="tester", roles=list(DEFAULT_ROLES), disabled=False, created_at=at,
            updated_at=at))).inserted_primary_key[0]
        await conn.execute(api_tokens.insert().values(
            user_id=user_id, token_hash=hash_token(TESTER_TOKEN), prefix=TESTER_TOKEN[:12], label="tests",
            created_at=at, expires_at=None, last_used_at=None, revoked_at=None))
