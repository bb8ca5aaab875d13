"""Claims (004): opened in the inspection window or by a carrier anomaly; the order waits for them.

What each step records is a column of the claim (the view and the snapshot show it): the documents in
and still missing, the claim report, finance's debt check, who is at fault, the claim against the carrier.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from hub.core import attachments, catalogue
from hub.core.domain import engine
from hub.core.domain.inputs import NewClaim
from hub.core.domain.orders import new_ref
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput
from hub.core.lifecycle.claim import CLAIM, CLAIM_DOCUMENTS, ClaimFacts, missing_documents
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
           "documents_due_at": tx.now + timedelta(days=3), "documents_received": [],
           "documents_missing": list(CLAIM_DOCUMENTS), "description": new.description, "fault": new.at_fault,
           "erp_ref": None, "created_at": tx.now, "updated_at": tx.now}
    await tx.conn.execute(claims.insert().values(**row))
    row = await tx.fetch("claim", row["ref"])  # complete, with column defaults
    transition = await engine.entered(tx, BEHAVIOUR, row, "opened", None,
                                      {"kind": new.kind, "documents_requested": list(CLAIM_DOCUMENTS),
                                       "fault": new.at_fault},
                                      row_before={})
    await engine.apply(tx, "order", new.order_ref, "claim_opened", {"claim_ref": row["ref"]})
    return transition


def _decimal(data: dict[str, Any], key: str, signed: bool = False) -> Decimal | None:
    """A decimal of the event's data (the catalogue validated it; JSON carries it as text)."""
    if data.get(key) is None:
        return None
    try:
        value = Decimal(str(data[key]))
    except (ArithmeticError, ValueError) as exc:
        raise InvalidInput(f"{key} must be a decimal number", field=key) from exc
    if not value.is_finite() or (value < 0 and not signed):
        raise InvalidInput(f"{key} must not be negative", field=key)
    return value


def _documents(row: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The documents in so far (a later documents_received adds to them) and those still awaited."""
    received = set(row.get("documents_received") or ()) | set(data["documents"])
    ordered = [name for name in CLAIM_DOCUMENTS if name in received]
    values: dict[str, Any] = {"documents_received": ordered, "documents_missing": missing_documents(ordered)}
    if data.get("amount_claimed") is not None:
        values["amount_claimed"] = _decimal(data, "amount_claimed")
    return values


def _updates(tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
    if event == "documents_received":
        return _documents(row, data)
    if event in ("amount_agreed", "insurer_decided"):
        # The report is on an amount: a new amount (after a rejection) needs a new report.
        return {"amount_approved": _decimal(data, "amount"), "report_ref": None, "report_issued_at": None}
    if event == "report_issued":
        return {"report_ref": data.get("report_ref"), "report_issued_at": tx.now}
    if event == "debt_checked":  # a later check replaces the earlier figure
        return {"open_balance": _decimal(data, "open_balance", signed=True),
                "open_balance_overdue": _decimal(data, "overdue", signed=True),
                "open_balance_currency": data.get("currency"), "open_balance_source": data.get("source"),
                "open_balance_checked_at": tx.now}
    if event == "fault_found":
        return {"fault": data["party"]}
    if event == "carrier_claimed":  # claimed again (another agent, a corrected amount): nothing is settled yet
        return {"carrier_claim_against": data["against"], "carrier_claim_amount": _decimal(data, "amount"),
                "carrier_claim_reference": data.get("reference"), "carrier_claimed_at": tx.now,
                "carrier_amount_recovered": None, "carrier_settlement_reference": None,
                "carrier_claim_settled_at": None}
    if event == "carrier_claim_settled":
        return {"carrier_amount_recovered": _decimal(data, "amount_recovered"),
                "carrier_settlement_reference": data.get("reference"), "carrier_claim_settled_at": tx.now}
    return {}


class ClaimBehaviour:
    entity = "claim"
    lifecycle = CLAIM
    state_column = "state"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        if event == "documents_received" and data.get("attachments"):
            named = set(data["documents"])  # one document named: the files are it
            await attachments.adopt(tx.conn, "claim", row["ref"], data["attachments"],
                                    named.pop() if len(named) == 1 else None)
        return _updates(tx, row, event, data)

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> ClaimFacts:
        return ClaimFacts(insured=row["insured"], loss=row["amount_claimed"],
                          minimum_claimable=tx.config.claims.minimum_claimable,
                          report_issued=row.get("report_issued_at") is not None,
                          debt_checked=row.get("open_balance_checked_at") is not None,
                          fault=row.get("fault") or "unknown",
                          carrier_claimed=row.get("carrier_claimed_at") is not None)

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        # The claim report has a hook of its own (it goes to the approvers); the state stays settlement_proposed.
        fired = catalogue.event_hook("claim", transition.event)
        return fired.name if fired else engine.state_hook("claim", transition)

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if transition.state == "closed" and transition.previous != "closed":
            await engine.apply(tx, "order", row["order_ref"], "claim_closed", {"claim_ref": row["ref"]})


BEHAVIOUR = engine.register(ClaimBehaviour())
