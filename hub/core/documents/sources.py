"""An entity's documents as stored now: its snapshot, the snapshots it relates to, and the figures
its row holds beyond them (the ERP's outbound number)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hub.core.documents.kinds import CUSTOMER, KINDS, DocumentKind, kinds_of, resolve_language
from hub.core.domain import snapshots
from hub.core.domain.tx import Tx
from hub.core.errors import Conflict, NotFound
from hub.core.store.tables import timeline


async def read_subject(hub: Any, entity: str, ref: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """``subject_of`` on a reading connection: rendering a paper never holds SQLite's write lock."""
    async with hub.engine.connect() as conn:
        return await subject_of(Tx(conn, hub.clock.now(), hub.config, hub.router, "documents"), entity, ref)


async def subject_of(tx: Tx, entity: str, ref: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """(snapshot, related snapshots, extra values) of ``entity`` ``ref``; NotFound when there is none."""
    row = await tx.fetch(entity, ref)
    subject = await snapshots.snapshot(tx, entity, row)
    related: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if entity == "order":
        values.update(outbound_ref=row.get("outbound_ref"), **await _order_times(tx, ref))
    else:
        order_row = await tx.fetch("order", row["order_ref"])
        related["order"] = await snapshots.snapshot(tx, "order", order_row)
        values["outbound_ref"] = order_row.get("outbound_ref")
        if entity == "claim" and row.get("shipment_ref"):
            shipment = await tx.fetch("shipment", row["shipment_ref"])
            related["shipment"] = await snapshots.snapshot(tx, "shipment", shipment)
    return subject, related, values


async def _order_times(tx: Tx, ref: str) -> dict[str, Any]:
    """When finance released the order (the outbound note's 财务审核), and its latest shipment with the
    time it left (the back-order list's 发货单): read from the timeline, as the letters had them."""
    released = (await tx.conn.execute(
        sa.select(timeline.c.at).where(timeline.c.entity == "order", timeline.c.ref == ref,
                                       timeline.c.state == "released", timeline.c.previous != "released")
        .order_by(timeline.c.id.desc()).limit(1))).scalar()
    shipped = (await tx.conn.execute(
        sa.select(timeline.c.data, timeline.c.at).where(timeline.c.entity == "order", timeline.c.ref == ref,
                                                        timeline.c.event == "shipped")
        .order_by(timeline.c.id.desc()).limit(1))).first()
    data = shipped.data if shipped is not None and isinstance(shipped.data, dict) else {}
    return {"finance_approved_at": released, "shipped_at": shipped.at if shipped is not None else None,
            "shipment_ref": data.get("shipment_ref")}


def listing(entity: str, ref: str, subject: Any, base: str) -> list[dict[str, Any]]:
    """Each document of the entity: whether it has anything to say now, and where to get it."""
    out = []
    for kind in kinds_of(entity):
        reason = kind.unavailable(subject)
        out.append({"kind": kind.name, "title": kind.titles, "audiences": sorted(kind.audiences),
                    "filename": kind.filename(ref), "available": reason is None, "unavailable_reason": reason,
                    "url": f"{base}/{kind.name}.pdf"})
    return out


def language_for(kind: DocumentKind, subject: Any, fallback: str, requested: str | None = None) -> str:
    """The language asked for; else the customer's for what goes to the customer, ``fallback`` (the
    hub's [documents] language) for internal papers."""
    if requested:
        return requested
    return resolve_language(subject.customer.language, fallback) if CUSTOMER in kind.audiences else fallback


def kind_for(entity: str, name: str, subject: Any) -> DocumentKind:
    """The document ``name`` of ``entity``: 404 when the entity has no such document, 409 when it has
    nothing to say yet (a back-order list of an order nothing is short of)."""
    kind = KINDS.get(name)
    if kind is None or kind.entity != entity:
        names = ", ".join(k.name for k in kinds_of(entity))
        raise NotFound(f"a {entity} has no document {name!r} (its documents: {names})")
    reason = kind.unavailable(subject)
    if reason is not None:
        raise Conflict(f"no {kind.titles['en'].lower()} for {entity} {subject.ref}: {reason}")
    return kind
