"""Plugins that misbehave on purpose: one that never answers, one whose vendor is down until a
file says it is back. Importable as ``hub_fault_plugins:HANG`` and ``hub_fault_plugins:FLAKY``."""
from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import Field

from hub import PluginSettings, PluginSpec, TransientError, hookimpl
from hub.core.models import HookContext, OrderSnapshot


class FaultSettings(PluginSettings):
    calls_file: Path = Field(description="One line per call: the order ref.")
    healthy_file: Path | None = Field(None, description="Calls succeed while this file exists.")


class Faulty:
    def __init__(self, settings: FaultSettings, hang: bool) -> None:
        self.settings, self.hang = settings, hang

    @hookimpl
    async def hub_order_received(self, order: OrderSnapshot, ctx: HookContext) -> None:
        with self.settings.calls_file.open("a") as out:
            out.write(order.ref + "\n")
        healthy = self.settings.healthy_file
        if healthy is not None and healthy.exists():
            return
        if self.hang:
            await asyncio.Event().wait()  # a vendor that accepts the connection and never answers
        raise TransientError("vendor answered 503")


HANG = PluginSpec(name="test.hang", kind="core", settings=FaultSettings,
                  factory=lambda settings: Faulty(settings, hang=True))
FLAKY = PluginSpec(name="test.flaky", kind="core", settings=FaultSettings,
                   factory=lambda settings: Faulty(settings, hang=False))


class SlowCarrier:
    """A carrier whose tracking API accepts the poll and never answers."""

    def __init__(self, settings: FaultSettings) -> None:
        self.settings = settings

    @hookimpl
    def hub_register_carriers(self, register) -> None:
        register("slowco")

    @hookimpl
    async def hub_tracking_poll(self, shipment, ctx: HookContext) -> None:
        with self.settings.calls_file.open("a") as out:
            out.write(shipment.ref + "\n")
        await asyncio.Event().wait()


SLOW_CARRIER = PluginSpec(name="test.slowcarrier", kind="carrier", settings=FaultSettings, factory=SlowCarrier)
