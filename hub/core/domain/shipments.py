"""Shipments: created for an order's lines, booked with a carrier, moved by carrier data.

Carrier data only moves a shipment through the rank guards of the shipment lifecycle; the
order follows: booked → the order is shipped; all delivered and nothing owed → delivered.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any


from hub.core import catalogue
from hub.core.clock import as_utc
from hub.core.domain import engine, stock
from hub.core.domain.inputs import NewShipment
from hub.core.domain.orders import new_ref, shipments_of
from hub.core.domain.returns import hold_shipping
from hub.core.domain.shipment_numbers import FORWARDED, OWN, remember_number
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput
from hub.core.lifecycle.shipment import SHIPMENT, ShipmentState
from hub.core.models import Transition
from hub.core.tracking import STICKY_FLAGS
from hub.core.store.tables import shipments

SHIPPABLE_ORDER_STATES = ("released", "shipped")


def shippable(line: dict[str, Any]) -> Decimal:
    """What a line can ship now: what the review (or back_order_ready) made available, less what
    already left. A back order ships when planning has it, not before (000: 欠货)."""
    cap = Decimal(line["qty"]) if line["available_qty"] is None else min(Decimal(line["qty"]),
                                                                          Decimal(line["available_qty"]))
    return cap - Decimal(line["shipped_qty"])


def _open_qty(order: dict[str, Any]) -> dict[int, Decimal]:
    return {line["line_no"]: left for line in order["lines"] if (left := shippable(line)) > 0}


async def create_shipment(tx: Tx, order_ref: str, new: NewShipment) -> Transition:
    order = await tx.fetch("order", order_ref, lock=True)
    if order["state"] not in SHIPPABLE_ORDER_STATES:
        raise InvalidInput(f"order {order_ref} is {order['state']}: only released orders ship",
                           field="order_ref")
    mode = _mode(order, new, later=bool(await shipments_of(tx, order_ref)))
    open_qty = _open_qty(order) if new.lines is None else {int(k): Decimal(v) for k, v in new.lines.items()}
    await hold_shipping(tx, order, open_qty)
    if not open_qty:
        raise InvalidInput("nothing left to ship on this order now: a back order ships once back_order_ready "
                           "says planning has it", field="lines")
    known = {line["line_no"]: line for line in order["lines"]}
    for line_no, qty in open_qty.items():
        line = known.get(line_no)
        if line is None or qty <= 0 or qty > shippable(line):
            left = shippable(line) if line is not None else 0
            raise InvalidInput(f"line {line_no}: cannot ship {qty}, {left} available now (a back order ships once "
                               "back_order_ready says planning has it)", field="lines")
    ref = new.ref or new_ref("SH")
    lines = [owed({**line, "shipped_qty": str(Decimal(line["shipped_qty"]) + open_qty.get(line["line_no"], 0))})
             for line in order["lines"]]
    await tx.update("order", order["id"], {"lines": lines})
    await stock.shipped(tx, order_ref, open_qty)
    created = {"mode": mode, **({"mode_change_reason": new.mode_change_reason} if new.mode_change_reason else {}),
               **({"express_reason": new.express_reason} if new.express_reason else {})}
    return await store_shipment(tx, order_ref, ref, mode, open_qty, new, created)


async def store_shipment(tx: Tx, order_ref: str, ref: str, mode: str, lines: dict[int, Decimal],
                         new: NewShipment, created: dict[str, Any]) -> Transition:
    """Insert a shipment of ``order_ref`` carrying ``lines``, record its creation (``created`` adds to
    the timeline entry), and book it when the carrier and tracking number are known."""
    row = {"ref": ref, "order_ref": order_ref, "state": SHIPMENT.initial, "substatus": None, "flags": [],
           "milestones": [SHIPMENT.initial], "carrier": new.carrier, "tracking_number": new.tracking_number,
           "subscription": None, "mode": mode, "pieces": new.pieces,
           "waybill_weight_kg": new.waybill_weight_kg, "reported_weight_kg": None,
           "carrier_contact": new.carrier_contact, "plate": new.plate, "escort": new.escort,
           "pickup_company": new.pickup_company, "lines": {str(k): str(v) for k, v in sorted(lines.items())},
           "erp_ref": None, "delivered_at": None, "created_at": tx.now, "updated_at": tx.now}
    await tx.conn.execute(shipments.insert().values(**row))
    row = await tx.fetch("shipment", ref)  # complete, with column defaults
    transition = await engine.entered(tx, BEHAVIOUR, row, "created", None, {"lines": row["lines"], **created},
                                      row_before={"milestones": []})
    if new.carrier and new.tracking_number:
        transition = await engine.apply(tx, "shipment", ref, "booked", {})
    return transition


def owed(line: dict[str, Any]) -> dict[str, Any]:
    """The line's back order after a shipment: what is neither available nor shipped; its ETA goes
    with it, so an order delivered in full lists no back order."""
    qty = Decimal(line["qty"] or 0)
    covered = max(Decimal(line["shipped_qty"]), Decimal(line["available_qty"] if line["available_qty"] is not None
                                                        else qty))
    left = max(qty - covered, Decimal(0))
    return {**line, "back_order_qty": str(left), "back_order_eta": line.get("back_order_eta") if left else None}


def _mode(order: dict[str, Any], new: NewShipment, later: bool) -> str:
    """The order's delivery mode (000: 自提 or 送货); another one only with the reason recorded. A later
    shipment (a back order) may go by express parcel, a choice recorded with its reason (特殊情况可快递发出)."""
    mode = new.mode or order["delivery_mode"]
    if new.express_reason and mode != "express":
        raise InvalidInput("express_reason is for a shipment with mode express", field="express_reason")
    if mode == "express" and not new.mode_change_reason:
        if not later:
            raise InvalidInput("express is for a back order (a later shipment) with express_reason; the first "
                               "shipment goes as the order says, or with mode_change_reason", field="mode")
        if not new.express_reason:
            raise InvalidInput("a back order sent by express records why: express_reason", field="express_reason")
        return mode
    if mode != order["delivery_mode"] and not new.mode_change_reason:
        raise InvalidInput(f"order {order['ref']} is for {order['delivery_mode']}: a {mode} shipment needs "
                           "mode_change_reason (or clarify the order's delivery mode first)", field="mode")
    return mode


def _pickup_values(row: dict[str, Any], order: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Self-pickup (自提) records who collected and the vehicle: from the event, the shipment or the order."""
    values = {}
    for key in ("pickup_company", "plate"):
        value = data.get(key) or row.get(key) or (order["contact"] or {}).get(key)
        if not value:
            raise InvalidInput(f"a self-pickup records the {key.replace('_', ' ')}: send it with picked_up",
                               field=f"data.{key}")
        values[key] = str(value)
    return values


