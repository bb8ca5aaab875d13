"""Plugins for the core's own tests: they record every call and fail on command.

Importable as ``hub_test_plugins:RECORDER`` (tests/support is on sys.path in the tests and on
PYTHONPATH for the worker processes the tests start).
"""
from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Literal

from pydantic import Field

from hub import PermanentError, PluginSettings, PluginSpec, TransientError, hookimpl
from hub.core.errors import Deferred
from hub.core.models import HookContext, OrderSnapshot


class RecorderSettings(PluginSettings):
    calls_file: Path = Field(description="Every call, one JSON line.")
    effects_file: Path | None = Field(None, description="The external effect, once per idempotency key.")
    fail_times: int = Field(0, description="Fail this many calls first.")
    failure: Literal["transient", "permanent", "deferred", "crash"] = "transient"
    block_first_call_seconds: float = Field(0, description="Hang on the first call (to be killed).")
    started_file: Path | None = None
    lifecycle_file: Path | None = Field(None, description="hub_startup / hub_shutdown, one line each.")


class Recorder:
    """Implements two order hooks; records (hook, ref, key, attempt) and fails as configured."""

    def __init__(self, settings: RecorderSettings) -> None:
        self.settings = settings

    def _calls(self) -> list[dict]:
        path = self.settings.calls_file
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    async def _handle(self, hook: str, order: OrderSnapshot, ctx: HookContext) -> None:
        s = self.settings
        count = len(self._calls())
        with s.calls_file.open("a") as out:
            out.write(json.dumps({"hook": hook, "ref": order.ref, "key": ctx.idempotency_key,
                                  "attempt": ctx.attempt, "pid": os.getpid(), "http": ctx.http is not None}) + "\n")
        if s.block_first_call_seconds and count == 0:
            if s.started_file:
                s.started_file.write_text(str(os.getpid()))
            await asyncio.sleep(s.block_first_call_seconds)
        if count < s.fail_times:
            if s.failure == "transient":
                raise TransientError("ERP answered 503")
            if s.failure == "permanent":
                raise PermanentError("ERP rejected the order: unknown product")
            if s.failure == "deferred":
                raise Deferred(ctx.now.replace(year=ctx.now.year + 1), "quiet hours")
            raise RuntimeError("plugin bug")
        if s.effects_file:
            effects = s.effects_file.read_text().split() if s.effects_file.exists() else []
            if ctx.idempotency_key not in effects:  # the external system dedupes on the key
                with s.effects_file.open("a") as out:
                    out.write(ctx.idempotency_key + "\n")

    def _lifecycle(self, stage: str, ctx: HookContext) -> None:
        if self.settings.lifecycle_file:
            with self.settings.lifecycle_file.open("a") as out:
                out.write(f"{stage} {os.getpid()} http={ctx.http is not None}\n")

    @hookimpl
    async def hub_startup(self, ctx: HookContext) -> None:
        self._lifecycle("startup", ctx)

    @hookimpl
    async def hub_shutdown(self, ctx: HookContext) -> None:
        self._lifecycle("shutdown", ctx)

    @hookimpl
    async def hub_order_received(self, order: OrderSnapshot, ctx: HookContext) -> None:
        await self._handle("hub_order_received", order, ctx)

    @hookimpl
    async def hub_order_reviewed(self, order: OrderSnapshot, ctx: HookContext) -> None:
        await self._handle("hub_order_reviewed", order, ctx)


RECORDER = PluginSpec(name="test.recorder", kind="core", settings=RecorderSettings, factory=Recorder)
