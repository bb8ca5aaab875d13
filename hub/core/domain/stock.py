"""Scarce stock (000: 紧缺产品应根据客户级别和订货的先后顺序给予分配): what a review promises is
reserved, so the same sofas are never promised twice; when stock on hand is short, it goes by
customer grade, then order time, across the orders not yet confirmed to their customers. What a
confirmation promised to a customer is never taken by a later order: each reallocation is recorded
on the order that lost it, with the order that took it and why.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hub.core.domain.tx import Tx
from hub.core.store.tables import customers, orders, stock_promises

GRADE_RANK = {"A": 0, "B": 1, "C": 2}


def _promised(line: dict[str, Any]) -> Decimal:
    return min(Decimal(line["qty"]), Decimal(line["available_qty"])) - Decimal(line["shipped_qty"])


async def allocate(tx: Tx, order: dict[str, Any], lines: list[dict[str, Any]], on_hand: dict[int, Decimal],
                   grade: str) -> list[dict[str, Any]]:
    """Reserve the review's promises; for lines where the review gave the stock on hand, allocate it
    across the open, unconfirmed promises by (grade, order time). Returns the order's lines."""
    by_no = {line["line_no"]: dict(line) for line in lines}
    for line_no, stock in on_hand.items():
        line = by_no[line_no]
        line["available_qty"] = str(await _share(tx, order, line, stock, grade))
        _back_order(line)
    await tx.conn.execute(stock_promises.delete().where(stock_promises.c.order_ref == order["ref"]))
    rows = [{"product_code": line["product_code"], "order_ref": order["ref"], "line_no": line["line_no"],
             "qty": _promised(line), "grade": grade, "ordered_at": order["created_at"], "confirmed": False}
            for line in by_no.values() if line.get("available_qty") is not None and line.get("qty")]
    rows = [r for r in rows if r["qty"] > 0]
    if rows:
        await tx.conn.execute(stock_promises.insert(), rows)
    return list(by_no.values())


def _back_order(line: dict[str, Any]) -> None:
    short = Decimal(line["qty"]) - Decimal(line["available_qty"])
    line["back_order_qty"] = str(max(short, Decimal(0)))


async def _share(tx: Tx, order: dict[str, Any], line: dict[str, Any], stock: Decimal, grade: str) -> Decimal:
    """This line's share of ``stock``; unconfirmed promises of lower rank give way, and are told."""
    query = sa.select(stock_promises).where(stock_promises.c.product_code == line["product_code"],
                                            stock_promises.c.order_ref != order["ref"])
    others = [dict(r) for r in (await tx.conn.execute(query)).mappings()]
    free = stock - sum((p["qty"] for p in others if p["confirmed"]), Decimal(0))
    wanted = Decimal(line["qty"]) - Decimal(line["shipped_qty"])
    me = {"order_ref": order["ref"], "qty": wanted, "grade": grade, "ordered_at": order["created_at"]}
    queue = sorted([p for p in others if not p["confirmed"]] + [me],
                   key=lambda p: (GRADE_RANK.get(p["grade"], 9), p["ordered_at"], p["order_ref"]))
    mine = Decimal(0)
    for promise in queue:
        share = max(Decimal(0), min(promise["qty"], free))
        free -= share
        if promise is me:
            mine = share
        elif share < promise["qty"]:
            await _give_way(tx, promise, share, taken_by=order["ref"], grade=grade)
    return mine


async def _give_way(tx: Tx, promise: dict[str, Any], share: Decimal, *, taken_by: str, grade: str) -> None:
    """Shrink an unconfirmed promise to ``share``: its line becomes (more of) a back order, recorded."""
    row = await tx.fetch("order", promise["order_ref"], lock=True)  # another unit may move it
    lines = []
    for line in row["lines"]:
        line = dict(line)
        if line["line_no"] == promise["line_no"]:
            line["available_qty"] = str(Decimal(line["shipped_qty"]) + share)
            _back_order(line)
        lines.append(line)
    await tx.update("order", row["id"], {"lines": lines})
    await tx.conn.execute(stock_promises.update().where(stock_promises.c.id == promise["id"]).values(qty=share))
    await tx.record(entity="order", ref=row["ref"], order_ref=row["ref"], event="stock_reallocated",
                    previous=row["state"], state=row["state"],
                    data={"line_no": promise["line_no"], "product_code": promise["product_code"],
                          "from": str(promise["qty"]), "to": str(share), "taken_by": taken_by,
                          "reason": f"grade {grade} order {taken_by} comes first (grade, then order time: 000); "
                                    "this order's confirmation had not gone out"})


async def confirm(tx: Tx, order_ref: str) -> None:
    """The confirmation went to the customer: its promises are the customer's now."""
    await tx.conn.execute(stock_promises.update().where(stock_promises.c.order_ref == order_ref)
                          .values(confirmed=True))


async def release(tx: Tx, order_ref: str, line_nos: list[int] | None = None) -> None:
    """The order ended (cancelled, rejected, closed) or some lines were cancelled (``line_nos``): what
    it held is free again, and goes first to the orders waiting for that product (their back orders),
    by grade, then order time."""
    which = [stock_promises.c.order_ref == order_ref]
    if line_nos is not None:
        which.append(stock_promises.c.line_no.in_(line_nos))
    held = (await tx.conn.execute(sa.select(stock_promises.c.product_code, stock_promises.c.qty)
                                  .where(*which))).all()
    await tx.conn.execute(stock_promises.delete().where(*which))
    freed: dict[str, Decimal] = {}
    for product_code, qty in held:
        freed[product_code] = freed.get(product_code, Decimal(0)) + Decimal(qty)
    for product_code, qty in sorted(freed.items()):
        if qty > 0:
            await reoffer(tx, product_code, qty, freed_by=order_ref)


