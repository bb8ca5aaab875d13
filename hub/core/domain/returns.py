"""After-sales requests (000, 003): the type the order's state allows, the policy checks, one agent per
customer, money capped at what was paid, and what a completed request does to its order."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hub.core.domain import engine
from hub.core.domain.customers import assign_agent
from hub.core.domain.inputs import NewReturn
from hub.core.domain.orders import new_ref
from hub.core.domain.tx import Tx
from hub.core.errors import IllegalTransition, InvalidInput
from hub.core.lifecycle import policies
from hub.core.lifecycle.returns import RETURN, ReturnFacts
from hub.core.models import Transition
from hub.core.store.tables import orders, returns, timeline

# Requests that give money back: their amounts together never exceed what the customer paid.
REFUNDING = ("refund", "return_refund")
ENDED = ("completed", "closed")
CENT = Decimal("0.01")


async def _closed_at(tx: Tx, order_ref: str) -> Any:
    await tx.flush(timeline)  # the order may have closed earlier in this unit
    query = sa.select(sa.func.max(timeline.c.at)).where(
        timeline.c.entity == "order", timeline.c.ref == order_ref, timeline.c.state == "closed")
    return (await tx.conn.execute(query)).scalar()


def fault_key(fault: str | None) -> str | None:
    """Faults compare by their words, not their spacing or case ("No heating" = "no  heating")."""
    return " ".join(fault.casefold().split()) if fault else None


async def completed_repairs(tx: Tx, unit_serial: str | None, fault: str | None, *, customer_code: str,
                            product_code: str) -> int:
    """The hub's own history: finished repairs of this unit for this fault (003: 同一问题维修两次), on the
    customer's orders of the same product — a serial alone could name another maker's unit."""
    if not unit_serial or not fault:
        return 0
    query = sa.select(returns.c.details).select_from(
        returns.join(orders, orders.c.ref == returns.c.order_ref)).where(
        returns.c.type == "repair", returns.c.state == "completed", returns.c.unit_serial == unit_serial.strip(),
        returns.c.fault == fault_key(fault), orders.c.customer_code == customer_code)
    rows = (await tx.conn.execute(query)).scalars()
    return sum(1 for details in rows if ((details or {}).get("product") or {}).get("product_code") == product_code)


async def _live_requests(tx: Tx, order_ref: str, types: tuple[str, ...]) -> list[dict[str, Any]]:
    """The order's requests of ``types`` that still count: neither rejected nor withdrawn."""
    query = sa.select(returns.c.ref, returns.c.line_no, returns.c.amount, returns.c.details).where(
        returns.c.order_ref == order_ref, returns.c.type.in_(types), returns.c.state != "closed")
    return [dict(r) for r in (await tx.conn.execute(query)).mappings()]


async def refunded_or_requested(tx: Tx, order_ref: str, *, line_no: int | None = None) -> Decimal:
    """Money already given back or promised on the order's requests (not rejected or withdrawn); with
    ``line_no``, on that line (a whole-order refund counts against every line). Money is stored
    exactly, as text: summed here."""
    rows = await _live_requests(tx, order_ref, REFUNDING)
    if line_no is not None:
        rows = [r for r in rows if r["line_no"] in (line_no, None)]
    return sum((Decimal(r["amount"]) for r in rows), Decimal(0))


def _line(order: dict[str, Any], line_no: int | None) -> dict[str, Any]:
    return next((ln for ln in order["lines"] if ln["line_no"] == line_no), order["lines"][0])


def _line_value(line: dict[str, Any]) -> Decimal:
    return Decimal(str(line.get("qty") or 0)) * Decimal(str(line.get("unit_price") or 0))


