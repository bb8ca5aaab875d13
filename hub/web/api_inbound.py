"""Stored webhooks for ops: list, show, retry (one or every failed one) and discard.

Bodies hold personal data (addresses, phones): shown here because every /api route needs the
admin token. Changes record who made them (the token's identity, with ``X-Actor``).
"""
from __future__ import annotations

from aiohttp import web

from hub.core import inbound_admin
from hub.web import api_models as m
from hub.web import keys
from hub.web.api import query_of
from hub.web.auth import actor
from hub.web.jsonio import json_response


def _id(request: web.Request) -> int:
    return int(request.match_info["id"])


async def list_inbound(request: web.Request) -> web.Response:
    f = query_of(request, m.InboundFilter)
    rows = await inbound_admin.list_events(request.app[keys.HUB].engine, state=f.state, source=f.source,
                                           limit=f.limit, offset=f.offset)
    return json_response({"items": rows, "limit": f.limit, "offset": f.offset})


async def show_inbound(request: web.Request) -> web.Response:
    return json_response(await inbound_admin.get_event(request.app[keys.HUB].engine, _id(request)))


async def retry_inbound(request: web.Request) -> web.Response:
    hub = request.app[keys.HUB]
    view = await inbound_admin.retry(hub.engine, _id(request), actor(request), hub.clock.now())
    return json_response(view)


async def discard_inbound(request: web.Request) -> web.Response:
    hub = request.app[keys.HUB]
    view = await inbound_admin.discard(hub.engine, _id(request), actor(request), hub.clock.now())
    return json_response(view)


async def retry_failed_inbound(request: web.Request) -> web.Response:
    hub = request.app[keys.HUB]
    f = query_of(request, m.InboundRetryFilter)
    retried = await inbound_admin.retry_failed(hub.engine, actor(request), hub.clock.now(), source=f.source)
    return json_response({"retried": retried})
