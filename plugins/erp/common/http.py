"""One JSON POST with the hub's transport rules: timeouts and connection faults are transient.

Adapters use the process-wide session from ``ctx.http`` when the core gives one, else a
session for the duration of the call. Vendor status codes are left to each adapter's errors.py.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson

from hub import TransientError, retry_after_seconds


@dataclass(frozen=True)
class HttpReply:
    """What came back: status, headers, cookies set by the server and the raw body."""

    status: int
    headers: Mapping[str, str]
    cookies: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON (proxies answer HTML)."""
        try:
            return orjson.loads(self.body) if self.body else None
        except orjson.JSONDecodeError:
            return None

    def retry_after_s(self) -> float | None:
        """The server's ``Retry-After`` in seconds (either form), for the TransientError of a 429/503."""
        return retry_after_seconds(self.headers.get("Retry-After"))


@asynccontextmanager
async def http_session(shared: aiohttp.ClientSession | None) -> AsyncIterator[aiohttp.ClientSession]:
    """The hub's shared session, or a private one closed after the call."""
    if shared is not None and not shared.closed:
        yield shared
        return
    # Our own cookies are sent explicitly, so a private session keeps no jar.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session


async def post_json(session: aiohttp.ClientSession, url: str, payload: Any, *, vendor: str,
                    headers: Mapping[str, str] | None = None, timeout_s: float = 30.0) -> HttpReply:
    """POST ``payload`` as JSON; a timeout or a refused connection raises TransientError."""
    sent = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
            **(headers or {})}
    try:
        async with session.post(url, data=orjson.dumps(payload), headers=sent,
                                timeout=aiohttp.ClientTimeout(total=timeout_s)) as resp:
            body = await resp.read()
            cookies = {name: morsel.value for name, morsel in resp.cookies.items()}
            return HttpReply(resp.status, resp.headers, cookies, body)
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        raise TransientError(f"{vendor}: {type(exc).__name__} talking to the server: {exc}") from exc
