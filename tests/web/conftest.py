"""Fixtures of the HTTP surface tests: the app on a temporary SQLite file, a fake clock, a client."""
from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from hub.app import create_app
from hub.core.clock import FakeClock
from hub.core.config import HubConfig
from hub.core.runtime import Runtime
from hub.core.service import Hub
from hub.web import keys

from hub_testing import seed_tester

from .web_support import ADMIN_TOKEN, make_config, pg_app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def admin_token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HUB_ADMIN_TOKEN", ADMIN_TOKEN)
    return ADMIN_TOKEN


@pytest.fixture
def config(tmp_path: Path, migrated_db: Path) -> HubConfig:
    shutil.copyfile(migrated_db, tmp_path / "hub.sqlite3")
    return make_config(tmp_path)


@pytest.fixture
def app(config: HubConfig, clock: FakeClock) -> web.Application:
    return create_app(config, clock=clock, run_background=False)


@pytest.fixture
async def client(aiohttp_client: Any, app: web.Application) -> Any:
    return await aiohttp_client(app)


@pytest.fixture
def hub(app: web.Application, client: Any) -> Hub:
    return app[keys.HUB]


@pytest.fixture
def runtime(hub: Hub) -> Runtime:
    return Runtime(hub, inline_tries=1)


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file copied into each test's data folder: start-up then has nothing to migrate."""
    import asyncio

    from hub.core.store.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("template") / "hub.sqlite3"

    async def build() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await seed_tester(engine)
        await engine.dispose()

    asyncio.run(build())
    return path


@pytest.fixture
async def pg_served(aiohttp_client: Any, config: HubConfig, clock: FakeClock) -> AsyncIterator[tuple[Any, Hub]]:
    async with pg_app(aiohttp_client, config, clock, "web") as served:
        yield served


@pytest.fixture(params=["sqlite", "postgresql"])
async def served(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig,
                 clock: FakeClock) -> AsyncIterator[tuple[Any, Hub]]:
    """The app and its hub on each backend: what a sender can send must be answered alike."""
    if request.param == "postgresql":
        async with pg_app(aiohttp_client, config, clock, "web") as pair:
            yield pair
        return
    app = create_app(config, clock=clock, run_background=False)
    client = await aiohttp_client(app)
    yield client, app[keys.HUB]
