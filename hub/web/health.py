"""Unauthenticated probes and metrics: ``/healthz``, ``/readyz``, ``/metrics``; and the OpenAPI document."""
from __future__ import annotations

import sqlalchemy as sa
from aiohttp import web

from hub.web import keys
from hub.web.jsonio import JSON, json_response
from hub.web.metrics import content_type


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    readiness = request.app[keys.READINESS]
    problems = []
    try:
        async with request.app[keys.HUB].engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - the answer is the record
        problems.append(f"database unreachable: {type(exc).__name__}")
    if not readiness.plugins_started:
        problems.append("plugins not started")
    problems += [f"plugin {name} failed to start: {error}" for name, error in readiness.plugin_failures.items()]
    if problems:
        return json_response({"status": "not ready", "problems": problems}, status=503)
    return json_response({"status": "ready", "problems": []})


async def metrics(request: web.Request) -> web.Response:
    hub, registry = request.app[keys.HUB], request.app[keys.METRICS]
    await registry.refresh(hub.engine, hub.clock.now())
    return web.Response(body=registry.render(), headers={"Content-Type": content_type()})


async def openapi(request: web.Request) -> web.Response:
    return web.Response(body=request.app[keys.OPENAPI], content_type=JSON)