async def _refund_amount(tx: Tx, new: NewReturn, order: dict[str, Any]) -> Decimal:
    """A refund's amount: what was asked, else the line's value or what was paid; never above what was
    paid less the order's other refunds (a 999,999 refund on a 4,200 order is refused)."""
    paid = Decimal(order["deposit_paid"]) + Decimal(order["amount_paid"])
    left = paid - await refunded_or_requested(tx, order["ref"])
    if new.line_no is not None:  # a line gives back at most its value, less what its other refunds took
        line_left = _line_value(_line(order, new.line_no)) - await refunded_or_requested(
            tx, order["ref"], line_no=new.line_no)
        left = min(left, line_left)
    wanted = new.amount or max(left, Decimal(0))
    if wanted > left:
        raise InvalidInput(f"a refund is capped at what was paid: {paid} paid on order {order['ref']}, "
                           f"{paid - max(left, Decimal(0))} refunded, requested or beyond the line's value "
                           f"already, so at most {max(left, Decimal(0))}", field="amount")
    if wanted <= 0 and paid > 0:
        raise InvalidInput(f"nothing is left to refund on order {order['ref']}: {paid} paid, all of it refunded "
                           "or requested", field="amount")
    return max(wanted, Decimal(0)).quantize(CENT)


async def _policy_reason(tx: Tx, new: NewReturn, order: dict[str, Any], line: dict[str, Any],
                         repairs: int) -> tuple[str, str] | None:
    """Why the request is refused and which field says so, or None."""
    policy = tx.config.returns
    category = line.get("category", "main_unit")
    allowed = policies.allowed_request_types(order["state"])
    if new.type not in allowed:
        return f"a {new.type} request is not possible while the order is {order['state']}", "type"
    grounded = False
    if new.ground is not None:
        if new.type not in ("return_refund", "exchange"):
            return "a return ground is for a return_refund or an exchange request", "ground"
        filled = new.model_dump(include={"unit_serial", "fault", "description", "evidence", "received_on",
                                         "medical_certificate"})
        if reason := policies.ground_reason(policy, new.ground, category, filled, repairs):
            return reason, "ground"
        grounded = True
    past_window = grounded and policies.GROUNDS[new.ground].past_window
    # Warranty repairs follow the warranty periods, not the window for refunds and returns.
    if order["state"] == "closed" and new.type != "repair" and not past_window:
        if reason := policies.after_completion_reason(policy, await _closed_at(tx, order["ref"]), tx.now):
            return reason, "type"
    if new.type == "exchange":
        # the per-order caps count the order's other exchanges of the product too (每单仅限换 2 瓶)
        earlier = sum(int((r["details"] or {}).get("quantity", 1)) for r in await _live_requests(
            tx, order["ref"], ("exchange",))
            if ((r["details"] or {}).get("product") or {}).get("product_code") == line["product_code"])
        reason = policies.exchange_reason(
            policy, ordered_at=order["created_at"], now=tx.now, packaging_intact=new.packaging_intact,
            point_difference=new.point_difference, category=category, product_code=line["product_code"],
            quantity=new.quantity + earlier, grounded=grounded)
        return (reason, "type") if reason else None
    if new.type == "repair":
        if new.checklist is None:
            return "a repair request needs the intake checklist", "checklist"
        if not new.checklist.data_loss_acknowledged:
            return "the customer must acknowledge the data-loss warning before repair", "checklist"
        if not new.fault:
            return "a repair request names the fault (its repairs are counted per unit and fault)", "fault"
    return None


def _warranty(tx: Tx, new: NewReturn, order: dict[str, Any], line: dict[str, Any],
              checklist: dict[str, Any]) -> dict[str, Any]:
    findings = policies.checklist_voids_warranty(checklist)
    warranty = policies.warranty_reason(
        tx.config.returns, category=line.get("category", "main_unit"), ordered_on=order["created_at"].date(),
        today=tx.now.date(), proof_of_purchase=new.proof_of_purchase, manufactured_on=new.manufactured_on)
    return {"covered": not findings and warranty is None, "reasons": findings + ([warranty] if warranty else [])}


def _exchange_settlement(new: NewReturn, line: dict[str, Any]) -> dict[str, Any]:
    if new.replacement is None:
        return {"difference_due": "0", "rule": "same product: nothing to pay"}
    qty = new.replacement.qty or new.quantity
    due = policies.exchange_difference(Decimal(str(line.get("unit_price") or 0)), new.quantity,
                                       new.replacement.unit_price, qty)
    rule = ("inside a set at the same points and amount: no difference (套餐内同等积分同等金额)"
            if new.replacement.in_set and due == 0 and new.point_difference == 0
            else "the customer pays a dearer replacement's difference; a cheaper one refunds nothing (多不退少补)")
    return {"difference_due": str(due), "rule": rule,
            "replacement": new.replacement.model_dump(mode="json") | {"qty": qty}}


