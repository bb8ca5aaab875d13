"""The fault drills in their short form (``python -m drills`` runs them in full): SIGKILL of
``hub serve`` under load with redeliveries, and the bad-input matrix on every route and webhook
source, on SQLite and PostgreSQL. The slow-connection storm is tests/web/test_web_slow_clients.py;
a worker killed mid-handoff is tests/core/test_worker_kill.py."""
from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from drills.bad_input import run_matrix
from drills.kill import run_kill_drill
from hub.core.config import HubConfig

from web.web_support import AUTH, PLUGINS, EntityApi, make_config, served

pytestmark = pytest.mark.drill
SOURCES = ["orders", "carrier.sandbox", "carrier.dhl", "carrier.kuaidi100", "no.such.source"]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_sigkill_under_load_loses_and_duplicates_nothing_acknowledged(backend: str, tmp_path: Path) -> None:
    figures = await run_kill_drill(backend, tmp_path, events=240, kills=2, concurrency=12)
    assert figures.kills == 2 and figures.acknowledged == 240 and figures.redelivered > 0, figures
    assert (figures.lost, figures.duplicated, figures.orders_missing, figures.refused_5xx) == (0, 0, 0, 0), figures
    assert figures.applied_all and figures.errors == [], figures


@pytest.fixture
def config(tmp_path: Path, migrated_db: Path) -> HubConfig:
    shutil.copyfile(migrated_db, tmp_path / "hub.sqlite3")
    plugins = {**PLUGINS, "enabled": [*PLUGINS["enabled"]]}
    return make_config(tmp_path).model_copy(update={"plugins": plugins})


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, aiohttp_client: Any, config: HubConfig, clock: Any,
              tmp_path: Path) -> AsyncIterator[EntityApi]:
    async with served(EntityApi, request.param, "drill", aiohttp_client, config, clock, tmp_path) as api:
        api.backend = request.param
        yield api


async def test_the_bad_input_matrix_gets_no_5xx_and_changes_nothing(api: EntityApi) -> None:
    # every fourth case of the matrix here (about a thousand requests); python -m drills sends all
    figures = await run_matrix(api.http, api.hub.engine, backend=api.backend, auth=AUTH, sources=SOURCES, every=4)
    assert figures.requests > 900
    assert figures.server_errors == [], "\n".join(figures.server_errors[:40])
    assert figures.rows_changed == {}, figures.rows_changed
