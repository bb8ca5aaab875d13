"""HTTP for the vendor clients: the hub's shared session when there is one, faults as hub errors."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from hub import TransientError
from hub.core.models import HookContext


@asynccontextmanager
async def session_for(ctx: HookContext, timeout_s: float) -> AsyncIterator[aiohttp.ClientSession]:
    """``ctx.http`` when the core gave one, else a session closed after the call."""
    if ctx.http is not None:
        yield ctx.http
        return
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as session:
        yield session


async def post(session: aiohttp.ClientSession, url: str, vendor: str, **kwargs: Any) -> tuple[int, dict]:
    """POST and decode the JSON reply; network faults and non-JSON 5xx replies are transient."""
    try:
        async with session.post(url, **kwargs) as response:
            try:
                payload = await response.json(content_type=None)
            except ValueError:
                payload = None
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        raise TransientError(f"{vendor}: {type(exc).__name__}") from None
    if not isinstance(payload, dict):
        if status >= 500 or status == 429:
            raise TransientError(f"{vendor}: HTTP {status}")
        payload = {}
    return status, payload
