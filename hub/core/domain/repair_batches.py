"""Repair batches (003): the week's repair units packed for one factory, sent, back with the factory's results.

A batch is packed from repair requests whose units the hub received (``awaiting_exchange_shipment``) and
that no open batch carries; each line keeps what the factory needs: the unit's serial, the fault and the
request's evidence photos (欧派: 照片一定要保留, 后期厂里会要). One batch a factory a week (每周寄一次); a
further one needs a reason. Each step is written on every carried request's timeline, and the request's
``details["factory_repair"]`` follows the batch; the request's own state is its lifecycle's, not ours.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import Field

from hub.core.domain import engine
from hub.core.domain.inputs import Input
from hub.core.domain.orders import new_ref
from hub.core.domain.repair_results import check_results, cost_split, with_results
from hub.core.domain.tx import Tx
from hub.core.errors import Conflict, InvalidInput, NotFound
from hub.core.lifecycle.repair_batch import OPEN_STATES, REPAIR_BATCH
from hub.core.models import RepairBatchLine, Transition
from hub.core.store.tables import repair_batches

UNIT_IN = "awaiting_exchange_shipment"  # the request's goods are with the after-sales department
BATCH_EXISTS = sa.select(repair_batches.c.id).where(repair_batches.c.ref == sa.bindparam("ref"))
_OPEN = sa.select(repair_batches.c.ref, repair_batches.c.state, repair_batches.c.lines).where(
    repair_batches.c.state.in_(OPEN_STATES))
_THIS_WEEK = sa.select(repair_batches.c.ref).where(
    repair_batches.c.factory == sa.bindparam("factory"), repair_batches.c.week == sa.bindparam("week"),
    repair_batches.c.state != "cancelled").order_by(repair_batches.c.id)
# What a carried request's timeline says at each step of its batch.
RETURN_EVENTS = {"packed": "packed_for_factory", "sent": "sent_to_factory", "returned": "factory_result",
                 "closed": "factory_batch_closed", "cancelled": "factory_batch_cancelled"}


class NewRepairBatch(Input):
    """The repair requests whose units go to one factory together (清单记录, 核对清单打包寄厂)."""

    ref: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$",
                            description="The batch's reference; default: RB- and a generated number.")
    factory: str = Field(min_length=1, max_length=100, description="The factory (厂家) the units go to.")
    returns: list[str] = Field(min_length=1, max_length=200, description=(
        "The repair requests packed, by reference: repairs whose goods were received (awaiting_exchange_shipment) "
        "and that no open batch carries."))
    note: str | None = Field(None, max_length=2000)
    extra_batch_reason: str | None = Field(None, min_length=1, max_length=500, description=(
        "Why a further batch goes to this factory in the same ISO week: 003 sends once a week "
        "(factory_batches_per_week), and the extra shipping is the store's cost."))


def iso_week(tx: Tx) -> str:
    year, week, _ = tx.today.isocalendar()
    return f"{year}-W{week:02d}"


async def _weekly_rule(tx: Tx, new: NewRepairBatch, week: str) -> None:
    """003: quality-problem goods go once a week; beyond the set number, only for a reason."""
    allowed = tx.config.returns.factory_batches_per_week
    packed = (await tx.conn.execute(_THIS_WEEK, {"factory": new.factory, "week": week})).scalars().all()
    if len(packed) >= allowed and not new.extra_batch_reason:
        raise InvalidInput(
            f"factory {new.factory} already has {', '.join(packed)} this week ({week}): 003 sends quality-problem "
            f"goods once a week (每周寄一次), {allowed} batch(es) a week here; a further batch needs "
            "extra_batch_reason, and its shipping beyond the set number is the store's cost "
            "(超出规定次数费用由专卖店承担)", field="extra_batch_reason")


async def _in_open_batches(tx: Tx) -> dict[str, str]:
    """Request ref → the open batch carrying it. Open batches are few (weekly, back within 15 days)."""
    out = {}
    for batch in (await tx.conn.execute(_OPEN)).mappings():
        for line in batch["lines"] or ():
            out[line["return_ref"]] = f"{batch['ref']} ({batch['state']})"
    return out


def _refusal(row: dict[str, Any], carried_by: dict[str, str]) -> str | None:
    ref = row["ref"]
    if row["type"] != "repair":
        return f"{ref} is a {row['type']} request: only repair requests go to the factory"
    if row["state"] != UNIT_IN:
        return (f"{ref} is {row['state']}: its unit is not with after-sales yet (a repair goes to the factory once "
                f"its goods are received: {UNIT_IN})")
    if ref in carried_by:
        return f"{ref} is already in batch {carried_by[ref]}"
    earlier = (row["details"] or {}).get("factory_repair") or {}
    if earlier.get("result") == "scrapped":
        return f"{ref}'s unit was scrapped by the factory in {earlier.get('batch_ref')}: nothing to repair"
    return None


async def _carried(tx: Tx, refs: list[str]) -> list[dict[str, Any]]:
    """The requests, locked in one order (two packers never deadlock), checked; every refusal at once."""
    rows: dict[str, dict[str, Any]] = {}
    for ref in sorted(set(refs)):
        try:
            rows[ref] = await tx.fetch("return", ref, lock=True)
        except NotFound:
            pass
    carried_by = await _in_open_batches(tx)  # read after the locks: a batch committed meanwhile is seen
    problems, seen = [], set()
    for i, ref in enumerate(refs):
        reason = (f"{ref} is listed twice" if ref in seen else f"unknown return {ref}" if ref not in rows
                  else _refusal(rows[ref], carried_by))
        seen.add(ref)
        if reason:
            problems.append({"field": f"returns.{i}", "message": reason})
    if problems:
        raise InvalidInput("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                           field=problems[0]["field"], errors=problems)
    return [rows[ref] for ref in refs]


async def _line(tx: Tx, request: dict[str, Any]) -> dict[str, Any]:
    details = request["details"] or {}
    order = await tx.fetch("order", request["order_ref"])
    return RepairBatchLine(
        return_ref=request["ref"], order_ref=request["order_ref"], line_no=request["line_no"],
        customer_code=order["customer_code"], unit_serial=request.get("unit_serial") or details.get("unit_serial"),
        fault=request.get("fault") or request["reason"], description=details.get("description") or "",
        evidence=tuple(details.get("evidence") or ()),
        under_warranty=(details.get("warranty") or {}).get("covered")).model_dump(mode="json")


async def pack_batch(tx: Tx, new: NewRepairBatch) -> Transition:
    """A batch packed for ``new.factory`` with the units of ``new.returns``, listed line by line."""
    ref = new.ref or new_ref("RB")
    if (await tx.conn.execute(BATCH_EXISTS, {"ref": ref})).first() is not None:
        raise Conflict(f"repair batch {ref} already exists", field="ref")
    requests = await _carried(tx, new.returns)
    week = iso_week(tx)
    await _weekly_rule(tx, new, week)
    row = {"ref": ref, "factory": new.factory, "week": week, "state": REPAIR_BATCH.initial,
           "lines": [await _line(tx, request) for request in requests], "extra_batch_reason": new.extra_batch_reason,
           "note": new.note, "carrier": None, "tracking_number": None, "sent_at": None, "returned_at": None,
           "supplier_cost": None, "store_cost": None, "head_office_cost": None,
           "created_at": tx.now, "updated_at": tx.now}
    row["id"] = (await tx.conn.execute(repair_batches.insert().values(**row))).inserted_primary_key[0]
    return await engine.entered(tx, BEHAVIOUR, row, "packed", None,
                                {"factory": new.factory, "week": week, "returns": list(new.returns),
                                 "extra_batch_reason": new.extra_batch_reason}, row_before={}, fresh=True)


def _updates(tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
    if event == "sent":
        return {"sent_at": tx.now}
    if event == "returned":
        check_results(row["ref"], row["lines"], data["results"])
        lines = with_results(row["lines"], data["results"])
        split = cost_split(lines)
        return {"lines": lines, "returned_at": tx.now, "supplier_cost": split["supplier"],
                "store_cost": split["store"], "head_office_cost": split["head_office"]}
    return {}


def _factory_repair(row: dict[str, Any], line: dict[str, Any], transition: Transition) -> dict[str, Any]:
    """What the request's details say of its unit at the factory, after this step."""
    out = {"batch_ref": row["ref"], "factory": row["factory"], "state": transition.state,
           "at": transition.at.isoformat()}
    if transition.state == "sent":
        out |= {"carrier": row["carrier"], "tracking_number": row["tracking_number"]}
    if line.get("result"):
        out |= {key: line.get(key) for key in ("result", "cause", "payer", "cost", "replacement_serial",
                                               "discrepancies")}
    return out