async def request_return(tx: Tx, new: NewReturn) -> Transition:
    order = await tx.fetch_referenced("order", new.order_ref, field="order_ref")
    if new.line_no is not None and new.line_no not in {ln["line_no"] for ln in order["lines"]}:
        raise InvalidInput(f"order {new.order_ref} has no line {new.line_no}", field="line_no")
    if new.type in ("return_refund", "exchange", "repair") and not new.address and not new.on_site:
        raise InvalidInput("returns and exchanges need an address", field="address")
    if new.replacement is not None and new.type != "exchange":
        raise InvalidInput("a replacement is for an exchange", field="replacement")
    if new.on_site and new.type != "repair":
        raise InvalidInput("on_site is for a repair: a technician goes to the unit", field="on_site")
    if new.fault and len(fault_key(new.fault) or "") > 200:
        raise InvalidInput("fault is at most 200 characters", field="fault")
    line = _line(order, new.line_no)
    if new.type in ("return_refund", "exchange") and new.quantity > Decimal(str(line.get("qty") or 0)):
        raise InvalidInput(f"line {line['line_no']} has {line.get('qty')}: quantity {new.quantity} is more",
                           field="quantity")
    repairs = await completed_repairs(tx, new.unit_serial, new.fault, customer_code=order["customer_code"],
                                      product_code=line["product_code"])
    if refused := await _policy_reason(tx, new, order, line, repairs):
        raise InvalidInput(refused[0], field=refused[1])
    amount = await _refund_amount(tx, new, order) if new.type in REFUNDING else new.amount
    details = new.model_dump(mode="json", include={
        "description", "evidence", "address", "on_site", "checklist", "batch_no", "received_on", "return_transport",
        "ground", "medical_certificate", "quantity"}, exclude_none=True)
    details["product"] = {key: line.get(key) for key in ("product_code", "spec", "category", "qty")}
    details["repairs_for_fault"] = repairs
    warranty_covered = False
    if new.type == "repair":
        details["warranty"] = _warranty(tx, new, order, line, details["checklist"])
        warranty_covered = details["warranty"]["covered"]
    if new.type == "exchange":
        details["settlement"] = _exchange_settlement(new, line)
    if new.type in REFUNDING and _before_shipping(order, new.line_no):
        details["before_shipping"] = True  # what it refunds must not ship while it is open; then it is cancelled
    details["shipping_paid_by"] = policies.shipping_paid_by(
        tx.config.returns, new.type, grounded=new.ground is not None, warranty_covered=warranty_covered)
    customer = await tx.fetch("customer", order["customer_code"], lock=True)
    row = {"ref": new.ref or new_ref("RT"), "order_ref": new.order_ref, "type": new.type,
           "state": RETURN.initial, "line_no": new.line_no, "reason": new.reason, "details": details,
           "amount": amount, "agent": await assign_agent(tx, customer), "erp_ref": None,
           "unit_serial": new.unit_serial.strip() if new.unit_serial else None, "fault": fault_key(new.fault),
           "created_at": tx.now, "updated_at": tx.now}
    await tx.conn.execute(returns.insert().values(**row))
    row = await tx.fetch("return", row["ref"])  # complete, with column defaults
    return await engine.entered(tx, BEHAVIOUR, row, "requested", None,
                                {"type": new.type, "agent": row["agent"], "amount": str(amount)}, row_before={})


def _before_shipping(order: dict[str, Any], line_no: int | None) -> bool:
    """Whether the refund comes before the goods left: a paid order not shipped, or a line of a shipped
    order none of which has left yet (a back order)."""
    if order["state"] in policies.PAID_NOT_SHIPPED:
        return True
    return (order["state"] == "shipped" and line_no is not None
            and Decimal(str(_line(order, line_no).get("shipped_qty") or 0)) == 0)


