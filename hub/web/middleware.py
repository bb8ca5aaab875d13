"""The one middleware of the app: latency, malformed requests, the bearer token, and errors as JSON answers.

One instead of three because every layer costs a coroutine frame on the webhook hot path.
"""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from hub.web.auth import AdminToken, refusal
from hub.web.errors import error_response
from hub.web.metrics import Metrics, route_of
from hub.web.request_checks import malformed

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def edge_middleware(token: AdminToken, metrics: Metrics) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def edge(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            response = malformed(request) or refusal(request, token)
            if response is None:
                response = await handler(request)
        except Exception as exc:  # noqa: BLE001 - every exception becomes an answer; unexpected ones are logged
            response = error_response(request, exc)
        metrics.observe(request.method, route_of(request), time.perf_counter() - started)
        return response
    return edge
