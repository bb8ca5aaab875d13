"""The monthly VIP review's volume (004: 每月客户走货量统计) in each ``[vip] volume_measure``: counted from the
shipments of the customer's orders that left in the month, a cancelled shipment and other customers aside."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from hub.core.domain import vip
from hub.core.domain.inputs import NewOrder, NewShipment

LINE = {"product_code": "SOFA-3", "spec": "grey", "qty": 5, "unit_price": "4200"}
CONTACT = {"phone": "1", "address": "88 Harbour Rd"}


async def released(hub, ref: str, customer: str) -> None:
    await hub.create_order(NewOrder(ref=ref, customer={"code": customer, "name": customer}, lines=[LINE],
                                    contact=CONTACT))
    for event, data in [("reviewed", {}), ("confirmation_sent", {}), ("confirmation_received", {}),
                        ("payment_received", {"amount": "21000"}), ("finance_approved", {})]:
        await hub.apply("order", ref, event, data)


@pytest.mark.parametrize(("measure", "volume"), [("value", "16800.00"), ("pieces", "5.00"),
                                                 ("weight_kg", "45.50")])
async def test_the_months_volume_in_each_measure(make_hub, engine, clock, measure, volume):
    # given, in March, two shipments of C-V's order that left, one cancelled, and another customer's
    hub = await make_hub(engine, vip={"volume_measure": measure})
    clock.set(datetime(2026, 3, 5, 2, tzinfo=UTC))
    await released(hub, "SO-V-1", "C-V")
    await released(hub, "SO-W-1", "C-W")
    shipments = [("SO-V-1", NewShipment(ref="SH-1", carrier="dhl", tracking_number="T1", lines={1: Decimal(1)},
                                        pieces=2, waybill_weight_kg=Decimal("45.5"))),
                 ("SO-V-1", NewShipment(ref="SH-2", carrier="dhl", tracking_number="T2", lines={1: Decimal(3)})),
                 ("SO-V-1", NewShipment(ref="SH-3", carrier="dhl", tracking_number="T3", lines={1: Decimal(1)},
                                        pieces=9, waybill_weight_kg=Decimal("99"))),
                 ("SO-W-1", NewShipment(ref="SH-W", carrier="dhl", tracking_number="T4", pieces=7))]
    for order, shipment in shipments:
        await hub.create_shipment(order, shipment)
    await hub.apply("shipment", "SH-3", "cancelled", {"reason": "re-planned"})
    # when the month is measured
    async with hub.unit() as tx:
        measured = await vip.month_volume(tx, "C-V", date(2026, 3, 1), measure)
        february = await vip.month_volume(tx, "C-V", date(2026, 2, 1), measure)
    # then: four sofas at 4,200; two pieces on SH-1's waybill and three sofas carried by SH-2 (no piece
    # count); 45.5 kg on the only waybill weighed — and nothing in February
    assert (str(measured), str(february)) == (volume, "0.00")


def test_a_review_covers_the_last_month_complete_when_it_is_due():
    zone = ZoneInfo("Asia/Shanghai")
    due = datetime(2026, 3, 31, 16, tzinfo=UTC)  # 1 April 00:00 in Shanghai
    assert vip.month_reviewed(due, zone) == date(2026, 3, 1)
    assert vip.start_of_next_month(datetime(2026, 12, 15, tzinfo=UTC), zone) == datetime(2026, 12, 31, 16,
                                                                                         tzinfo=UTC)
