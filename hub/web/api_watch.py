"""What is late or wrong, over HTTP: open timers by due time, investigation cases, and retrying
handoffs in a batch (Svix's "recover failed", Convoy's batch retry)."""
from __future__ import annotations

from datetime import UTC
from typing import Any

from aiohttp import web

from hub.core import overview
from hub.core.outbox import admin
from hub.web import api_models as m
from hub.web import keys
from hub.web.api import query_of
from hub.web.auth import actor
from hub.web.jsonio import json_response


async def list_timers(request: web.Request) -> web.Response:
    hub, f = request.app[keys.HUB], query_of(request, m.TimerFilter)
    async with hub.engine.connect() as conn:
        items = await overview.list_timers(conn, state=f.state, rule=f.rule, entity=f.entity,
                                           due_before=f.due_before.astimezone(UTC) if f.due_before else None,
                                           limit=f.limit, offset=f.offset)
    return json_response({"items": items, "limit": f.limit, "offset": f.offset})


async def list_cases(request: web.Request) -> web.Response:
    hub, f = request.app[keys.HUB], query_of(request, m.CaseFilter)
    async with hub.engine.connect() as conn:
        items = await overview.list_cases(conn, state=f.state, anomaly=f.anomaly, limit=f.limit, offset=f.offset)
    return json_response({"items": items, "limit": f.limit, "offset": f.offset})


async def retry_handoffs(request: web.Request) -> web.Response:
    return json_response({"retried": await _batch(request, m.HandoffBatchRetry, admin.retry_many)})


async def discard_handoffs(request: web.Request) -> web.Response:
    return json_response({"discarded": await _batch(request, m.HandoffBatchDiscard, admin.discard_many)})


async def _batch(request: web.Request, model: type[m.HandoffBatch], change: Any) -> int:
    hub, f = request.app[keys.HUB], query_of(request, model)
    return await change(hub.engine, actor(request), hub.clock.now(), plugin=f.plugin, hook=f.hook,
                        state=f.state, since=f.since.astimezone(UTC) if f.since else None,
                        until=f.until.astimezone(UTC) if f.until else None)
