"""Complaints after delivery (000: 收货后三日内点清数量和检验): shortage, damage or wrong goods.

Recorded on a shipped or delivered order, flagged ``late`` when received after the 3-day inspection
window; investigated at once, answered with the cause, the responsibility and the remedy, the
replenishment or exchange shipped in a shipment of the same order, then confirmed by the customer.
The order counts its open complaints (``orders.open_complaints``) and cannot close while one is open:
the last one to end after the window closes it, as a claim's end does.

What each step recorded lives in the row's ``data`` (JSON): ``window_ends_at``, ``investigation``,
``answer``, ``remedy_shipment``, ``resolution``, ``withdrawal``; the answer's party, remedy and date
are columns too (lists, the remedy's time rule).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hub.core.domain import engine
from hub.core.domain import shipments as _shipments
from hub.core.domain.inputs import NewComplaint, NewShipment
from hub.core.domain.orders import known_lines, new_ref
from hub.core.domain.store_lists import as_date
from hub.core.domain.tx import Tx
from hub.core.errors import Conflict, IllegalTransition, InvalidInput
from hub.core.lifecycle import ORDER
from hub.core.lifecycle.complaint import COMPLAINT, INSPECTION_DAYS, SHIPPING_REMEDIES, ComplaintFacts
from hub.core.models import Transition
from hub.core.store.tables import complaints, shipments, timers

RECEIVABLE_ORDER_STATES = ("shipped", "delivered")
WINDOW_RULE = "inspection_window"
COMPLAINT_EXISTS = sa.select(complaints.c.id).where(complaints.c.ref == sa.bindparam("ref"))
SHIPMENT_EXISTS = sa.select(shipments.c.id).where(shipments.c.ref == sa.bindparam("ref"))
_WINDOW = (sa.select(timers.c.due_at)
           .where(timers.c.entity == "order", timers.c.ref == sa.bindparam("ref"), timers.c.rule == WINDOW_RULE)
           .order_by(timers.c.id.desc()).limit(1))


def _refused(order: dict[str, Any]) -> IllegalTransition:
    """Why an order in this state takes no complaint (409, naming the order's state)."""
    state = order["state"]
    if state == "closed":
        reason = (f"order {order['ref']} is closed: its {INSPECTION_DAYS}-day inspection window passed with nothing "
                  "open, so a complaint is no longer taken on it (an after-sales request is: POST /api/returns)")
    elif state in ("cancelled", "rejected"):
        reason = f"order {order['ref']} is {state}: nothing was delivered to complain of"
    else:
        reason = (f"order {order['ref']} is {state}: nothing has shipped yet; a complaint is about goods received "
                  "(the order must be shipped or delivered)")
    return IllegalTransition("order", order["ref"], state, "complaint_opened", reason,
                             allowed=ORDER.accepted(state))


async def window_ends_at(tx: Tx, order: dict[str, Any]) -> datetime | None:
    """The end of the order's inspection window: its timer's due time (from the carrier's delivery time),
    or 3 days after the last delivery; None while nothing is delivered."""
    await tx.flush(timers)
    due = (await tx.conn.execute(_WINDOW, {"ref": order["ref"]})).scalar()
    if due is not None:
        return due
    if order.get("delivered_at") is not None:
        return order["delivered_at"] + timedelta(days=INSPECTION_DAYS)
    return None


def _carried(order: dict[str, Any], shipment: dict[str, Any] | None) -> dict[int, Decimal]:
    """What the customer can have received per line: the named shipment's lines, or what the order shipped."""
    if shipment is not None:
        return {int(k): Decimal(v) for k, v in (shipment["lines"] or {}).items()}
    return {line["line_no"]: Decimal(line["shipped_qty"]) for line in order["lines"]}


def _check_lines(order: dict[str, Any], shipment: dict[str, Any] | None, lines: dict[int, Decimal]) -> None:
    known_lines(order, list(lines), "lines")
    carried = _carried(order, shipment)
    where = f"shipment {shipment['ref']}" if shipment is not None else f"order {order['ref']}"
    for line_no, qty in sorted(lines.items()):
        if qty > carried.get(line_no, Decimal(0)):
            raise InvalidInput(f"lines: line {line_no}: {qty} is more than the {carried.get(line_no, 0)} "
                               f"{where} carried", field="lines")


async def record_complaint(tx: Tx, order_ref: str, new: NewComplaint) -> Transition:
    """A complaint received on ``order_ref``: recorded with its lines and channel, flagged ``late`` after
    the inspection window, the reply's clock started; the order now waits for it."""
    order = await tx.fetch("order", order_ref, lock=True)  # unknown: 404
    if order["state"] not in RECEIVABLE_ORDER_STATES:
        raise _refused(order)
    shipment = None
    if new.shipment_ref:
        shipment = await tx.fetch_referenced("shipment", new.shipment_ref, field="shipment_ref")
        if shipment["order_ref"] != order_ref:
            raise InvalidInput(f"shipment {new.shipment_ref} belongs to order {shipment['order_ref']}, not "
                               f"{order_ref}", field="shipment_ref")
    _check_lines(order, shipment, new.lines)
    ref = new.ref or new_ref("CP")
    if (await tx.conn.execute(COMPLAINT_EXISTS, {"ref": ref})).first() is not None:
        raise Conflict(f"complaint {ref} already exists", field="ref")
    ends = await window_ends_at(tx, order)
    late = bool(order["inspection_window_elapsed"]) or (ends is not None and tx.now > ends)
    lines = {str(k): str(v) for k, v in sorted(new.lines.items())}
    row = {"ref": ref, "order_ref": order_ref, "shipment_ref": new.shipment_ref, "kind": new.kind,
           "state": COMPLAINT.initial, "channel": new.channel, "late": late, "lines": lines,
           "description": new.description, "responsible_party": None, "remedy": None, "promised_date": None,
           "remedy_shipment_ref": None, "data": {"window_ends_at": ends.isoformat() if ends else None},
           "created_at": tx.now, "updated_at": tx.now}
    row["id"] = (await tx.conn.execute(complaints.insert().values(**row))).inserted_primary_key[0]
    transition = await engine.entered(tx, BEHAVIOUR, row, "received", None,
                                      {"kind": new.kind, "channel": new.channel, "lines": lines, "late": late,
                                       "window_ends_at": row["data"]["window_ends_at"]},
                                      row_before={}, fresh=True)
    await engine.apply(tx, "order", order_ref, "complaint_opened", {"complaint_ref": ref})
    return transition


def _facts(row: dict[str, Any]) -> ComplaintFacts:
    answer = (row["data"] or {}).get("answer") or {}
    return ComplaintFacts(cause=answer.get("cause"), responsible_party=row["responsible_party"], remedy=row["remedy"])



async def _remedy_shipment(tx: Tx, row: dict[str, Any], ref: str) -> dict[str, Any]:
    shipment = await tx.fetch_referenced("shipment", ref, field="data.shipment_ref")
    if shipment["order_ref"] != row["order_ref"]:
        raise InvalidInput(f"data.shipment_ref: shipment {ref} belongs to order {shipment['order_ref']}, not "
                           f"{row['order_ref']}", field="data.shipment_ref")
    if ref == row["shipment_ref"]:
        raise InvalidInput(f"data.shipment_ref: shipment {ref} is the one complained of, not the remedy",
                           field="data.shipment_ref")
    if shipment["created_at"] < row["created_at"]:
        raise InvalidInput(f"data.shipment_ref: shipment {ref} was created before the complaint: the remedy is a "
                           "shipment made for it (POST /api/complaints/{ref}/shipments)", field="data.shipment_ref")
    if shipment["state"] == "cancelled":
        raise InvalidInput(f"data.shipment_ref: shipment {ref} was cancelled", field="data.shipment_ref")
    return shipment


async def _updates(tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
    stored = dict(row["data"] or {})
    values: dict[str, Any] = {}
    at = tx.now.isoformat()
    if event == "investigation_started":
        stored["investigation"] = {"investigator": data["investigator"], "department": data.get("department"),
                                   "at": at}
    elif event == "answered":
        promised = as_date(data.get("promised_date"))
        if promised is not None and promised < tx.today:
            raise InvalidInput(f"data.promised_date: {promised} is in the past (today is {tx.today})",
                               field="data.promised_date")
        stored["answer"] = {key: data.get(key) for key in ("cause", "responsibility", "remedy", "plan",
                                                           "promised_date")} | {"at": at}
        values = {"responsible_party": data["responsibility"]["party"], "remedy": data["remedy"],
                  "promised_date": promised}
    elif event == "remedy_shipped":
        if row["remedy"] in SHIPPING_REMEDIES:  # otherwise the guard refuses it (409), whatever the shipment
            await _remedy_shipment(tx, row, data["shipment_ref"])
        stored["remedy_shipment"] = {"shipment_ref": data["shipment_ref"], "at": at}
        values = {"remedy_shipment_ref": data["shipment_ref"]}
    elif event == "resolved":
        stored["resolution"] = {"confirmed_by": data["confirmed_by"], "at": at}
    elif event == "withdrawn":
        stored["withdrawal"] = {"reason": data["reason"], "at": at}
    else:
        return values
    return {**values, "data": stored}


class ComplaintBehaviour:
    entity = "complaint"
    lifecycle = COMPLAINT
    state_column = "state"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        return await _updates(tx, row, event, data)

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> ComplaintFacts:
        return _facts(row)

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        return engine.state_hook("complaint", transition)

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if transition.state in COMPLAINT.terminal and transition.previous != transition.state:
            # the order waits for no complaint that ended; after the window, the last one closes it
            await engine.apply(tx, "order", row["order_ref"], "complaint_closed", {"complaint_ref": row["ref"]})


BEHAVIOUR = engine.register(ComplaintBehaviour())


# --- the replenishment or exchange, shipped in a shipment of the same order ---------------------


def _replacement_lines(row: dict[str, Any], new: NewShipment) -> dict[int, Decimal]:
    concerned = {int(k): Decimal(v) for k, v in row["lines"].items()}
    if new.lines is None:
        return concerned
    lines = {int(k): Decimal(v) for k, v in new.lines.items()}
    for line_no, qty in sorted(lines.items()):
        if line_no not in concerned:
            raise InvalidInput(f"lines: line {line_no} is not one the complaint concerns ("
                               f"{', '.join(map(str, sorted(concerned)))})", field="lines")
        if qty <= 0 or qty > concerned[line_no]:
            raise InvalidInput(f"lines: line {line_no}: {qty} replaces more than the {concerned[line_no]} "
                               "complained of (or nothing)", field="lines")
    return lines


async def ship_remedy(tx: Tx, ref: str, new: NewShipment) -> Transition:
    """The replenishment or exchange of an answered complaint leaves: a shipment of the complaint's order
    for the lines concerned (they do not count against the order's own quantities), tracked like any
    other; the complaint moves to remedy_shipped in the same transaction."""
    row = await tx.fetch("complaint", ref, lock=True)  # unknown: 404
    COMPLAINT.next_state(ref, row["state"], "remedy_shipped", _facts(row))  # 409 before anything is written
    order = await tx.fetch("order", row["order_ref"], lock=True)
    lines = _replacement_lines(row, new)
    shipment_ref = new.ref or new_ref("SH")
    if (await tx.conn.execute(SHIPMENT_EXISTS, {"ref": shipment_ref})).first() is not None:
        raise Conflict(f"shipment {shipment_ref} already exists", field="ref")
    mode = new.mode or order["delivery_mode"]
    await _shipments.store_shipment(tx, order["ref"], shipment_ref, mode, lines, new,
                                    {"mode": mode, "complaint_ref": ref, "remedy": row["remedy"]})
    return await engine.apply(tx, "complaint", ref, "remedy_shipped", {"shipment_ref": shipment_ref})