# How far before the shipment existed a carrier clock may be and still be believed (time zones).
CLOCK_SLACK = timedelta(hours=14)


def carrier_time(occurred_at: Any, row: dict[str, Any], now: datetime) -> datetime:
    """The carrier's event time, or the hub's own when the carrier's cannot be true: in the future
    (a clock ahead, a wrong zone) or before the shipment existed."""
    if occurred_at is None:
        return now
    at = occurred_at if isinstance(occurred_at, datetime) else datetime.fromisoformat(str(occurred_at))
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    created = row.get("created_at")
    if at > now or (created is not None and at < as_utc(created) - CLOCK_SLACK):
        return now
    return at


class ShipmentBehaviour:
    entity = "shipment"
    lifecycle = SHIPMENT
    state_column = "state"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if event == "picked_up":
            if row["mode"] != "pickup":
                raise InvalidInput(f"shipment {row['ref']} is a delivery: it is delivered, not picked up",
                                   field="event")
            values.update(_pickup_values(row, await tx.fetch("order", row["order_ref"]), data))
        if event == "booked":  # the catalogue stores the booking's fields; both numbers must be known
            merged = {**row, **{k: data[k] for k in ("carrier", "tracking_number") if data.get(k)}}
            if not (merged["carrier"] and merged["tracking_number"]):
                raise InvalidInput("booking needs a carrier and a tracking number", field="tracking_number")
            await remember_number(tx, row["id"], merged["carrier"], merged["tracking_number"], OWN)
        if event == "forwarded":
            await remember_number(tx, row["id"], data["carrier"], data["tracking_number"], FORWARDED)
        if event in ("delivered", "picked_up", "pod_confirmed") and row["state"] != "delivered":
            values["delivered_at"] = carrier_time(data.get("occurred_at"), row, tx.now)
        if "substatus" in data or event in ShipmentState.__members__.values():
            values["substatus"] = data.get("substatus")
        if "flags" in data:  # a carrier update states the current flags; parcel facts stay
            flags = set(data["flags"]) | (set(row["flags"]) & STICKY_FLAGS)
            if flags != set(row["flags"]):
                values["flags"] = sorted(flags)
        return values

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> None:
        return None

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        if (fired := catalogue.event_hook("shipment", transition.event)) is not None:
            return fired.name  # a forwarding is news each time: a new number to follow
        # At most one hook per (shipment, state), however often the carrier repeats itself.
        if transition.state in row_before.get("milestones", ()):
            return None
        return engine.state_hook("shipment", transition)

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if transition.state != transition.previous and transition.state not in row["milestones"]:
            await tx.update("shipment", row["id"], {"milestones": [*row["milestones"], transition.state]})
        if transition.previous == transition.state:
            return
        await _move_order(tx, row, transition.state)


