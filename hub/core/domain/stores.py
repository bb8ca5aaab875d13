"""New stores (000, 新开店备发货流程): intake from store development, the start documents, the lists for
confirmation, payment and the agreed shipping date, the first shipment, the back orders, the handover.

Everything the process collects lives in the row's ``data`` (JSON): the documents sent, the product,
decor and image lists, the payment, the agreed shipping date, the shipments and the back-order list.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hub.core.domain import engine, timers
from hub.core.domain.customers import ensure_customer
from hub.core.domain.inputs import NewStore
from hub.core.domain.store_lists import as_date, outstanding
from hub.core.domain.tx import Tx
from hub.core.errors import Conflict, InvalidInput
from hub.core.lifecycle.store import START_DOCUMENTS, STORE, StoreFacts
from hub.core.models import Transition
from hub.core.store.tables import store_openings
from hub.core.store.tables import timers as timer_rows

BACK_ORDER_RULE = "store_back_order_eta"
STORE_EXISTS = sa.select(store_openings.c.id).where(store_openings.c.ref == sa.bindparam("ref"))


def empty_data(new: NewStore) -> dict[str, Any]:
    return {"intake": {"name": new.name, "address": new.address, "developer": new.developer,
                       "allocation": new.allocation},
            "documents_sent": [], "image_items": [], "product_lines": [], "decor_items": [], "changes": [],
            "payment": None, "shipping_date": None, "shipment_refs": [], "back_orders": [], "handover": None}


async def open_store(tx: Tx, new: NewStore) -> Transition:
    """Store development passed a new store on: the customer record is created (or reused) and the
    order desk's clock starts (documents and product list within 1 working day)."""
    customer = await ensure_customer(tx, new.customer_code, new.customer)
    if (await tx.conn.execute(STORE_EXISTS, {"ref": new.ref})).first() is not None:
        raise Conflict(f"store {new.ref} already exists", field="ref")
    row = {"ref": new.ref, "customer_code": customer["code"], "order_ref": new.order_ref, "state": STORE.initial,
           "data": empty_data(new), "created_at": tx.now, "updated_at": tx.now}
    row["id"] = (await tx.conn.execute(store_openings.insert().values(**row))).inserted_primary_key[0]
    return await engine.entered(tx, BEHAVIOUR, row, "received", None,
                                {"customer_code": customer["code"], "order_ref": new.order_ref},
                                row_before={}, fresh=True)



def _not_past(tx: Tx, day: Any, field: str) -> None:
    if as_date(day) < tx.today:
        raise InvalidInput(f"{field}: {day} is in the past (today is {tx.today})", field=field)


def _ship_back_orders(tx: Tx, data: dict[str, Any], event: dict[str, Any]) -> list[dict[str, Any]]:
    lines = [dict(line) for line in data["back_orders"]]
    by_no = {line["line_no"]: line for line in lines}
    wanted = event.get("line_nos") or [line["line_no"] for line in lines if not line.get("shipped_at")]
    unknown = sorted(set(wanted) - set(by_no))
    if unknown:
        raise InvalidInput(f"data.line_nos: no back-order line {', '.join(map(str, unknown))}; the lines are "
                           f"{', '.join(map(str, sorted(by_no))) or 'none'}", field="data.line_nos")
    done = sorted(n for n in set(wanted) if by_no[n].get("shipped_at"))
    if done:
        raise InvalidInput(f"data.line_nos: back-order line {', '.join(map(str, done))} already shipped",
                           field="data.line_nos")
    for n in wanted:
        by_no[n].update(shipped_at=tx.now.isoformat(), shipment_ref=event.get("shipment_ref"),
                        express=bool(event.get("express")))
    return lines


def _updates(tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
    stored = dict(row["data"] or {})
    values: dict[str, Any] = {}
    if event == "documents_sent":
        sent = set(stored["documents_sent"]) | set(data["documents"])
        stored["documents_sent"] = [d for d in START_DOCUMENTS if d in sent]
        if "image_items" in data:
            stored["image_items"] = data["image_items"]
    elif event == "product_list_prepared":
        stored["product_lines"] = data["lines"]
    elif event == "lists_sent":
        stored["decor_items"] = data["decor_items"]
    elif event == "lists_changed":
        for key in ("decor_items", "image_items"):
            if data.get(key) is not None:
                stored[key] = data[key]
        stored["changes"] = [*stored["changes"], {"signed_by": data["signed_by"], "at": tx.now.isoformat(),
                                                  **{k: True for k in ("decor_items", "image_items")
                                                     if data.get(k) is not None}}]
    elif event == "confirmed":
        _not_past(tx, data["shipping_date"], "data.shipping_date")
        stored["payment"] = {"amount": data["amount"], "reference": data.get("reference"), "at": tx.now.isoformat()}
        stored["shipping_date"] = data["shipping_date"]
    elif event == "first_shipped":
        lines = data.get("back_orders", [])
        for i, line in enumerate(lines):
            _not_past(tx, line["eta"], f"data.back_orders.{i}.eta")
        stored["back_orders"] = [{"line_no": n, "kind": line.get("kind", "product"), "code": line["code"],
                                  "description": line.get("description", ""), "qty": line["qty"], "eta": line["eta"],
                                  "shipped_at": None, "shipment_ref": None, "express": False}
                                 for n, line in enumerate(lines, start=1)]
        if data.get("shipment_ref"):
            stored["shipment_refs"] = [*stored["shipment_refs"], data["shipment_ref"]]
        if data.get("order_ref") and not row["order_ref"]:
            values["order_ref"] = data["order_ref"]
    elif event == "back_orders_shipped":
        stored["back_orders"] = _ship_back_orders(tx, stored, data)
        if data.get("shipment_ref"):
            stored["shipment_refs"] = [*stored["shipment_refs"], data["shipment_ref"]]
    elif event == "handed_over":
        stored["handover"] = {"brief_returned_to": data["brief_returned_to"],
                              "kept": data.get("kept", ["design_floor_plan", "image_items_list"]),
                              "at": tx.now.isoformat()}
    else:
        return values
    return {**values, "data": stored}


class StoreBehaviour:
    entity = "store"
    lifecycle = STORE
    state_column = "state"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        return _updates(tx, row, event, data)

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> StoreFacts:
        stored = row["data"] or {}
        return StoreFacts(
            documents_missing=tuple(d for d in START_DOCUMENTS if d not in stored.get("documents_sent", ())),
            back_orders_outstanding=len(outstanding(stored)))

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        return engine.state_hook("store", transition)

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if transition.event == "back_orders_shipped" and transition.state == transition.previous:
            await _rearm_back_order_eta(tx, row)


async def _rearm_back_order_eta(tx: Tx, row: dict[str, Any]) -> None:
    """Some back-order lines shipped, others wait: the ETA timer now watches the earliest one left
    (a line shipped before its date must not breach on it)."""
    rule = timers.RULES_BY_NAME[BACK_ORDER_RULE]
    await tx.flush(timer_rows)  # the timer may have opened in this unit
    await tx.conn.execute(timer_rows.update().where(
        timer_rows.c.entity == "store", timer_rows.c.ref == row["ref"], timer_rows.c.rule == rule.name,
        timer_rows.c.state == "open").values(state="satisfied", closed_at=tx.now))
    if rule.condition(row):
        await timers.start(tx, rule, "store", row["ref"], row, None)


BEHAVIOUR = engine.register(StoreBehaviour())
