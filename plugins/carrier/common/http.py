"""The HTTP session a carrier client uses: the hub's shared one, else one of its own."""
from __future__ import annotations

import aiohttp


class Sessions:
    """Hands out ``ctx.http`` when the core gives one; otherwise opens one and closes it at shutdown."""

    def __init__(self) -> None:
        self._own: aiohttp.ClientSession | None = None

    def get(self, shared: aiohttp.ClientSession | None) -> aiohttp.ClientSession:
        if shared is not None and not shared.closed:
            return shared
        if self._own is None or self._own.closed:
            self._own = aiohttp.ClientSession()
        return self._own

    async def close(self) -> None:
        if self._own is not None and not self._own.closed:
            await self._own.close()
        self._own = None
