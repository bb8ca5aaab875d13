"""Many received orders at once: the set-based form of ``orders.create_order`` for the inbox.

One batch of shop orders costs a handful of statements whatever its size: the refs already
stored and the customers named are read once, new customers and the orders are written with
one INSERT each, and the timeline, timers and outbox rows join the unit's buffered appends.
"""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from hub.core.domain import orders
from hub.core.domain.inputs import NewCustomer, NewOrder
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput
from hub.core.lifecycle.customer import CUSTOMER
from hub.core.store.tables import customers
from hub.core.store.tables import orders as orders_table

_EXISTING_REFS = sa.select(orders_table.c.ref).where(orders_table.c.ref.in_(sa.bindparam("refs", expanding=True)))
_CUSTOMERS = sa.select(customers).where(customers.c.code.in_(sa.bindparam("codes", expanding=True)))
_INSERT_ORDERS = orders_table.insert()


@dataclass
class Intake:
    """What became of each order of the batch, by the caller's key (the inbound event id)."""

    created: list[Hashable]
    failed: dict[Hashable, Exception]
    one_by_one: list[Hashable]  # special orders: their size check may reject them at once


def _customer_code(new: NewOrder) -> str | None:
    return new.customer.code if new.customer is not None else new.customer_code


async def _customers(tx: Tx, news: list[NewOrder]) -> None:
    """Every customer the batch names, in ``tx.customers``; inline ones created if new."""
    codes = sorted({code for new in news if (code := _customer_code(new))} - set(tx.customers))
    await _load(tx, codes)
    inline: dict[str, NewCustomer] = {}
    for new in news:
        if new.customer is not None and new.customer.code not in tx.customers:
            inline.setdefault(new.customer.code, new.customer)
    if inline:
        await _create_customers(tx, list(inline.values()))
        await _load(tx, sorted(inline))


async def _load(tx: Tx, codes: list[str]) -> None:
    if codes:
        for row in (await tx.conn.execute(_CUSTOMERS, {"codes": codes})).mappings():
            tx.customers[row["code"]] = dict(row)


async def _create_customers(tx: Tx, new: list[NewCustomer]) -> None:
    rows = [{**c.model_dump(), "standing": CUSTOMER.initial, "agent": None, "monthly_volume": None,
             "created_at": tx.now, "updated_at": tx.now} for c in new]
    insert = postgresql.insert(customers) if tx.postgres else sqlite.insert(customers)
    # A customer created meanwhile by another worker or the API is simply there: no error.
    await tx.conn.execute(insert.on_conflict_do_nothing(index_elements=["code"]), rows)
    for row in rows:
        await tx.record(entity="customer", ref=row["code"], order_ref=None, event="created", previous=None,
                        state=row["standing"], data={"grade": row["grade"]})


async def create_orders(tx: Tx, batch: list[tuple[Hashable, NewOrder]]) -> Intake:
    """Store every new order of ``batch``; a ref already stored (a redelivery under another
    webhook id) is a no-op, as in ``create_order``. Database errors propagate: the caller
    rolls the savepoint back and applies the batch one by one."""
    intake = Intake(created=[], failed={}, one_by_one=[])
    plain = []
    for key, new in batch:
        if new.kind == "special" or new.special is not None:
            intake.one_by_one.append(key)
        else:
            plain.append((key, new, new.ref or orders.new_ref("SO")))
    if not plain:
        return intake
    refs = sorted({ref for _, _, ref in plain})
    seen = set((await tx.conn.execute(_EXISTING_REFS, {"refs": refs})).scalars())
    await _customers(tx, [new for _, new, _ in plain])
    rows = []
    for key, new, ref in plain:
        if ref in seen:
            intake.created.append(key)  # already stored: nothing to do, as for a redelivery
            continue
        code = _customer_code(new)
        if not code or code not in tx.customers:
            intake.failed[key] = InvalidInput(f"unknown customer {code}" if code else
                                              "customer_code or customer is required", field="customer_code")
            continue
        seen.add(ref)
        rows.append(orders.order_row(new, ref, code, tx.now))
        intake.created.append(key)
    if rows:
        await tx.conn.execute(_INSERT_ORDERS, rows)
        for row in rows:
            await orders.received(tx, row)
    return intake


def decode(data: dict[str, Any]) -> NewOrder:
    """The stored ``order.created`` data as the typed order; it was checked when it was received."""
    return NewOrder.model_validate({**data, "source": data.get("source", "shop")})
