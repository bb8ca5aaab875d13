"""Fixtures of the carrier plugin tests: an HTTP session and the fake vendors on local servers."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from carrier_fakes import FakeDhl, FakeKuaidi100


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def dhl(aiohttp_server: Any) -> AsyncIterator[tuple[FakeDhl, str]]:
    fake = FakeDhl()
    server = await aiohttp_server(fake.app())
    yield fake, str(server.make_url("")).rstrip("/")


@pytest.fixture
async def kuaidi100(aiohttp_server: Any) -> AsyncIterator[tuple[FakeKuaidi100, str]]:
    fake = FakeKuaidi100()
    server = await aiohttp_server(fake.app())
    yield fake, str(server.make_url("")).rstrip("/")
