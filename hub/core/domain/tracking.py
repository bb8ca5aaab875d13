"""Carrier tracking → shipment state, anomaly cases and automatic claims.

State is recomputed from the merged event list (hub.core.tracking.merge), never from the
last message; the waybill weight stays authoritative when a carrier reports another.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import structlog

from hub.core import measures, tracking
from hub.core.domain import engine
from hub.core.domain.claims import open_claim
from hub.core.domain.inputs import NewClaim
from hub.core.domain.orders import new_ref
from hub.core.domain.shipment_numbers import find_by_tracking, numbers_of
from hub.core.domain.snapshots import case_snapshot, customer_of_order, shipment_snapshot
from hub.core.domain.tx import Tx
from hub.core.errors import InvalidInput
from hub.core.lifecycle.shipment import SHIPMENT
from hub.core.logging import LogOnce
from hub.core.inbound_models import TrackingEvent, TrackingUpdate
from hub.core.tracking import STICKY_FLAGS
from hub.core.store.tables import cases, claims, shipments, tracking_events

# Substatuses that open an investigation (开档查询, 004) and the facts the seed says to collect.
CASE_FACTS = ("recipient_direct_phone", "recipient_full_name", "photos", "piece_count")
# A delivery to a locker, a station or someone other than the consignee (丰巢, 驿站, 他人代收, a
# neighbour) is delivered for the carrier, but its proof of delivery is to confirm, as for a remote
# area agent: it opens a case too.
ANOMALIES = {"delivered_to_broker", "remote_area_agent", "transferred_to_other_carrier", "damaged",
             "shortage", "wrong_goods", "refused", "customs_hold", "lost", "weight_discrepancy",
             "delivered_to_agent_or_locker"}
CLAIM_KIND = {"damage": "damage", "damaged": "damage", "shortage": "shortage", "loss": "loss",
              "lost": "loss", "wrong_goods": "wrong_goods"}
# Anomalies about where the goods are, not what state they are in: a later delivery to the
# consignee answers them, so a history first seen with that delivery in it opens no case for them
# (goods damaged or short stay a case whatever came after).
WHEREABOUTS = {"delivered_to_broker", "remote_area_agent", "transferred_to_other_carrier", "customs_hold",
               "refused", "lost", "delivered_to_agent_or_locker"}
WEIGHT_TOLERANCE = Decimal("0.10")
# What a delivery of fewer pieces than the waybill's becomes: the meaning "Partial delivery"
# has in the DHL table (D11) and 少件 in Kuaidi100's (K18), so one case and claim path serves both.
SHORT_DELIVERY = {"state": "exception", "substatus": "shortage", "flags": ("needs_action",), "claim_kind": "shortage"}

log = structlog.get_logger("hub.core.tracking")


_UNMATCHED = LogOnce()
_UNKNOWN_UNITS = LogOnce()


def identity(event: TrackingEvent) -> str:
    key = f"{event.occurred_at.isoformat()}|{event.code}|{' '.join(event.description.lower().split())}|{event.location}"
    return hashlib.sha256(key.encode()).hexdigest()[:40]


async def record_tracking(tx: Tx, update: TrackingUpdate) -> dict[str, Any] | None:
    """Apply one carrier update; returns what changed, or None for an unknown tracking number."""
    shipment = await find_by_tracking(tx, update.carrier, update.tracking_number, update.aliases,
                                      update.zero_padded)
    if shipment is None:
        if _UNMATCHED.first(update.carrier, tracking.number_key(update.tracking_number, update.zero_padded)):
            log.warning("tracking.unmatched_number", carrier=update.carrier, tracking_number=update.tracking_number,
                        aliases=list(update.aliases))
        return None
    shipment = await tx.fetch("shipment", shipment["ref"], lock=True)
    known = await _known_events(tx, shipment["ref"])
    missing = tracking.shortage(shipment["pieces"], update.pieces, update.pieces_delivered)
    events = _short_delivery(update.events) if missing else list(update.events)
    result = tracking.merge(shipment["state"], known, events)
    await _store_events(tx, shipment["ref"], result.new_events)
    values = _subscription_values(update)
    if values:
        await tx.update("shipment", shipment["id"], values)
    outcome: dict[str, Any] = {"shipment": shipment["ref"], "new_events": len(result.new_events)}
    if result.state != shipment["state"]:
        data = {"substatus": result.substatus, "flags": list(result.flags), "carrier": update.carrier}
        if result.occurred_at is not None:
            data["occurred_at"] = result.occurred_at.isoformat()
        await engine.apply(tx, "shipment", shipment["ref"], result.state, data)
        outcome["state"] = result.state
    elif set(result.flags) != set(shipment["flags"]):
        await _set_flags(tx, shipment, set(result.flags))
    await _follow_forwarding(tx, shipment, result.new_events)
    reported = await _reported_kg(tx, shipment["ref"], update)
    if reported is not None:
        await _check_weight(tx, shipment["ref"], reported)
    answered_by = _last_clean_delivery([*known, *result.new_events])
    for event in result.new_events:
        if event.substatus in ANOMALIES and not (
                event.substatus in WHEREABOUTS and answered_by is not None and event.occurred_at < answered_by):
            await open_case(tx, shipment["ref"], event.substatus)
    why = result.substatus
    if missing:
        expected = shipment["pieces"] or update.pieces
        why = f"shortage: {update.pieces_delivered} of {expected} pieces delivered"
        outcome["pieces"] = {"expected": expected, "delivered": update.pieces_delivered}
    for kind in dict.fromkeys(result.claims):
        await _auto_claim(tx, shipment["ref"], CLAIM_KIND.get(kind, "damage"), why)
    return outcome


async def _follow_forwarding(tx: Tx, shipment: dict[str, Any], events: list[TrackingEvent]) -> None:
    """A parcel handed to another carrier under a new number: the number is recorded on the
    shipment (its answers then match it) and ``hub_shipment_forwarded`` tells the carrier plugins."""
    handovers = [e for e in events if e.forwarded_to and e.forwarded_number]
    if not handovers:  # nearly every update: no query on the ingest path for what is not there
        return
    known = set(await numbers_of(tx, shipment["id"]))
    for event in handovers:
        if (event.forwarded_to, event.forwarded_number) in known:
            continue
        known.add((event.forwarded_to, event.forwarded_number))
        if not SHIPMENT.accepts((await tx.fetch("shipment", shipment["ref"]))["state"], "forwarded"):
            # delivered or returned since: the new number has nothing left to tell
            log.info("tracking.forwarding_after_the_end", shipment=shipment["ref"], carrier=event.forwarded_to)
            continue
        await engine.apply(tx, "shipment", shipment["ref"], "forwarded", {
            "carrier": event.forwarded_to, "tracking_number": event.forwarded_number,
            "occurred_at": event.occurred_at.isoformat()})


def _last_clean_delivery(events: list[TrackingEvent]) -> Any:
    """The carrier time of the latest delivery with no anomaly of its own (None: none yet)."""
    return max((e.occurred_at for e in events if e.state == "delivered" and e.substatus not in ANOMALIES),
               default=None)


def _short_delivery(events: tuple[TrackingEvent, ...]) -> list[TrackingEvent]:
    """The update's delivered events, when the carrier delivered fewer pieces than the waybill
    has: a shortage, not a final delivery. The carrier's words stay as it sent them."""
    return [e.model_copy(update=SHORT_DELIVERY) if e.state == "delivered" else e for e in events]