async def _tell_requests(tx: Tx, row: dict[str, Any], transition: Transition) -> None:
    """Each carried request's timeline records the step; its details follow the batch (merged: the request's
    other details are its lifecycle's and stay as they are)."""
    for line in row["lines"]:
        request = await tx.fetch("return", line["return_ref"], lock=True)
        details = dict(request["details"] or {})
        earlier = details.get("factory_repair") or {}
        same_batch = earlier.get("batch_ref") == row["ref"]
        details["factory_repair"] = {**(earlier if same_batch else {}), **_factory_repair(row, line, transition)}
        await tx.update("return", request["id"], {"details": details})
        data = {"repair_batch_ref": row["ref"], "factory": row["factory"], "batch_state": transition.state}
        data |= {k: v for k, v in details["factory_repair"].items() if k not in ("batch_ref", "factory", "state", "at")}
        await tx.record(entity="return", ref=request["ref"], order_ref=request["order_ref"],
                        event=RETURN_EVENTS[transition.state], previous=None, state=None, data=data)


class RepairBatchBehaviour:
    entity = "repair_batch"
    lifecycle = REPAIR_BATCH
    state_column = "state"

    async def updates(self, tx: Tx, row: dict[str, Any], event: str, data: dict[str, Any]) -> dict[str, Any]:
        return _updates(tx, row, event, data)

    async def facts(self, tx: Tx, row: dict[str, Any], data: dict[str, Any]) -> None:
        return None  # no guards: what a step needs is checked on its data (422)

    def hook(self, transition: Transition, row_before: dict[str, Any]) -> str | None:
        return engine.state_hook("repair_batch", transition)

    async def after(self, tx: Tx, row: dict[str, Any], transition: Transition) -> None:
        if transition.state != transition.previous:
            await _tell_requests(tx, row, transition)


BEHAVIOUR = engine.register(RepairBatchBehaviour())
