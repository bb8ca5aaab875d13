"""The monthly VIP review's figures (004: 根据每月客户走货量统计→不符合VIP要求者→…重新评估): the customer's
shipment volume of one calendar month, counted by the hub from the shipments it recorded."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from hub.core.clock import as_utc
from hub.core.domain.tx import Tx
from hub.core.store.tables import orders, shipments, timeline

CENT = Decimal("0.01")


def month_start(moment: datetime, zone: ZoneInfo) -> date:
    """The first day of the local month ``moment`` falls in."""
    return moment.astimezone(zone).date().replace(day=1)


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def start_of_next_month(now: datetime, zone: ZoneInfo) -> datetime:
    """00:00 local on the 1st of the month after ``now``'s: when last month's figures are complete."""
    return datetime.combine(next_month(month_start(now, zone)), datetime.min.time(), zone).astimezone(now.tzinfo
                                                                                                    or zone)


def month_reviewed(due_at: datetime, zone: ZoneInfo) -> date:
    """The calendar month a review due at ``due_at`` covers: the last one complete by then."""
    return (month_start(due_at, zone) - timedelta(days=1)).replace(day=1)


def _bounds(first: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(next_month(first), datetime.min.time(), zone)
    return as_utc(start), as_utc(end)


async def _shipped_in(tx: Tx, customer_code: str, first: date) -> list[Mapping[str, Any]]:
    """The customer's shipments that left in the month: the first move out of ``created`` (booked with a
    carrier, or collected by the customer), local time; a shipment cancelled since never went."""
    await tx.flush(timeline)  # a shipment may have left earlier in this unit
    start, end = _bounds(first, tx.config.calendar.business_calendar.zone)
    of_customer = sa.select(shipments.c.ref).join(orders, orders.c.ref == shipments.c.order_ref).where(
        orders.c.customer_code == customer_code, shipments.c.state != "cancelled")
    left = (sa.select(timeline.c.ref, sa.func.min(timeline.c.at).label("left_at"))
            .where(timeline.c.entity == "shipment", timeline.c.ref.in_(of_customer),
                   timeline.c.previous == "created", timeline.c.state != "cancelled")
            .group_by(timeline.c.ref).subquery())
    query = (sa.select(shipments.c.lines, shipments.c.pieces, shipments.c.waybill_weight_kg,
                       orders.c.lines.label("order_lines"))
             .select_from(shipments.join(orders, orders.c.ref == shipments.c.order_ref)
                          .join(left, left.c.ref == shipments.c.ref))
             .where(left.c.left_at >= start, left.c.left_at < end))
    return list((await tx.conn.execute(query)).mappings())


def _carried(shipment: Mapping[str, Any]) -> dict[int, Decimal]:
    return {int(line_no): Decimal(str(qty)) for line_no, qty in (shipment["lines"] or {}).items()}


def _measured(shipment: Mapping[str, Any], measure: str) -> Decimal:
    carried = _carried(shipment)
    if measure == "weight_kg":  # 004: the waybill weight is authoritative, never the carrier's reading
        return Decimal(shipment["waybill_weight_kg"] or 0)
    if measure == "pieces":
        return Decimal(shipment["pieces"]) if shipment["pieces"] is not None else sum(carried.values(), Decimal(0))
    prices = {line["line_no"]: Decimal(str(line.get("unit_price") or 0)) for line in shipment["order_lines"]}
    return sum((qty * prices.get(line_no, Decimal(0)) for line_no, qty in carried.items()), Decimal(0))


async def month_volume(tx: Tx, customer_code: str, first: date, measure: str) -> Decimal:
    """The customer's shipment volume of the month starting ``first``, in ``measure`` ([vip] volume_measure)."""
    shipped = await _shipped_in(tx, customer_code, first)
    return sum((_measured(s, measure) for s in shipped), Decimal(0)).quantize(CENT)


async def review_data(tx: Tx, timer: Mapping[str, Any]) -> dict[str, Any]:
    """The data of the ``vip_review`` its timer sends: the month before the timer was due, measured."""
    settings, zone = tx.config.vip, tx.config.calendar.business_calendar.zone
    first = month_reviewed(as_utc(timer["due_at"]), zone)
    volume = await month_volume(tx, timer["ref"], first, settings.volume_measure)
    return {"monthly_volume": str(volume), "threshold": str(settings.threshold.quantize(CENT)),
            "measure": settings.volume_measure, "month": f"{first:%Y-%m}", "timer": timer["rule"]}
