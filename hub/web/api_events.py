"""``GET /api/events``: the event catalogue, so a client learns from the hub what it may send."""
from __future__ import annotations

import functools

from aiohttp import web

from hub.core import catalogue
from hub.web import api_models as m
from hub.web.api import query_of
from hub.web.jsonio import JSON, dumps


@functools.cache
def _catalogue_bytes(entity: str | None) -> bytes:
    described = catalogue.describe()
    return dumps(described if entity is None else {entity: described[entity]})


async def list_events(request: web.Request) -> web.Response:
    """Per entity: its states, the events each state accepts and the hook entering it fires, and per
    event its meaning, senders, moves, data schema and an example. ``?entity=order`` narrows it."""
    query = query_of(request, m.EventCatalogueFilter)
    return web.Response(body=_catalogue_bytes(query.entity), content_type=JSON)