# Orders whose back orders may take freed stock: reviewed (a line with its available quantity; a
# received order may be one waiting for planning's date), and not ended or delivered.
WAITING_STATES = ("received", "price_escalated", "reviewed", "awaiting_confirmation", "awaiting_payment", "posted",
                  "released", "shipped")
UNCONFIRMED_STATES = ("received", "price_escalated", "reviewed")


async def reoffer(tx: Tx, product_code: str, qty: Decimal, *, freed_by: str) -> None:
    """Freed stock of ``product_code`` to the waiting back orders, grade first, then order time.

    A released or shipped order is told as planning would tell it (``back_order_ready``, sent by the
    hub): its back order may ship now. An order still in its confirmation steps gets the line's
    available quantity raised; every share is on the timeline of the order that got it."""
    from hub.core.domain import engine  # the engine imports the order behaviour, which imports this
    waiting = []
    query = sa.select(orders.c.ref, orders.c.created_at, orders.c.state, customers.c.grade).join(
        customers, customers.c.code == orders.c.customer_code).where(orders.c.state.in_(WAITING_STATES))
    for ref, created_at, _state, grade in (await tx.conn.execute(query)).all():
        waiting.append((GRADE_RANK.get(grade, 9), created_at, ref))
    for _rank, _at, ref in sorted(waiting):
        if qty <= 0:
            return
        row = await tx.fetch("order", ref, lock=True)
        lines = [line for line in row["lines"] if line["product_code"] == product_code
                 and line.get("available_qty") is not None and Decimal(line.get("back_order_qty") or 0) > 0]
        if not lines or row["state"] not in WAITING_STATES:
            continue
        shares: dict[int, Decimal] = {}
        for line in lines:
            give = min(Decimal(line["back_order_qty"]), qty)
            shares[line["line_no"]], qty = give, qty - give
            if qty <= 0:
                break
        await _take(tx, engine, row, shares, product_code, freed_by)


async def _take(tx: Tx, engine: Any, row: dict[str, Any], shares: dict[int, Decimal], product_code: str,
                freed_by: str) -> None:
    new_available = {no: Decimal(line["available_qty"]) + shares[no] for line in row["lines"]
                     if (no := line["line_no"]) in shares}
    reason = f"order {freed_by} ended: its {product_code} goes to the waiting back orders by grade, then order time"
    for line_no, give in shares.items():
        await tx.record(entity="order", ref=row["ref"], order_ref=row["ref"], event="stock_reoffered",
                        previous=row["state"], state=row["state"],
                        data={"line_no": line_no, "product_code": product_code, "qty": str(give),
                              "freed_by": freed_by, "reason": reason})
        await _hold(tx, row, line_no, product_code, give)
    if row["state"] in ("released", "shipped"):
        etas = {line["line_no"]: line.get("back_order_eta") for line in row["lines"]}
        await engine.apply(tx, "order", row["ref"], "back_order_ready", {"lines": [
            {"line_no": no, "available_qty": str(qty), **({"back_order_eta": etas[no]} if etas.get(no) else {})}
            for no, qty in new_available.items()]})
        return
    lines = []
    for line in row["lines"]:
        line = dict(line)
        if line["line_no"] in new_available:
            line["available_qty"] = str(new_available[line["line_no"]])
            _back_order(line)
            if Decimal(line["back_order_qty"]) == 0:
                line["back_order_eta"] = None
        lines.append(line)
    await tx.update("order", row["id"], {"lines": lines})


async def _hold(tx: Tx, row: dict[str, Any], line_no: int, product_code: str, qty: Decimal) -> None:
    """The share is this order's promise now (the customer's, once its confirmation went out)."""
    cond = (stock_promises.c.order_ref == row["ref"], stock_promises.c.line_no == line_no)
    held = (await tx.conn.execute(sa.select(stock_promises.c.qty).where(*cond))).scalar()
    if held is not None:
        await tx.conn.execute(stock_promises.update().where(*cond).values(qty=Decimal(held) + qty))
        return
    grade = (await tx.fetch("customer", row["customer_code"]))["grade"]
    await tx.conn.execute(stock_promises.insert().values(
        product_code=product_code, order_ref=row["ref"], line_no=line_no, qty=qty, grade=grade,
        ordered_at=row["created_at"], confirmed=row["state"] not in UNCONFIRMED_STATES))


async def shipped(tx: Tx, order_ref: str, quantities: dict[int, Decimal]) -> None:
    """Goods left: a promise shrinks by what shipped (it was stock on hand until now)."""
    for line_no, qty in quantities.items():
        cond = (stock_promises.c.order_ref == order_ref, stock_promises.c.line_no == line_no)
        held = (await tx.conn.execute(sa.select(stock_promises.c.qty).where(*cond))).scalar()
        if held is None:
            continue
        if held - qty <= 0:
            await tx.conn.execute(stock_promises.delete().where(*cond))
        else:
            await tx.conn.execute(stock_promises.update().where(*cond).values(qty=held - qty))
