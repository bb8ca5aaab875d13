"""Stored rows → the frozen snapshots hooks receive."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hub.core.domain.tx import Tx
from hub.core.models import (CaseSnapshot, ClaimSnapshot, CustomerSnapshot, OrderContact, OrderLine, OrderSnapshot,
                             ReturnSnapshot, ShipmentSnapshot, StoreBackOrder, StoreLine, StoreSnapshot)
from hub.core.models import ComplaintResponsibility, ComplaintSnapshot
from hub.core.models import RepairBatchLine, RepairBatchSnapshot
from hub.core.store.tables import orders


def customer_snapshot(row: dict[str, Any]) -> CustomerSnapshot:
    return CustomerSnapshot(code=row["code"], name=row["name"], grade=row["grade"],
                            # 004: served as VIP until sales's written notice ends it, re-evaluation included
                            vip=row["standing"] in ("vip", "under_reevaluation"), language=row["language"],
                            email=row["email"], phone=row["phone"], agent=row["agent"],
                            salesperson=row["salesperson"])


_CUSTOMER_OF_ORDER = sa.select(orders.c.customer_code).where(orders.c.ref == sa.bindparam("ref"))


async def customer_of(tx: Tx, code: str) -> CustomerSnapshot:
    return customer_snapshot(await tx.fetch("customer", code))  # read once per unit


async def customer_of_order(tx: Tx, order_ref: str) -> CustomerSnapshot:
    code = (await tx.conn.execute(_CUSTOMER_OF_ORDER, {"ref": order_ref})).scalar_one()
    return await customer_of(tx, code)


def order_snapshot(row: dict[str, Any], customer: CustomerSnapshot) -> OrderSnapshot:
    return OrderSnapshot(
        ref=row["ref"], state=row["state"], kind=row["kind"], customer=customer,
        lines=tuple(OrderLine.model_validate(line) for line in row["lines"]),
        currency=row["currency"], total=row["total"], deposit_due=row["deposit_due"],
        deposit_paid=row["deposit_paid"], amount_paid=row["amount_paid"],
        delivery_mode=row["delivery_mode"], contact=OrderContact.model_validate(row["contact"] or {}),
        promised_date=row["promised_date"],
        confirmation_received=row["confirmation_received_at"] is not None,
        missing_fields=tuple(row["missing_fields"]), erp_ref=row["erp_ref"],
        open_claims=row["open_claims"], open_complaints=row.get("open_complaints") or 0,
        delivered_at=row.get("delivered_at"), created_at=row["created_at"])


def shipment_snapshot(row: dict[str, Any], customer: CustomerSnapshot) -> ShipmentSnapshot:
    return ShipmentSnapshot(
        ref=row["ref"], order_ref=row["order_ref"], state=row["state"], substatus=row["substatus"],
        flags=tuple(row["flags"]), carrier=row["carrier"], tracking_number=row["tracking_number"],
        subscription=row["subscription"],
        mode=row["mode"], pieces=row["pieces"], waybill_weight_kg=row["waybill_weight_kg"],
        reported_weight_kg=row["reported_weight_kg"], carrier_contact=row["carrier_contact"], plate=row["plate"],
        escort=row["escort"], pickup_company=row["pickup_company"], lines=row["lines"] or {},
        erp_ref=row["erp_ref"], delivered_at=row.get("delivered_at"), customer=customer)


# Claim columns the snapshot carries as they are stored: the report, the debt check, the carrier claim.
CLAIM_COLUMNS = ("report_ref", "report_issued_at", "open_balance", "open_balance_overdue", "open_balance_currency",
                 "open_balance_source", "open_balance_checked_at", "carrier_claim_against", "carrier_claim_amount",
                 "carrier_claim_reference", "carrier_amount_recovered")


def claim_snapshot(row: dict[str, Any], customer: CustomerSnapshot) -> ClaimSnapshot:
    return ClaimSnapshot(
        ref=row["ref"], order_ref=row["order_ref"], shipment_ref=row["shipment_ref"], kind=row["kind"],
        state=row["state"], insured=row["insured"], amount_claimed=row["amount_claimed"],
        amount_approved=row["amount_approved"], currency=row["currency"],
        documents_due_at=row["documents_due_at"], documents_received=tuple(row.get("documents_received") or ()),
        documents_missing=tuple(row.get("documents_missing") or ()), fault=row.get("fault") or "unknown",
        **{name: row.get(name) for name in CLAIM_COLUMNS}, erp_ref=row["erp_ref"], customer=customer)


def return_snapshot(row: dict[str, Any], customer: CustomerSnapshot) -> ReturnSnapshot:
    return ReturnSnapshot(
        ref=row["ref"], order_ref=row["order_ref"], type=row["type"], state=row["state"],
        line_no=row["line_no"], reason=row["reason"], amount=row["amount"], agent=row["agent"],
        erp_ref=row["erp_ref"], customer=customer)


def store_snapshot(row: dict[str, Any], customer: CustomerSnapshot) -> StoreSnapshot:
    data = row["data"] or {}
    intake = data.get("intake", {})
    return StoreSnapshot(
        ref=row["ref"], state=row["state"], customer=customer, order_ref=row["order_ref"],
        name=intake.get("name") or "", address=intake.get("address"), developer=intake.get("developer"),
        documents_sent=tuple(data.get("documents_sent", ())),
        product_lines=tuple(StoreLine.model_validate(x) for x in data.get("product_lines", ())),
        decor_items=tuple(StoreLine.model_validate(x) for x in data.get("decor_items", ())),
        image_items=tuple(StoreLine.model_validate(x) for x in data.get("image_items", ())),
        amount_paid=(data.get("payment") or {}).get("amount"), shipping_date=data.get("shipping_date"),
        shipment_refs=tuple(data.get("shipment_refs", ())),
        back_orders=tuple(StoreBackOrder.model_validate(x) for x in data.get("back_orders", ())),
        created_at=row["created_at"])


def complaint_snapshot(row: dict[str, Any], customer: CustomerSnapshot) -> ComplaintSnapshot:
    data = row["data"] or {}
    answer = data.get("answer") or {}
    responsibility = answer.get("responsibility")
    return ComplaintSnapshot(
        ref=row["ref"], order_ref=row["order_ref"], shipment_ref=row["shipment_ref"], kind=row["kind"],
        state=row["state"], channel=row["channel"], late=row["late"], window_ends_at=data.get("window_ends_at"),
        lines=row["lines"] or {}, description=row["description"],
        investigator=(data.get("investigation") or {}).get("investigator"), cause=answer.get("cause"),
        responsibility=ComplaintResponsibility.model_validate(responsibility) if responsibility else None,
        remedy=row["remedy"], plan=answer.get("plan"), promised_date=row["promised_date"],
        remedy_shipment_ref=row["remedy_shipment_ref"], customer=customer, created_at=row["created_at"])


def case_snapshot(row: dict[str, Any], customer: CustomerSnapshot) -> CaseSnapshot:
    return CaseSnapshot(ref=row["ref"], shipment_ref=row["shipment_ref"], order_ref=row["order_ref"],
                        anomaly=row["anomaly"], facts_to_collect=tuple(row["facts"]), customer=customer)


def repair_batch_snapshot(row: dict[str, Any]) -> RepairBatchSnapshot:
    """A batch carries units of many customers' requests: no customer of its own (each line names its store)."""
    return RepairBatchSnapshot.model_validate(
        {**row, "lines": tuple(RepairBatchLine.model_validate(line) for line in row["lines"] or ())})


