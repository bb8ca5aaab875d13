"""The app's resources, one ``cleanup_ctx`` generator each: opened in order, closed in reverse."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from hub.core.logging import get_logger
from hub.core.plugin_host import PluginHost
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


async def plugins(app: web.Application) -> AsyncIterator[None]:
    """The plugin host: the shared HTTP session, every plugin's hub_startup, and the reverse at stop."""
    readiness = app[keys.READINESS]
    host = PluginHost(app[keys.HUB])
    readiness.plugin_failures = await host.start()
    readiness.plugins_started = True
    app[keys.PLUGIN_HOST] = host
    yield
    readiness.plugins_started = False
    await host.stop()


async def ingest_writer(app: web.Application) -> AsyncIterator[None]:
    writer = IngestWriter(app[keys.HUB].engine)
    await writer.start()
    app[keys.INGEST] = writer
    yield
    await writer.stop()


async def background(app: web.Application) -> AsyncIterator[None]:
    """Inbox, timers, tracking polls and the dispatcher, until the app stops."""
    runtime = Runtime(app[keys.HUB], host=app[keys.PLUGIN_HOST])
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
