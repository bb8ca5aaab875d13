"""Handoffs for ops: list, show, retry and discard, recording who did it (the token's identity)."""
from __future__ import annotations

from aiohttp import web

from hub.core import queries
from hub.core.outbox import admin
from hub.web import api_models as m
from hub.web import keys
from hub.web.api import query_of
from hub.web.auth import actor
from hub.web.jsonio import json_response


async def list_handoffs(request: web.Request) -> web.Response:
    f = query_of(request, m.HandoffFilter)
    rows = await admin.list_handoffs(request.app[keys.HUB].engine, state=f.state, plugin=f.plugin,
                                     order_ref=f.order_ref, limit=f.limit, offset=f.offset)
    return json_response({"items": rows, "limit": f.limit, "offset": f.offset})


async def _with_actions(request: web.Request, view: dict) -> web.Response:
    async with request.app[keys.HUB].engine.connect() as conn:
        view["actions"] = await queries.handoff_actions(conn, view["id"])
    return json_response(view)


async def show_handoff(request: web.Request) -> web.Response:
    view = await admin.get_handoff(request.app[keys.HUB].engine, int(request.match_info["id"]))
    return await _with_actions(request, view)


async def retry_handoff(request: web.Request) -> web.Response:
    hub = request.app[keys.HUB]
    view = await admin.retry(hub.engine, int(request.match_info["id"]), actor(request), hub.clock.now())
    return await _with_actions(request, view)


async def discard_handoff(request: web.Request) -> web.Response:
    hub = request.app[keys.HUB]
    view = await admin.discard(hub.engine, int(request.match_info["id"]), actor(request), hub.clock.now())
    return await _with_actions(request, view)
