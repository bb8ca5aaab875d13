"""Unauthenticated probes and metrics: ``/healthz``, ``/readyz``, ``/metrics``; and the OpenAPI document."""
from __future__ import annotations

import sqlalchemy as sa
from aiohttp import web

from hub.core.degraded import degraded
from hub.web import keys
from hub.web.jsonio import JSON, json_response
from hub.web.metrics import content_type


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    readiness = request.app[keys.READINESS]
    problems, degraded_by = [], []
    try:
        async with request.app[keys.HUB].engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
            degraded_by = await degraded(conn)
    except Exception as exc:  # noqa: BLE001 - the answer is the record
        problems.append(f"database unreachable: {type(exc).__name__}")
    if not readiness.plugins_started:
        problems.append("plugins not started")
    problems += [f"plugin {name} failed to start: {error}" for name, error in readiness.plugin_failures.items()]
    if problems:
        return json_response({"status": "not ready", "problems": problems, "degraded": degraded_by}, status=503)
    # Ready means: the database answers and the plugins started, so webhooks are stored and the API
    # works. Degraded (hub.core.degraded) is said, not a 503: the hub must keep receiving meanwhile.
    return json_response({"status": "ready", "problems": [], "degraded": degraded_by})


async def metrics(request: web.Request) -> web.Response:
    hub, registry = request.app[keys.HUB], request.app[keys.METRICS]
    await registry.refresh(hub.engine, hub.clock.now())
    return web.Response(body=registry.render(), headers={"Content-Type": content_type()})


async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=request.app[keys.OPENAPI], content_type=JSON)
