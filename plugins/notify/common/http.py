"""HTTP for the vendor clients: the hub's shared session when there is one, faults as hub errors.

The shared session has no timeout of its own (one plugin's limit is not another's), so every
request carries the plugin's ``timeout_s``.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, NamedTuple

import aiohttp

from hub import HookContext, PluginError, TransientError, retry_after_seconds


class Reply(NamedTuple):
    status: int
    payload: dict
    retry_after_s: float | None  # the server's Retry-After: no attempt comes sooner

    def check(self, error: PluginError | None) -> None:
        """Raise the vendor's error for this reply, if any; a transient one keeps the Retry-After."""
        if error is None:
            return
        if isinstance(error, TransientError) and error.retry_after_s is None:
            error.retry_after_s = self.retry_after_s
        raise error


@asynccontextmanager
async def session_for(ctx: HookContext, timeout_s: float) -> AsyncIterator[aiohttp.ClientSession]:
    """``ctx.http`` when the core gave one, else a session closed after the call."""
    if ctx.http is not None:
        yield ctx.http
        return
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as session:
        yield session


async def post(session: aiohttp.ClientSession, url: str, vendor: str, timeout_s: float, **kwargs: Any) -> Reply:
    """POST and decode the JSON reply within ``timeout_s``; network faults, timeouts and non-JSON
    5xx and 429 replies are transient (with the server's Retry-After)."""
    try:
        async with session.post(url, timeout=aiohttp.ClientTimeout(total=timeout_s), **kwargs) as response:
            try:
                payload = await response.json(content_type=None)
            except ValueError:
                payload = None
            status = response.status
            wait = retry_after_seconds(response.headers.get("Retry-After"))
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        raise TransientError(f"{vendor}: {type(exc).__name__}") from None
    if not isinstance(payload, dict):
        if status >= 500 or status == 429:
            raise TransientError(f"{vendor}: HTTP {status}", retry_after_s=wait)
        payload = {}
    return Reply(status, payload, wait)
