"""The numbers a shipment is known by, and finding the shipment a carrier's answer is about.

A carrier writes one number many ways (spaces, dashes, case, DHL's (00) SSCC prefix), answers
with its other numbers for the same parcel (piece ids, licence plates), and may hand the parcel
to another carrier under a new number (转EMS). Each number is stored once with its loosest key
(``number_key(…, zero_padded=True)``, indexed); a lookup fetches the few rows with that key and
keeps those that match in the carrier's own way.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from hub.core.domain.tx import Tx
from hub.core.store.tables import shipment_numbers, shipments
from hub.core.tracking import number_key

OWN = "own"
FORWARDED = "forwarded"


async def remember_number(tx: Tx, shipment_id: int, carrier: str, number: str, kind: str) -> bool:
    """Store that ``shipment_id`` is known to ``carrier`` as ``number``; False when it already was.
    A shipment has one number of its own: booking it under another replaces it."""
    known = (await tx.conn.execute(
        sa.select(shipment_numbers.c.id, shipment_numbers.c.carrier, shipment_numbers.c.number, shipment_numbers.c.kind)
        .where(shipment_numbers.c.shipment_id == shipment_id))).all()
    if any(row.carrier == carrier and row.number == number for row in known):
        return False
    if kind == OWN:
        stale = [row.id for row in known if row.kind == OWN]
        if stale:
            await tx.conn.execute(shipment_numbers.delete().where(shipment_numbers.c.id.in_(stale)))
    await tx.conn.execute(shipment_numbers.insert().values(
        shipment_id=shipment_id, carrier=carrier, number=number, kind=kind, created_at=tx.now,
        number_key=number_key(number, zero_padded=True)))
    return True


async def numbers_of(tx: Tx, shipment_id: int) -> list[tuple[str, str]]:
    """(carrier, number) of every number the shipment is known by."""
    rows = await tx.conn.execute(sa.select(shipment_numbers.c.carrier, shipment_numbers.c.number)
                                 .where(shipment_numbers.c.shipment_id == shipment_id)
                                 .order_by(shipment_numbers.c.id))
    return [(row.carrier, row.number) for row in rows]


async def find_by_tracking(tx: Tx, carrier: str | None, tracking_number: str, aliases: Iterable[str] = (),
                           zero_padded: bool = False) -> dict[str, Any] | None:
    """The shipment a carrier's answer is about: its number as stored, else the same number
    written another way, else one of the carrier's other numbers for it, else a number it was
    forwarded under. The carrier's own number wins, then its aliases in the order it listed them."""
    scope = [shipments.c.carrier == carrier] if carrier else []
    exact = sa.select(shipments).where(shipments.c.tracking_number == tracking_number, *scope)
    if (row := (await tx.conn.execute(exact)).mappings().first()) is not None:
        return dict(row)  # the common case, on the (carrier, tracking_number) unique index
    wanted = [key for key in dict.fromkeys(number_key(n, zero_padded) for n in (tracking_number, *aliases)) if key]
    if not wanted:
        return None
    loose = {number_key(key, zero_padded=True) for key in wanted}
    query = (sa.select(shipment_numbers.c.shipment_id, shipment_numbers.c.carrier, shipment_numbers.c.number)
             .where(shipment_numbers.c.number_key.in_(sorted(loose)))
             .order_by(shipment_numbers.c.shipment_id))
    rank = {key: i for i, key in enumerate(wanted)}
    best: tuple[int, int] | None = None  # (rank, shipment id)
    for row in (await tx.conn.execute(query)).all():
        position = rank.get(number_key(row.number, zero_padded))
        if position is None or (carrier and row.carrier != carrier):
            continue  # the same loose key, but not the same number for this carrier
        if best is None or (position, row.shipment_id) < best:
            best = (position, row.shipment_id)
    if best is None:
        return None
    found = (await tx.conn.execute(sa.select(shipments).where(shipments.c.id == best[1]))).mappings().first()
    return dict(found) if found is not None else None
