"""What carrier clients share of HTTP: the session (the hub's, else one of their own), and
which faults their own short retry loops take."""
from __future__ import annotations

import aiohttp

from hub import TransientError


def worth_retrying_here(exc: BaseException) -> bool:
    """A transient fault, retried in the client's loop, unless the server said when to come back:
    that wait (``retry_after_s``) is the dispatcher's, which honours it; a fixed pause would not."""
    return isinstance(exc, TransientError) and exc.retry_after_s is None


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
