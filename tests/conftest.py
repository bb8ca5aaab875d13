"""Shared fixtures: a hub on SQLite or PostgreSQL, with a clock the tests move."""
from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

SUPPORT = Path(__file__).parent / "support"
sys.path.insert(0, str(SUPPORT))

from hub.core.clock import FakeClock  # noqa: E402
from hub.core.config import HubConfig  # noqa: E402
from hub.core.plugins import build_plugin_manager  # noqa: E402
from hub.core.service import Hub  # noqa: E402
from hub.core.store.db import make_engine  # noqa: E402

from hub_testing import fresh_pg_schema  # noqa: E402


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}")
        yield eng
        await eng.dispose()
        return
    async with fresh_pg_schema() as eng:
        yield eng


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> AsyncEngine:
    return make_engine(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}")


@pytest.fixture
async def make_hub(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Callable[..., Any]]:
    """``await make_hub(engine, plugins={...}, **config)`` → a started Hub on that engine."""
    hubs: list[Hub] = []

    async def build(engine: AsyncEngine | None = None, plugins: dict[str, Any] | None = None,
                    **config: Any) -> Hub:
        cfg = HubConfig(data_dir=tmp_path / "data", plugins=plugins or {"enabled": []}, **config)
        hub = Hub(cfg, build_plugin_manager(cfg), clock=clock,
                  engine=engine or make_engine(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"))
        await hub.start()
        hubs.append(hub)
        return hub

    yield build
    for hub in hubs:
        await hub.engine.dispose()
