"""Orders: intake with completeness and special-order checks, review, confirmation, payment."""
from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hub.core import attachments
from hub.core.domain import engine, stock
from hub.core.domain.customers import ensure_customer
from hub.core.domain.inputs import NewOrder
from hub.core.domain.lines import undated_short_lines
from hub.core.domain.tx import Tx
from hub.core.errors import Conflict, InvalidInput
from hub.core.lifecycle.order import (ORDER, OrderFacts, price_mismatches, promised_date,
                                      special_order_check)
from hub.core.models import Transition
from hub.core.store.tables import orders, shipments


def new_ref(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


def missing_fields(lines: list[dict[str, Any]], delivery_mode: str, contact: dict[str, Any]) -> list[str]:
    """The confirmation fields (000) still unclear: each must be clarified with the customer."""
    missing = []
    for line in lines:
        missing += [f"line {line['line_no']} {name}" for key, name in (("spec", "spec"), ("qty", "qty"),
                                                                      ("unit_price", "unit price"))
                    if not line.get(key)]
    if not contact.get("phone"):
        missing.append("contact phone")
    if delivery_mode == "delivery" and not contact.get("address"):
        missing.append("delivery address")
    if delivery_mode == "pickup" and not contact.get("pickup_company"):
        missing.append("pickup company")
    return missing


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _line(n: int, line: Any) -> dict[str, Any]:
    return {"line_no": n, "product_code": line.product_code, "spec": line.spec, "qty": _text(line.qty),
            "unit_price": _text(line.unit_price), "category": line.category, "list_price": None,
            "available_qty": None, "back_order_qty": "0", "back_order_eta": None, "shipped_qty": "0"}


def order_total(lines: list[dict[str, Any]]) -> Decimal:
    """The contract amount; a line still missing its quantity or price adds nothing until clarified."""
    return sum((Decimal(line["qty"]) * Decimal(line["unit_price"]) for line in lines
                if line.get("qty") and line.get("unit_price") is not None), Decimal(0))


def order_row(new: NewOrder, ref: str, customer_code: str, now: Any) -> dict[str, Any]:
    """The complete row of a received order, every column set: nothing to read back after the INSERT."""
    lines = [_line(n, line) for n, line in enumerate(new.lines, start=1)]
    contact = new.contact.model_dump(exclude_none=True)
    total = order_total(lines)
    return {"ref": ref, "customer_code": customer_code, "state": ORDER.initial, "kind": new.kind,
            "currency": new.currency.upper(), "total": total, "deposit_due": new.deposit_due,
            "deposit_paid": Decimal(0), "amount_paid": Decimal(0), "delivery_mode": new.delivery_mode,
            "contact": contact, "lines": lines,
            "special": new.special.model_dump(mode="json") if new.special else None,
            "missing_fields": [*missing_fields(lines, new.delivery_mode, contact), *new.clarify],
            "price_mismatches": [],
            "promised_date": new.promised_date, "confirmation_due_at": None, "confirmation_received_at": None,
            "inspection_window_elapsed": False, "open_claims": 0, "erp_ref": None, "outbound_ref": None,
            "open_complaints": 0,
            "delivered_at": None,
            "source": new.source, "created_at": now, "updated_at": now}


_INSERT_ORDER = orders.insert()
ORDER_EXISTS = sa.select(orders.c.id).where(orders.c.ref == sa.bindparam("ref"))


async def received(tx: Tx, row: dict[str, Any]) -> Transition:
    """The timeline entry, timers and ``hub_order_received`` of an order stored in this unit."""
    return await engine.entered(tx, BEHAVIOUR, row, "received", None,
                                {"source": row["source"], "missing_fields": row["missing_fields"]},
                                row_before={}, fresh=True)


async def create_order(tx: Tx, new: NewOrder) -> Transition:
    """Store a received order; an out-of-range special order is rejected at once with the reason."""
    customer = await ensure_customer(tx, new.customer_code, new.customer)
    ref = new.ref or new_ref("SO")
    if (await tx.conn.execute(ORDER_EXISTS, {"ref": ref})).first() is not None:
        raise Conflict(f"order {ref} already exists", field="ref")
    if new.kind == "special" and new.special is None:
        raise InvalidInput("a special order needs its standard and requested sizes", field="special")
    row = order_row(new, ref, customer["code"], tx.now)
    row["id"] = (await tx.conn.execute(_INSERT_ORDER, row)).inserted_primary_key[0]
    transition = await received(tx, row)
    if new.special is not None:
        reason = special_order_check(new.special.standard, new.special.requested)
        if reason:
            return await engine.apply(tx, "order", ref, "rejected", {"reason": reason})
    return transition


def known_lines(row: dict[str, Any], numbers: list[int], field: str) -> None:
    """A line number the order does not have is the caller's mistake, named, never skipped."""
    known = {line["line_no"] for line in row["lines"]}
    unknown = sorted(set(numbers) - known)
    if unknown:
        raise InvalidInput(f"{field}: order {row['ref']} has no line {', '.join(map(str, unknown))}; its lines "
                           f"are {', '.join(map(str, sorted(known)))}", field=field)


CLARIFIED_LINE_FIELDS = {"specs": "spec", "quantities": "qty", "prices": "unit_price"}


def _clarify(row: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """What the customer clarified: per line spec, quantity or price, and contact details (000)."""
    per_line = {key: {int(k): str(v) for k, v in data.get(key, {}).items()} for key in CLARIFIED_LINE_FIELDS}
    for key, values in per_line.items():
        known_lines(row, list(values), f"data.{key}")
    if not any(per_line.values()) and not any((data.get("contact") or {}).values()):
        raise InvalidInput("clarified needs specs, quantities or prices (line_no → value) or contact fields",
                           field="data")
    contact = {**row["contact"], **{k: v for k, v in (data.get("contact") or {}).items() if v}}
    lines = []
    for line in row["lines"]:
        line = dict(line)
        for key, column in CLARIFIED_LINE_FIELDS.items():
            if line["line_no"] in per_line[key]:
                line[column] = per_line[key][line["line_no"]]
        lines.append(line)
    return {"contact": contact, "lines": lines, "total": order_total(lines),
            "missing_fields": missing_fields(lines, row["delivery_mode"], contact)}


def _ready(row: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    by_no = {int(item["line_no"]): item for item in data["lines"]}
    known_lines(row, list(by_no), "data.lines")
    lines = []
    for line in row["lines"]:
        line = dict(line)
        ready = by_no.get(line["line_no"])
        if ready is not None:
            available = min(Decimal(ready["available_qty"]), Decimal(line["qty"]))
            if available < Decimal(line["shipped_qty"]):
                raise InvalidInput(f"line {line['line_no']}: {line['shipped_qty']} already shipped, more than "
                                   f"{available}", field="data.lines")
            line["available_qty"] = str(available)
            line["back_order_qty"] = str(Decimal(line["qty"]) - available)
            line["back_order_eta"] = ready.get("back_order_eta") if available < Decimal(line["qty"]) else None
        lines.append(line)
    return lines


def _knows_prices(tx: Tx, lines: list[dict[str, Any]]) -> bool:
    """Whether the hub has a price list to check against: its own, or list prices the review gave."""
    return bool(tx.config.price_list) or any(line.get("list_price") is not None for line in lines)


def _merge_review(tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    by_no = {int(item["line_no"]): item for item in data.get("lines", [])}
    known_lines(row, list(by_no), "data.lines")
    lines = []
    for line in row["lines"]:
        line = dict(line)
        review = by_no.get(line["line_no"], {})
        if review.get("available_qty") is not None and line["qty"] is not None:
            line["available_qty"] = str(review["available_qty"])
            short = Decimal(line["qty"]) - Decimal(line["available_qty"])
            line["back_order_qty"] = str(max(short, Decimal(0)))
        if review.get("available_qty") is not None or review.get("on_hand") is not None:
            # kept when given, short or not: an allocation may still leave the line short (stock.py)
            line["back_order_eta"] = review.get("back_order_eta")
        listed = review.get("list_price", tx.config.price_list.get(line["product_code"]))
        line["list_price"] = None if listed is None else str(listed)
        lines.append(line)
    return lines


async def _updates(tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
    if event == "clarified":
        return _clarify(row, data)
    if event == "reviewed":
        lines = _merge_review(tx, row, data)
        on_hand = {int(item["line_no"]): Decimal(str(item["on_hand"])) for item in data.get("lines", [])
                   if item.get("on_hand") is not None}
        grade = (await tx.fetch("customer", row["customer_code"]))["grade"]
        lines = await stock.allocate(tx, row, lines, on_hand, grade)
        return {"lines": lines, "price_mismatches": list(price_mismatches(lines, tx.config.price_list,
                                                                          priced=_knows_prices(tx, lines)))}
    if event == "back_order_ready":
        return {"lines": _ready(row, data)}
    if event == "lines_cancelled":
        lines = await _cancel_lines(tx, row, data)
        return {"lines": lines, "total": order_total(lines)}
    if event == "price_approved":
        return {"price_mismatches": []}
    if event == "confirmation_sent":
        if row["state"] != "reviewed":
            return {}  # sent again, on another channel: the day it first went out counts (002)
        await stock.confirm(tx, row["ref"])
        return {"confirmation_due_at": tx.now}
    if event == "confirmation_received":
        if data.get("attachments"):  # this order's uploads (422 otherwise), now its signed confirmation
            await attachments.adopt(tx.conn, "order", row["ref"], data["attachments"], attachments.SIGNED_CONFIRMATION)
        if row["confirmation_received_at"] is not None:
            # a clearer scan, or an upload retried: the day it first came back moved the date, once (002)
            return {}
        values: dict[str, Any] = {"confirmation_received_at": tx.now}
        if row["promised_date"] and row["confirmation_due_at"]:
            values["promised_date"] = promised_date(row["promised_date"], row["confirmation_due_at"], tx.now)
        return values
    if event in ("deposit_received", "payment_received"):
        amount = _amount(data)
        column = "deposit_paid" if event == "deposit_received" else "amount_paid"
        return {column: row[column] + amount}
    if event == "special_warehoused":
        if row["kind"] != "special":
            raise InvalidInput(f"order {row['ref']} is a {row['kind']} order: only special orders wait for "
                               "their product to be made", field="event")
        return {"special": {**(row["special"] or {}), "warehoused_at": tx.now.isoformat(),
                            "receipt_ref": data.get("receipt_ref")}}
    if event == "finance_rejected" and data.get("payment_not_received"):
        return {"deposit_paid": Decimal(0), "amount_paid": Decimal(0)}  # the ERP's numbers: the catalogue stores
    if event == "claim_opened":
        return {"open_claims": row["open_claims"] + 1}
    if event == "claim_closed":
        return {"open_claims": max(0, row["open_claims"] - 1)}
    if event == "complaint_opened":
        return {"open_complaints": (row.get("open_complaints") or 0) + 1}
    if event == "complaint_closed":
        return {"open_complaints": max(0, (row.get("open_complaints") or 0) - 1)}
    if event == "inspection_window_elapsed":
        return {"inspection_window_elapsed": True}
    return {}


async def _cancel_lines(tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    """What is not shipped of the named lines is cancelled: the line keeps what left (nothing, before
    shipping) and says what was cancelled; its promise of stock goes back to the waiting orders."""
    wanted = set(data["lines"])
    unknown = wanted - {line["line_no"] for line in row["lines"]}
    if unknown:
        raise InvalidInput(f"order {row['ref']} has no line {', '.join(map(str, sorted(unknown)))}",
                           field="data.lines")
    lines = []
    for line in row["lines"]:
        line = dict(line)
        if line["line_no"] in wanted:
            shipped = Decimal(line["shipped_qty"])
            line["cancelled_qty"] = str(Decimal(line["qty"] or 0) - shipped)
            line["qty"] = str(shipped)
            line["cancelled"] = True
            if line.get("available_qty") is not None:
                line["available_qty"] = str(min(Decimal(line["available_qty"]), shipped))
            line["back_order_qty"], line["back_order_eta"] = "0", None
        lines.append(line)
    await stock.release(tx, row["ref"], line_nos=sorted(wanted))
    return lines


def _amount(data: dict[str, Any]) -> Decimal:
    try:
        amount = Decimal(str(data["amount"]))
    except (KeyError, ArithmeticError, ValueError) as exc:
        raise InvalidInput("amount is required and must be a decimal number", field="amount") from exc
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput("amount must be positive", field="amount")
    return amount


def _facts(row: dict[str, Any], grade: str, data: dict[str, Any], departments: tuple[str, ...]) -> OrderFacts:
    pending = tuple(d for d in departments if d not in data.get("special_review", {}))
    return OrderFacts(
        grade=grade, kind=row["kind"], missing_fields=tuple(row["missing_fields"]),
        price_mismatches=tuple(row["price_mismatches"]),
        special_approved=not pending, special_pending=pending, deposit_due=row["deposit_due"],
        deposit_paid=row["deposit_paid"], total=row["total"], amount_paid=row["amount_paid"],
        open_claims=row["open_claims"], open_complaints=row.get("open_complaints") or 0,
        inspection_window_elapsed=row["inspection_window_elapsed"],
        back_orders_outstanding=any(Decimal(line["shipped_qty"]) < Decimal(line["qty"] or 0)
                                    for line in row["lines"]),
        undated_short_lines=undated_short_lines(row["lines"]),
        special_made=bool((row["special"] or {}).get("warehoused_at")))


class OrderBehaviour:
    entity = "order"
    lifecycle = ORDER
    state_column = "state"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        return await _updates(tx, row, event, data)

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> OrderFacts:
        # The gates depend on the customer's grade now, not when the order came in (002).
        grade = (await tx.fetch("customer", row["customer_code"]))["grade"]
        return _facts(row, grade, data, tx.config.special_review_departments)

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        return engine.state_hook("order", transition)

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if transition.state in ORDER.terminal and transition.previous != transition.state:
            await stock.release(tx, row["ref"])  # what it held is free for the next order


BEHAVIOUR = engine.register(OrderBehaviour())


async def shipments_of(tx: Tx, order_ref: str) -> list[dict[str, Any]]:
    rows = await tx.conn.execute(sa.select(shipments).where(shipments.c.order_ref == order_ref))
    return [dict(r) for r in rows.mappings()]
