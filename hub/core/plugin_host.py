"""One place runs plugins: start-up and shut-down, the shared HTTP session, and every call.

``hub serve``, ``hub worker`` and ``hub demo`` open a ``PluginHost``; the dispatcher, the tracking
poller, the webhook sources and the inbox call plugins through ``call``/``call_sync``, so an
implementation always gets only the arguments it declares and an async one is cut at its
plugin's timeout (``[dispatch] call_timeout_s`` and ``[dispatch.timeouts]``).
"""
from __future__ import annotations

import asyncio
import inspect
from typing import Any

import aiohttp
import pluggy

from hub.core.errors import CallTimedOut
from hub.core.logging import get_logger
from hub.core.models import HookContext
from hub.core.plugin_state import PluginState

log = get_logger()


def impl_of(pm: pluggy.PluginManager, hook: str, plugin: str | None) -> pluggy.HookImpl | None:
    """``plugin``'s implementation of ``hook``, or None."""
    return next((i for i in getattr(pm.hook, hook).get_hookimpls() if i.plugin_name == plugin), None)


def _arguments(impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {name: kwargs[name] for name in impl.argnames if name in kwargs}


def call_sync(impl: pluggy.HookImpl, **kwargs: Any) -> Any:
    """A synchronous hook (registration, webhook parsing): the implementation's own arguments only."""
    return impl.function(**_arguments(impl, kwargs))


async def call(impl: pluggy.HookImpl, timeout: float | None, **kwargs: Any) -> Any:
    """Call one plugin's implementation and await it; past ``timeout`` it raises CallTimedOut."""
    result = impl.function(**_arguments(impl, kwargs))
    if not inspect.isawaitable(result):
        return result
    if timeout is None:
        return await result
    try:
        return await asyncio.wait_for(result, timeout)
    except TimeoutError as exc:
        raise CallTimedOut(f"no answer within {timeout:g} s") from exc


class PluginHost:
    """The plugins of one process, started and stopped together around one HTTP client session."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.http: aiohttp.ClientSession | None = None
        self.failures: dict[str, str] = {}  # plugin → why its start-up failed (/readyz shows it)
        self.started = False

    def timeout_for(self, plugin: str) -> float:
        return self.hub.config.dispatch.timeout_for(plugin)

    def context(self, plugin: str, stage: str) -> HookContext:
        return HookContext(idempotency_key=f"{stage}:{plugin}", attempt=1, delivery_id=0, event_id="",
                           plugin=plugin, log=log.bind(plugin=plugin), now=self.hub.clock.now(),
                           http=self.http, data_dir=self.hub.config.data_dir,
                           state=PluginState(self.hub.engine, plugin))

    async def start(self) -> dict[str, str]:
        # No session-wide timeout: each plugin's calls are bounded by its own (see ``call``).
        self.http = aiohttp.ClientSession()
        self.failures = await self._each("hub_startup")
        self.started = True
        return self.failures

    async def stop(self) -> None:
        self.started = False
        try:
            await self._each("hub_shutdown")
        finally:
            if self.http is not None:
                await self.http.close()
                self.http = None

    async def __aenter__(self) -> PluginHost:
        await self.start()
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.stop()

    async def _each(self, hook: str) -> dict[str, str]:
        """Every implementation of a process hook, each on its own: one plugin's failure is its own."""
        failures = {}
        for impl in getattr(self.hub.pm.hook, hook).get_hookimpls():
            plugin = impl.plugin_name
            try:
                await call(impl, self.timeout_for(plugin), ctx=self.context(plugin, hook))
            except Exception as exc:  # noqa: BLE001 - recorded for /readyz and the log
                log.error(f"plugin.{hook.removeprefix('hub_')}_failed", plugin=plugin,
                          error_class=type(exc).__name__, error=str(exc)[:300])
                failures[plugin] = type(exc).__name__
        return failures