async def _reported_kg(tx: Tx, ref: str, update: TrackingUpdate) -> Decimal | None:
    """The carrier's weight in kg. A unit no row of ``measures.WEIGHT_UNITS`` knows is kept on
    the shipment's timeline with the value and unit as sent, flagged, and logged once."""
    if update.reported_weight_kg is not None or update.reported_weight is None:
        return update.reported_weight_kg  # converted when the update was built (TrackingUpdate)
    unit = update.reported_weight_unit or ""
    if _UNKNOWN_UNITS.first(update.carrier, measures.weight_unit(unit)):
        log.warning("tracking.weight_unit_unknown", carrier=update.carrier, unit=unit,
                    value=str(update.reported_weight), tracking_number=update.tracking_number)
    row = await tx.fetch("shipment", ref)
    if "weight_unit_unknown" not in row["flags"]:
        await _flag(tx, ref, {"weight_unit_unknown"}, {"reported_value": str(update.reported_weight),
                                                      "reported_unit": unit})
    return None


def _subscription_values(update: TrackingUpdate) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if update.subscription:
        values["subscription"] = update.subscription
    if update.carrier_code:
        values["carrier"] = update.carrier_code
    return values


async def _known_events(tx: Tx, ref: str) -> list[TrackingEvent]:
    rows = await tx.conn.execute(sa.select(tracking_events.c.event).where(tracking_events.c.shipment_ref == ref))
    return [TrackingEvent.model_validate(r[0]) for r in rows]


_INSERT_EVENTS = tracking_events.insert()


async def _store_events(tx: Tx, ref: str, events: list[TrackingEvent]) -> None:
    """One INSERT for the events ``merge`` found new: it compared them with every stored event
    of the shipment, read under the shipment's lock, so none of them can be stored already."""
    rows, seen = [], set()
    for event in events:
        key = identity(event)
        if key not in seen:
            seen.add(key)
            rows.append({"shipment_ref": ref, "identity": key, "occurred_at": event.occurred_at,
                         "event": event.model_dump(mode="json"), "received_at": tx.now})
    if rows:
        await tx.conn.execute(_INSERT_EVENTS, rows)


