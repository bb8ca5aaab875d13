"""Claims (004): opened in the inspection window or by a carrier anomaly; the order waits for them."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from hub.core.domain import engine
from hub.core.domain.inputs import NewClaim
from hub.core.domain.orders import new_ref
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput
from hub.core.lifecycle.claim import CLAIM, CLAIM_DOCUMENTS, ClaimFacts
from hub.core.models import Transition
from hub.core.store.tables import claims

CLAIMABLE_ORDER_STATES = ("shipped", "delivered")


async def open_claim(tx: Tx, new: NewClaim) -> Transition:
    order = await tx.fetch_referenced("order", new.order_ref, field="order_ref")
    if order["state"] not in CLAIMABLE_ORDER_STATES:
        reason = ("the 3-day inspection window has passed" if order["state"] == "closed"
                  else f"order is {order['state']}")
        raise InvalidInput(f"no claim on order {new.order_ref}: {reason}", field="order_ref")
    if new.shipment_ref:
        shipment = await tx.fetch("shipment", new.shipment_ref)
        if shipment["order_ref"] != new.order_ref:
            raise InvalidInput("the shipment belongs to another order", field="shipment_ref")
    row = {"ref": new.ref or new_ref("CL"), "order_ref": new.order_ref, "shipment_ref": new.shipment_ref,
           "kind": new.kind, "state": CLAIM.initial, "insured": new.insured,
           "amount_claimed": new.amount_claimed, "amount_approved": None, "currency": order["currency"],
           "documents_due_at": tx.now + timedelta(days=3), "description": new.description,
           "erp_ref": None, "created_at": tx.now, "updated_at": tx.now}
    await tx.conn.execute(claims.insert().values(**row))
    row = await tx.fetch("claim", row["ref"])  # complete, with column defaults
    transition = await engine.entered(tx, BEHAVIOUR, row, "opened", None,
                                      {"kind": new.kind, "documents_requested": list(CLAIM_DOCUMENTS)},
                                      row_before={})
    await engine.apply(tx, "order", new.order_ref, "claim_opened", {"claim_ref": row["ref"]})
    return transition


def _decimal(data: dict[str, Any], key: str) -> Decimal:
    try:
        value = Decimal(str(data[key]))
    except (KeyError, ArithmeticError, ValueError) as exc:
        raise InvalidInput(f"{key} is required and must be a decimal number", field=key) from exc
    if not value.is_finite() or value < 0:
        raise InvalidInput(f"{key} must not be negative", field=key)
    return value


class ClaimBehaviour:
    entity = "claim"
    lifecycle = CLAIM
    state_column = "state"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        if event == "documents_received" and data.get("amount_claimed") is not None:
            return {"amount_claimed": _decimal(data, "amount_claimed")}
        if event in ("amount_agreed", "insurer_decided"):
            return {"amount_approved": _decimal(data, "amount")}
        return {}

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> ClaimFacts:
        return ClaimFacts(insured=row["insured"], loss=row["amount_claimed"],
                          minimum_claimable=tx.config.claims.minimum_claimable)

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        return engine.state_hook("claim", transition)

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if transition.state == "closed" and transition.previous != "closed":
            await engine.apply(tx, "order", row["order_ref"], "claim_closed", {"claim_ref": row["ref"]})


BEHAVIOUR = engine.register(ClaimBehaviour())