async def snapshot(tx: Tx, entity: str, row: dict[str, Any]) -> Any:
    if entity == "customer":
        return customer_snapshot(row)
    if entity == "repair_batch":
        return repair_batch_snapshot(row)
    customer = (await customer_of(tx, row["customer_code"]) if entity in ("order", "store")
                else await customer_of_order(tx, row["order_ref"]))
    build = {"order": order_snapshot, "shipment": shipment_snapshot, "claim": claim_snapshot,
             "return": return_snapshot, "store": store_snapshot, "complaint": complaint_snapshot}[entity]
    return build(row, customer)


async def related_snapshots(tx: Tx, hook: Any, row: dict[str, Any], transition: Any) -> dict[str, Any]:
    """What a hook carries beside its entity (``Hook.related``): the order of a claim or return, the
    shipment of a claim, the shipment whose booking shipped the order. ``None`` when there is none."""
    out: dict[str, Any] = {}
    for name in hook.related:
        if name == "order":
            order = await tx.fetch("order", row["order_ref"])
            out[name] = order_snapshot(order, await customer_of(tx, order["customer_code"])).model_dump(mode="json")
        elif name == "shipment":
            ref = row.get("shipment_ref") if hook.entity != "order" else transition.data.get("shipment_ref")
            if ref is None:
                out[name] = None
                continue
            shipment = await tx.fetch("shipment", ref)
            customer = await customer_of_order(tx, shipment["order_ref"])
            out[name] = shipment_snapshot(shipment, customer).model_dump(mode="json")
        else:  # pragma: no cover - the catalogue names only these
            raise KeyError(name)
    return out