async def hold_shipping(tx: Tx, order: dict[str, Any], lines: dict[Any, Any] | None = None) -> None:
    """Refuse a shipment carrying what an open refund before shipping gives back — the whole order, or
    the refunded line (``lines``: line_no → quantity of the shipment; None: all of them)."""
    query = sa.select(returns.c.ref, returns.c.line_no, returns.c.details).where(
        returns.c.order_ref == order["ref"], returns.c.type.in_(REFUNDING), returns.c.state.notin_(ENDED))
    carried = None if lines is None else {int(k) for k, v in lines.items() if Decimal(str(v)) > 0}
    for ref, line_no, details in (await tx.conn.execute(query)).all():
        if not (details or {}).get("before_shipping"):
            continue
        if line_no is None or carried is None or line_no in carried:
            what = "the order ships" if line_no is None else f"line {line_no} ships"
            raise IllegalTransition("order", order["ref"], order["state"], "shipped",
                                    f"refund request {ref} is open: {what} only once it is rejected or withdrawn")


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value or 0))


class ReturnBehaviour:
    entity = "return"
    lifecycle = RETURN
    state_column = "state"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        details = dict(row["details"] or {})
        if event == "refunded" and data.get("amount") is not None:
            if row["type"] in REFUNDING and _decimal(data["amount"]) > _decimal(row["amount"]):
                raise InvalidInput(f"refunded {data['amount']} is more than the request's {row['amount']}, which "
                                   "is capped at what was paid", field="data.amount")
            return {"amount": _decimal(data["amount"])}
        if event == "goodwill_granted":
            # the range bounds the request's goodwill in all, not each grant
            total = sum((_decimal(g["amount"]) for g in details.get("goodwill", [])), _decimal(data["amount"]))
            if reason := policies.goodwill_reason(tx.config.returns, total):
                raise InvalidInput(f"{reason} (this request: {total} with this grant)", field="data.amount")
            details["goodwill"] = [*details.get("goodwill", []), {**data, "at": tx.now.isoformat()}]
        elif event == "difference_collected":
            collected = _decimal(details.get("difference_collected")) + _decimal(data["amount"])
            details["difference_collected"] = str(collected)
        elif event == "on_site_visited":
            details.setdefault("visited_at", tx.now.isoformat())
            details["technician"] = data.get("technician")
        elif event in ("fixed_on_site", "taken_to_workshop"):
            details["feedback_form" if event == "fixed_on_site" else "workshop"] = data
        elif event == "followed_up":
            details["follow_up"] = {**data, "at": tx.now.isoformat()}
        else:
            return {}
        return {"details": details}

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> ReturnFacts:
        details = row["details"] or {}
        return ReturnFacts(type=row["type"], on_site=bool(details.get("on_site")),
                           visited=bool(details.get("visited_at")),
                           at_factory=(details.get("factory_repair") or {}).get("state") in ("packed", "sent"),
                           difference_due=_decimal((details.get("settlement") or {}).get("difference_due")),
                           difference_collected=_decimal(details.get("difference_collected")))

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        return engine.state_hook("return", transition)

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if transition.state != "completed" or transition.previous == "completed":
            return
        if row["type"] == "cancel":
            await engine.apply(tx, "order", row["order_ref"], "cancelled", {"return_ref": row["ref"]})
        elif (row["details"] or {}).get("before_shipping"):
            await _cancel_refunded(tx, row)


async def _cancel_refunded(tx: Tx, row: dict[str, Any]) -> None:
    """A refund before shipping: the order — or only the refunded line — is cancelled, its stock freed
    and the warehouse told (the cancelled order's hook; an amended outbound note for a line)."""
    order = await tx.fetch("order", row["order_ref"])
    reason = f"refunded before shipping ({row['ref']})"
    still = [ln for ln in order["lines"] if ln["line_no"] != row["line_no"] and not ln.get("cancelled")]
    if row["line_no"] is None or not still:
        await engine.apply(tx, "order", order["ref"], "cancelled", {"return_ref": row["ref"], "reason": reason})
    else:
        await engine.apply(tx, "order", order["ref"], "lines_cancelled",
                           {"lines": [row["line_no"]], "return_ref": row["ref"], "reason": reason})


BEHAVIOUR = engine.register(ReturnBehaviour())
