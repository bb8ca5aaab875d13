"""The JSON API of the lifecycles: create, list, show and move orders, shipments, claims, returns, customers.

Handlers are thin: validate with the domain's pydantic inputs, call the Hub in one transaction,
answer JSON. Errors become 4xx in ``hub.web.errors``.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from hub.core import catalogue, queries
from hub.core.domain import claims, customers, orders, repair_batches, returns, shipments, stores
from hub.core.domain.inputs import NewClaim, NewComplaint, NewCustomer, NewOrder, NewReturn, NewShipment, NewStore
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput
from hub.core.logging import get_logger
from hub.core.roles import roles_for
from hub.web import api_models as m
from hub.web import keys
from hub.web.auth import actor as actor_of, principal
from hub.web.idempotency import run_once
from hub.web.jsonio import json_response, read_json, validate

log = get_logger()


@dataclass(frozen=True)
class Kind:
    """One entity as the API shows it."""

    entity: str
    plural: str
    new: type[BaseModel] | None
    filter: type[m.Query]
    create: Callable[[Tx, Any], Awaitable[Any]] | None = None

    @property
    def key(self) -> str:
        return "code" if self.entity == "customer" else "ref"

    @property
    def state_key(self) -> str:
        return "standing" if self.entity == "customer" else "state"


KINDS = {k.plural: k for k in (
    Kind("order", "orders", NewOrder, m.OrderFilter, orders.create_order),
    Kind("shipment", "shipments", NewShipment, m.ShipmentFilter),  # created under its order
    Kind("claim", "claims", NewClaim, m.ClaimFilter, claims.open_claim),
    Kind("return", "returns", NewReturn, m.ReturnFilter, returns.request_return),
    Kind("customer", "customers", NewCustomer, m.CustomerFilter, customers.create_customer),
    Kind("store", "stores", NewStore, m.StoreFilter, stores.open_store),
    Kind("complaint", "complaints", NewComplaint, m.ComplaintFilter),  # recorded under its order (api_complaints)
    Kind("repair_batch", "repair-batches", repair_batches.NewRepairBatch, m.RepairBatchFilter,
         repair_batches.pack_batch),
)}


def query_of(request: web.Request, model: type[m.Query]) -> Any:
    for name in request.query:
        if len(request.query.getall(name)) > 1:
            raise InvalidInput(f"query parameter {name} is given more than once", field=name)
    return validate(model, dict(request.query))


def creator(kind: Kind) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def create(request: web.Request) -> web.Response:
        hub, actor = request.app[keys.HUB], actor_of(request)
        body = await read_json(request)
        new = validate(kind.new, body)

        async def command(conn: Any) -> tuple[int, Any]:
            async with hub.unit(actor, conn=conn) as tx:
                return 201, await kind.create(tx, new)

        return await run_once(request, hub, body, command)
    return create


def creator_under(model: type[Any], action: Callable[[Any, str, Any], Awaitable[Any]]
                  ) -> Callable[[web.Request], Awaitable[web.Response]]:
    """POST a new record under the entity in the path (an order's shipment, a complaint's remedy):
    the body validated as ``model``, ``action(tx, ref, new)`` run once per idempotency key."""
    async def create(request: web.Request) -> web.Response:
        hub, actor = request.app[keys.HUB], actor_of(request)
        ref = request.match_info["ref"]
        body = await read_json(request)
        new = validate(model, body)

        async def command(conn: Any) -> tuple[int, Any]:
            async with hub.unit(actor, conn=conn) as tx:
                return 201, await action(tx, ref, new)

        return await run_once(request, hub, body, command)
    return create


create_shipment = creator_under(NewShipment, shipments.create_shipment)


def lister(kind: Kind) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def list_(request: web.Request) -> web.Response:
        hub = request.app[keys.HUB]
        f = query_of(request, kind.filter)
        async with hub.engine.connect() as conn:
            if kind.entity == "order":
                rows = await queries.list_orders(conn, state=f.state, customer=f.customer, grade=f.grade,
                                                 overdue=f.overdue, now=hub.clock.now(), limit=f.limit,
                                                 offset=f.offset)
            else:
                rows = await queries.list_entities(conn, kind.entity, state=getattr(f, "state", None),
                                                   order_ref=getattr(f, "order_ref", None),
                                                   grade=getattr(f, "grade", None),
                                                   customer=getattr(f, "customer", None),
                                                   factory=getattr(f, "factory", None), limit=f.limit,
                                                   offset=f.offset)
        return json_response({"items": rows, "limit": f.limit, "offset": f.offset})
    return list_


def shower(kind: Kind) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def show(request: web.Request) -> web.Response:
        hub, ref = request.app[keys.HUB], request.match_info[kind.key]
        async with hub.engine.connect() as conn:
            view = await queries.page_of(conn, kind.entity, ref)
        # What the caller may send next, from the catalogue (guards aside: a guard may still say no).
        view["allowed_events"] = list(catalogue.lifecycle(kind.entity).accepted(view[kind.state_key]))
        return json_response(view)
    return show


def mover(kind: Kind) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def move(request: web.Request) -> web.Response:
        hub, ref, actor = request.app[keys.HUB], request.match_info[kind.key], actor_of(request)
        body = validate(m.EventInput, await read_json(request))
        principal(request).require(roles_for(kind.entity, body.event), f"{kind.entity} {body.event}")
        try:  # the engine checks the event and its data against the catalogue (422 / 409)
            transition = await hub.apply(kind.entity, ref, body.event, body.data, actor)
        except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
            # The catalogue validated the data; a value the domain still cannot use is the caller's 422,
            # and logged, because the event's data model should have refused it.
            log.warning("api.event_data_unusable", entity=kind.entity, lifecycle_event=body.event,
                        error_class=type(exc).__name__)
            raise InvalidInput(f"data cannot be used for {body.event}: {type(exc).__name__}: {exc}",
                               field="data") from exc
        return json_response(transition)
    return move
