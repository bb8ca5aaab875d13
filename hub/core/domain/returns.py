"""After-sales requests (003): type allowed by the order's state, policy checks, one agent per customer."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hub.core.domain import engine
from hub.core.domain.customers import assign_agent
from hub.core.domain.inputs import NewReturn
from hub.core.domain.orders import new_ref
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput
from hub.core.lifecycle import policies
from hub.core.lifecycle.returns import RETURN, ReturnFacts
from hub.core.models import Transition
from hub.core.store.tables import returns, timeline


async def _closed_at(tx: Tx, order_ref: str) -> Any:
    await tx.flush(timeline)  # the order may have closed earlier in this unit
    query = sa.select(sa.func.max(timeline.c.at)).where(
        timeline.c.entity == "order", timeline.c.ref == order_ref, timeline.c.state == "closed")
    return (await tx.conn.execute(query)).scalar()


async def _policy_reason(tx: Tx, new: NewReturn, order: dict[str, Any]) -> str | None:
    policy = tx.config.returns
    allowed = policies.allowed_request_types(order["state"])
    if new.type not in allowed:
        return f"a {new.type} request is not possible while the order is {order['state']}"
    if order["state"] == "closed" and new.same_fault_repairs < policy.repairs_before_return:
        if reason := policies.after_completion_reason(policy, await _closed_at(tx, order["ref"]), tx.now):
            return reason
    line = next((ln for ln in order["lines"] if ln["line_no"] == new.line_no), order["lines"][0])
    if new.type == "exchange":
        return policies.exchange_reason(
            policy, ordered_at=order["created_at"], now=tx.now, packaging_intact=new.packaging_intact,
            point_difference=new.point_difference, category=line.get("category", "main_unit"),
            product_code=line["product_code"], quantity=new.quantity)
    if new.type == "repair" and new.checklist is None:
        return "a repair request needs the intake checklist"
    if new.type == "repair" and not new.checklist.data_loss_acknowledged:
        return "the customer must acknowledge the data-loss warning before repair"
    return None


async def request_return(tx: Tx, new: NewReturn) -> Transition:
    order = await tx.fetch_referenced("order", new.order_ref, field="order_ref")
    if new.line_no is not None and new.line_no not in {ln["line_no"] for ln in order["lines"]}:
        raise InvalidInput(f"order {new.order_ref} has no line {new.line_no}", field="line_no")
    if new.type in ("return_refund", "exchange", "repair") and not new.address:
        raise InvalidInput("returns and exchanges need an address", field="address")
    if reason := await _policy_reason(tx, new, order):
        raise InvalidInput(reason, field="type")
    details = new.model_dump(mode="json", include={"description", "evidence", "address", "on_site",
                                                   "checklist", "same_fault_repairs"})
    if new.type == "repair":
        line = next((ln for ln in order["lines"] if ln["line_no"] == new.line_no), order["lines"][0])
        findings = policies.checklist_voids_warranty(details["checklist"])
        warranty = policies.warranty_reason(
            tx.config.returns, category=line.get("category", "main_unit"),
            ordered_on=order["created_at"].date(), today=tx.now.date(),
            proof_of_purchase=new.proof_of_purchase, manufactured_on=new.manufactured_on)
        details["warranty"] = {"covered": not findings and warranty is None,
                               "reasons": findings + ([warranty] if warranty else [])}
    customer = await tx.fetch("customer", order["customer_code"], lock=True)
    row = {"ref": new.ref or new_ref("RT"), "order_ref": new.order_ref, "type": new.type,
           "state": RETURN.initial, "line_no": new.line_no, "reason": new.reason, "details": details,
           "amount": new.amount, "agent": await assign_agent(tx, customer), "erp_ref": None,
           "created_at": tx.now, "updated_at": tx.now}
    await tx.conn.execute(returns.insert().values(**row))
    row = await tx.fetch("return", row["ref"])  # complete, with column defaults
    return await engine.entered(tx, BEHAVIOUR, row, "requested", None,
                                {"type": new.type, "agent": row["agent"]}, row_before={})


class ReturnBehaviour:
    entity = "return"
    lifecycle = RETURN
    state_column = "state"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        return {}

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> ReturnFacts:
        return ReturnFacts(type=row["type"])

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        return engine.state_hook("return", transition)

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if row["type"] == "cancel" and transition.state == "completed":
            await engine.apply(tx, "order", row["order_ref"], "cancelled", {"return_ref": row["ref"]})


BEHAVIOUR = engine.register(ReturnBehaviour())
