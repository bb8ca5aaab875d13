"""Complaints after delivery (000): recorded under their order, and the replenishment or exchange shipped.

``POST /api/orders/{ref}/complaints`` records one (404 for an unknown order, 409 for an order that is not
shipped or delivered); ``POST /api/complaints/{ref}/shipments`` ships its remedy in a shipment of the same
order and moves it to remedy_shipped. Listing, showing and the other events are the generic entity routes.
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from hub.core.domain import complaints
from hub.core.domain.inputs import NewComplaint, NewShipment
from hub.web import keys
from hub.web.auth import domain_actor
from hub.web.idempotency import run_once
from hub.web.jsonio import read_json, validate


async def record_complaint(request: web.Request) -> web.Response:
    hub, actor = request.app[keys.HUB], domain_actor(request)
    order_ref = request.match_info["ref"]
    body = await read_json(request)
    new = validate(NewComplaint, body)

    async def command(conn: Any) -> tuple[int, Any]:
        async with hub.unit(actor, conn=conn) as tx:
            return 201, await complaints.record_complaint(tx, order_ref, new)

    return await run_once(request, hub, body, command)


async def ship_remedy(request: web.Request) -> web.Response:
    hub, actor = request.app[keys.HUB], domain_actor(request)
    ref = request.match_info["ref"]
    body = await read_json(request)
    new = validate(NewShipment, body)

    async def command(conn: Any) -> tuple[int, Any]:
        async with hub.unit(actor, conn=conn) as tx:
            return 201, await complaints.ship_remedy(tx, ref, new)

    return await run_once(request, hub, body, command)
