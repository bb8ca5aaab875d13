"""The app's resources, one ``cleanup_ctx`` generator each: opened in order, closed in reverse."""
from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from hub.core.logging import get_logger
from hub.core.models import HookContext
from hub.core.runtime import Runtime
from hub.web import keys
from hub.web.ingest import IngestWriter

log = get_logger()
STOP_GRACE_S = 5.0


async def database(app: web.Application) -> AsyncIterator[None]:
    """The Hub's engine, migrated to the latest schema before anything else runs."""
    hub = app[keys.HUB]
    await hub.start()
    yield
    if app.get(keys.OWNS_HUB, True):
        await hub.close()


async def http_session(app: web.Application) -> AsyncIterator[None]:
    """One client session for every plugin call of the process."""
    async with aiohttp.ClientSession() as session:
        app[keys.HTTP] = session
        yield


def _context(app: web.Application, plugin: str, stage: str) -> HookContext:
    hub = app[keys.HUB]
    return HookContext(idempotency_key=f"{stage}:{plugin}", attempt=1, delivery_id=0, event_id="", plugin=plugin,
                       log=log.bind(plugin=plugin), now=hub.clock.now(), http=app.get(keys.HTTP),
                       data_dir=hub.config.data_dir)


async def _call_all(app: web.Application, hook: str) -> dict[str, str]:
    """Call every impl of a process hook, each on its own: one plugin's failure is its own."""
    failures = {}
    for impl in getattr(app[keys.HUB].pm.hook, hook).get_hookimpls():
        try:
            ctx = _context(app, impl.plugin_name, hook)
            result = impl.function(**({"ctx": ctx} if "ctx" in impl.argnames else {}))
            if inspect.isawaitable(result):
                await result
        except Exception as exc:  # noqa: BLE001 - recorded for /readyz and the log
            log.error(f"plugin.{hook.removeprefix('hub_')}_failed", plugin=impl.plugin_name,
                      error_class=type(exc).__name__, error=str(exc)[:300])
            failures[impl.plugin_name] = type(exc).__name__
    return failures


async def plugins(app: web.Application) -> AsyncIterator[None]:
    readiness = app[keys.READINESS]
    readiness.plugin_failures = await _call_all(app, "hub_startup")
    readiness.plugins_started = True
    yield
    readiness.plugins_started = False
    await _call_all(app, "hub_shutdown")


async def ingest_writer(app: web.Application) -> AsyncIterator[None]:
    writer = IngestWriter(app[keys.HUB].engine)
    await writer.start()
    app[keys.INGEST] = writer
    yield
    await writer.stop()


async def background(app: web.Application) -> AsyncIterator[None]:
    """Inbox, timers, tracking polls and the dispatcher, until the app stops."""
    runtime = Runtime(app[keys.HUB], http=app[keys.HTTP])
    app[keys.INGEST].on_stored = runtime.nudge_inbox
    stop = asyncio.Event()
    task = asyncio.create_task(runtime.run(stop, busy=app[keys.INGEST].busy), name="hub.runtime")
    yield
    stop.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), STOP_GRACE_S)
    except TimeoutError:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
