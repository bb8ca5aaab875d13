"""``bench.hang``: a plugin whose ``hub_order_received`` never returns (it awaits an event nobody
sets), the way a remote that accepts the connection and never answers looks from the hub. The
hung scenario runs it beside ``bench.noop`` to show that one stuck plugin costs the others
nothing: the dispatcher cuts each call at the plugin's timeout and its circuit opens."""
from __future__ import annotations

import asyncio

from hub import PluginSettings, PluginSpec, hookimpl
from hub.core.models import HookContext, OrderSnapshot


class HangSettings(PluginSettings):
    """No settings: the plugin has nothing to configure."""


class HangPlugin:
    """Implements ``hub_order_received`` and never finishes it."""

    def __init__(self, settings: HangSettings) -> None:
        self.settings = settings
        self._never: asyncio.Event | None = None  # made in the running loop, never set

    @hookimpl
    async def hub_order_received(self, order: OrderSnapshot, ctx: HookContext) -> None:
        if self._never is None:
            self._never = asyncio.Event()
        await self._never.wait()


SPEC = PluginSpec(name="bench.hang", kind="core", settings=HangSettings, factory=HangPlugin,
                  description="Benchmark: takes every order delivery and never returns.")