async def _set_flags(tx: Tx, shipment: dict[str, Any], flags: set[str]) -> None:
    """Flags changed without a state change: cleared ones go quietly, new ones are announced."""
    kept = flags | (set(shipment["flags"]) & STICKY_FLAGS)
    added = kept - set(shipment["flags"])
    await tx.update("shipment", shipment["id"], {"flags": sorted(kept)})
    if added:
        await _flag(tx, shipment["ref"], added, {})


async def _flag(tx: Tx, ref: str, flags: set[str], detail: dict[str, Any]) -> None:
    row = await tx.fetch("shipment", ref, lock=True)
    await tx.update("shipment", row["id"], {"flags": sorted(set(row["flags"]) | flags)})
    row = await tx.fetch("shipment", ref)
    snap = shipment_snapshot(row, await customer_of_order(tx, row["order_ref"]))
    for flag in sorted(flags):
        await tx.record(entity="shipment", ref=ref, order_ref=row["order_ref"], event="flagged",
                        previous=row["state"], state=row["state"], data={"flag": flag, **detail})
        await tx.hook("hub_shipment_flagged", entity="shipment", ref=ref, order_ref=row["order_ref"],
                      payload={"shipment": snap.model_dump(mode="json"), "flag": flag, "detail": detail})


async def _check_weight(tx: Tx, ref: str, reported: Decimal) -> None:
    """Waybill weight stays; a carrier weight outside tolerance is flagged and a case opened (004)."""
    row = await tx.fetch("shipment", ref)
    waybill = row["waybill_weight_kg"]
    if row["reported_weight_kg"] == reported:
        return
    await tx.update("shipment", row["id"], {"reported_weight_kg": reported})
    if waybill is None or not tracking.weight_discrepancy(waybill, reported, WEIGHT_TOLERANCE):
        return
    if "weight_discrepancy" not in row["flags"]:
        await _flag(tx, ref, {"weight_discrepancy"}, {"waybill_kg": str(waybill), "reported_kg": str(reported)})
        await open_case(tx, ref, "weight_discrepancy")


async def open_case(tx: Tx, shipment_ref: str, anomaly: str) -> None:
    exists = await tx.conn.execute(sa.select(cases.c.id).where(cases.c.shipment_ref == shipment_ref,
                                                               cases.c.anomaly == anomaly))
    if exists.first() is not None:
        return
    shipment = await tx.fetch("shipment", shipment_ref)
    row = {"ref": new_ref("CS"), "shipment_ref": shipment_ref, "order_ref": shipment["order_ref"],
           "anomaly": anomaly, "facts": list(CASE_FACTS), "state": "open", "created_at": tx.now,
           "updated_at": tx.now}
    await tx.conn.execute(cases.insert().values(**row))
    await tx.record(entity="shipment", ref=shipment_ref, order_ref=shipment["order_ref"], event="case_opened",
                    previous=shipment["state"], state=shipment["state"], data={"anomaly": anomaly, "case": row["ref"]})
    snap = case_snapshot(row, await customer_of_order(tx, shipment["order_ref"]))
    await tx.hook("hub_case_opened", entity="shipment", ref=shipment_ref, order_ref=shipment["order_ref"],
                  payload={"case": snap.model_dump(mode="json")})


async def _auto_claim(tx: Tx, shipment_ref: str, kind: str, substatus: str | None) -> None:
    shipment = await tx.fetch("shipment", shipment_ref)
    open_same = await tx.conn.execute(sa.select(claims.c.id).where(
        claims.c.shipment_ref == shipment_ref, claims.c.kind == kind, claims.c.state != "closed"))
    if open_same.first() is not None:
        return
    try:
        await open_claim(tx, NewClaim(order_ref=shipment["order_ref"], shipment_ref=shipment_ref, kind=kind,
                                      description=f"opened from carrier tracking: {substatus or kind}"))
    except InvalidInput:
        pass  # the order is not claimable any more (closed, cancelled): the case stays for ops


async def due_for_polling(conn: Any, now: Any, every_minutes: float, limit: int = 100) -> list[str]:
    """Booked, not yet terminal shipments whose last poll is older than the polling interval."""
    from datetime import timedelta
    cutoff = now - timedelta(minutes=every_minutes)
    rows = await conn.execute(sa.select(shipments.c.ref).where(
        shipments.c.tracking_number.is_not(None),
        shipments.c.state.notin_(("created", "delivered", "returned_to_sender", "cancelled")),
        sa.or_(shipments.c.last_polled_at.is_(None), shipments.c.last_polled_at < cutoff)).limit(limit))
    return [r[0] for r in rows]
