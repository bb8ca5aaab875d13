"""The aiohttp application: ``create_app(config)`` builds it, ``serve(config)`` runs it.

Every resource (database, HTTP session, plugins, ingest writer, background work) is one
``cleanup_ctx`` generator in ``hub.web.resources``; nothing is built at import time.
"""
from __future__ import annotations

import asyncio
import signal
import sys

from aiohttp import web

from hub.core.clock import Clock
from hub.core.errors import ConfigError
from hub.core.config import HubConfig
from hub.core.plugins import build_plugin_manager
from hub.core.service import Hub
from hub.web import keys, resources
from hub.web.auth import load_admin_token
from hub.web.connections import SLOT, GuardSlot, mark_requests, start_site
from hub.web.metrics import Metrics
from hub.web.middleware import edge_middleware
from hub.web.openapi import document_bytes
from hub.web.routes import add_routes, route_table
from hub.web.console import add_console
from hub.web.sources import webhook_sources


def create_app(config: HubConfig, *, hub: Hub | None = None, clock: Clock | None = None,
               run_background: bool = True) -> web.Application:
    """The hub's HTTP surface; ``run_background=False`` leaves the Runtime to the caller (tests)."""
    owns_hub = hub is None
    if hub is None:
        hub = Hub(config, build_plugin_manager(config), clock=clock)
    token = load_admin_token(config.data_dir)
    metrics = Metrics()
    app = web.Application(client_max_size=config.webhooks.max_body_bytes,
                          middlewares=[mark_requests, edge_middleware(token, metrics)])
    app[SLOT] = GuardSlot()
    app[keys.CONFIG] = config
    app[keys.HUB] = hub
    app[keys.OWNS_HUB] = owns_hub
    app[keys.TOKEN] = token
    app[keys.METRICS] = metrics
    app[keys.READINESS] = keys.Readiness()
    app[keys.SOURCES] = webhook_sources(config, hub.pm)
    add_routes(app, route_table())
    add_console(app, config.console.templates_dir)
    app[keys.OPENAPI] = document_bytes()
    app.cleanup_ctx.extend([resources.database, resources.plugins, resources.ingest_writer])
    if run_background:
        app.cleanup_ctx.append(resources.background)
    return app


async def serve(config: HubConfig) -> None:
    """Run the API, webhooks and background work until SIGINT or SIGTERM."""
    app = create_app(config)
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=config.http.keepalive_timeout_s)
    await runner.setup()
    limits = config.http
    try:
        server, guard = await start_site(runner, config.host, config.port, max_connections=limits.max_connections,
                                         header_timeout_s=limits.header_timeout_s,
                                         request_timeout_s=limits.request_timeout_s,
                                         log_interval_s=limits.log_interval_s)
    except OSError as exc:  # the port is taken, or the address is not this machine's: say so, no traceback
        await runner.cleanup()
        raise ConfigError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc} "
                          "(another hub or program has the port? set port in hub.toml or --port)") from None
    token = app[keys.TOKEN]
    where = "the HUB_ADMIN_TOKEN environment variable" if token.source == "environment" else token.source
    print(f"hub {version()} listening on http://{config.host}:{config.port} (console at /, API under /api/, "
          f"webhooks under /webhooks/)", file=sys.stderr)
    print(f"database: {safe_url(config.db_url)}; plugins: {', '.join(config.enabled_plugins) or 'none'}",
          file=sys.stderr)
    print(f"admin bearer token: see {where}", file=sys.stderr)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        print("hub stopping: finishing requests and stored work", file=sys.stderr)
        server.close()
        await guard.stop()
        await runner.cleanup()
        print("hub stopped", file=sys.stderr)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed
    try:
        return installed("integration-hub")
    except PackageNotFoundError:
        return "(not installed)"


def safe_url(url: str) -> str:
    """The database URL without its password: start-up prints it."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)
