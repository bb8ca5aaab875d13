"""The one middleware of the app: latency, malformed requests, who is calling, and errors as JSON.

One instead of several because every layer costs a coroutine frame on the webhook hot path; the
webhooks are public, so they pass the caller check without an await.
"""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from hub.core.audit import ORIGIN, Origin
from hub.web import keys
from hub.web.auth import PRINCIPAL, AdminToken, authorise, is_public
from hub.web.errors import error_response
from hub.web.metrics import Metrics, route_of
from hub.web.request_checks import malformed

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def edge_middleware(token: AdminToken, metrics: Metrics) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def edge(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            response = malformed(request)
            if response is None and is_public(request.path):
                response = await handler(request)
            elif response is None:
                response = await authorise(request, token, request.app[keys.HUB])
                if response is None:
                    response = await _as_caller(request, handler)
        except Exception as exc:  # noqa: BLE001 - every exception becomes an answer; unexpected ones are logged
            response = error_response(request, exc)
        metrics.observe(request.method, route_of(request), time.perf_counter() - started)
        return response
    return edge


async def _as_caller(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Run ``handler`` with the caller as the origin of what it changes: the audit trail's who and where."""
    who = request[PRINCIPAL]
    reset = ORIGIN.set(Origin(who.name, f"api {request.remote or 'unknown'}"))
    try:
        return await handler(request)
    finally:
        ORIGIN.reset(reset)