async def _move_order(tx: Tx, shipment: dict[str, Any], state: str) -> None:
    order = await tx.fetch("order", shipment["order_ref"], lock=True)
    first_move = not {"booked", "in_transit"} & set(shipment["milestones"])  # milestones before this move
    leaves = (state in ("booked", "in_transit") and first_move and order["state"] in ("released", "shipped")) or (
        state == "delivered" and shipment["mode"] == "pickup" and order["state"] == "released")
    if leaves:  # a refund asked for since the shipment was made still holds it (a refunded order never ships)
        await hold_shipping(tx, order, shipment["lines"])
    if state in ("booked", "in_transit") and first_move and order["state"] in ("released", "shipped"):
        # the first shipment ships the order; a later one (a back order) is told as well
        await engine.apply(tx, "order", order["ref"], "shipped", {"shipment_ref": shipment["ref"]})
    elif state == "delivered" and shipment["mode"] == "pickup" and order["state"] == "released":
        await engine.apply(tx, "order", order["ref"], "shipped", {"shipment_ref": shipment["ref"]})
        await _deliver_if_complete(tx, order["ref"])
    elif state == "delivered":
        await _deliver_if_complete(tx, order["ref"])


async def _deliver_if_complete(tx: Tx, order_ref: str) -> None:
    order = await tx.fetch("order", order_ref)
    if order["state"] != "shipped":
        return
    if any(Decimal(line["shipped_qty"]) < Decimal(line["qty"]) for line in order["lines"]):
        return  # back-order lines still to ship
    all_shipments = await shipments_of(tx, order_ref)
    states = {s["state"] for s in all_shipments}
    if states <= {"delivered", "cancelled"} and "delivered" in states:
        # the inspection window runs from the carrier's time of the last delivery (000: 三日内点清)
        times = [as_utc(s["delivered_at"]) for s in all_shipments if s["delivered_at"] is not None]
        await tx.update("order", order["id"], {"delivered_at": max(times, default=tx.now)})
        await engine.apply(tx, "order", order_ref, "delivered", {})


BEHAVIOUR = engine.register(ShipmentBehaviour())
