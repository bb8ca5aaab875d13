"""The console under test (fixtures for test_web_console*.py): the real app on a local port, a hub whose ERP fails until told not to,
and Debian's chromium driven by Playwright (no browser is downloaded; .ci/run installs chromium)."""
from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from hub import PermanentError, hookimpl
from hub.core.config import HubConfig
from hub.core.runtime import Runtime

from .web_support import AUTH, hub_with_plugin, make_config

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
# Chromium's own background traffic is refused on a closed network, and slows every start.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


class MoodyErp:
    """Refuses orders with a vendor's message until ``fixed``: a dead letter, then a successful retry."""

    def __init__(self) -> None:
        self.fixed = False

    @hookimpl
    async def hub_order_received(self, order: Any, ctx: Any) -> None:
        if not self.fixed:
            raise PermanentError("ERP says: customer C-WEB is on credit hold (code 4031)")


class Site:
    def __init__(self, client: Any, hub: Any, erp: MoodyErp) -> None:
        self.client, self.hub, self.erp = client, hub, erp
        self.url = str(client.server.make_url("/")).rstrip("/")
        self.runtime = Runtime(hub, inline_tries=1)


@pytest.fixture
async def site(aiohttp_client: Any, tmp_path: Path, clock: Any, migrated_db: Path) -> AsyncIterator[Site]:
    shutil.copyfile(migrated_db, tmp_path / "hub.sqlite3")
    config: HubConfig = make_config(tmp_path)
    erp = MoodyErp()
    client, hub = await hub_with_plugin(aiohttp_client, config, clock, erp, "erp.moody")
    yield Site(client, hub, erp)
    await hub.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium is not installed at {CHROMIUM}: apt-get install -y chromium (.ci/run does)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


async def shot(page: Any, name: str) -> None:
    """A screenshot of the page as a test artefact (test-artifacts/console/NAME.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


__all__ = ["AUTH", "Site", "shot"]
