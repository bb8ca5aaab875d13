"""Hook arguments from the real core, including ``hub_order_finance_check``.

The docs tour (hub/core/tour.py) approves its orders right after posting, so its ``finance_check``
timer never comes due and ``core_payloads`` has no payload for that hook. Until the tour has one,
this runs the same core the same way: on the tour's hub, an order is posted and recorded by the
ERP, the clock passes the check's 10 minutes, the due timers fire, and the outbox payload is read
back. Once the tour produces the hook, its payload is used and this fallback is unused.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import functools
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core_payloads import changed, core_arguments, payloads
from hub.core.domain.inputs import NewCustomer, NewOrder
from hub.core.outbox.payloads import rebuild
from hub.core.store.tables import outbox_events
from hub.core.tour import CONTACT, ORDER_LINES, tour_hub

FINANCE_CHECK = "hub_order_finance_check"


async def _finance_check_payload() -> dict[str, Any]:
    async with tour_hub() as (hub, clock):
        await hub.create_customer(NewCustomer(code="C-ZHANG", name="Zhang Furniture Trading", grade="B"))
        await hub.create_order(NewOrder(ref="SO-TOUR-1", customer_code="C-ZHANG", deposit_due=Decimal("2520"),
                                        lines=ORDER_LINES, contact=CONTACT))
        for event, data in [("reviewed", {"lines": [{"line_no": 1, "available_qty": "2", "list_price": "4200"}]}),
                            ("confirmation_sent", {}), ("confirmation_received", {}),
                            ("deposit_received", {"amount": "2520"}), ("erp_recorded", {"erp_ref": "SO-2026-0042"})]:
            clock.advance(hours=1)
            await hub.apply("order", "SO-TOUR-1", event, data, actor="cs-wang")
        clock.advance(minutes=11)
        await hub.fire_due_timers()
        async with hub.engine.connect() as conn:
            payload = (await conn.execute(sa.select(outbox_events.c.payload)
                                          .where(outbox_events.c.hook == FINANCE_CHECK)
                                          .order_by(outbox_events.c.created_at))).scalars().first()
    assert payload is not None, "the core wrote no hub_order_finance_check for a posted order after 10 minutes"
    return payload


@functools.cache
def finance_check_payload() -> dict[str, Any]:
    if FINANCE_CHECK in payloads():
        return payloads()[FINANCE_CHECK]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # tests run inside an event loop
        return pool.submit(asyncio.run, _finance_check_payload()).result()


def hook_arguments(hook: str, snapshots: dict[str, Any]) -> dict[str, Any]:
    """``core_arguments`` for every hook; the finance check's timer names this test's order."""
    if hook != FINANCE_CHECK or FINANCE_CHECK in payloads():
        return core_arguments(hook, snapshots)
    args = {**rebuild(finance_check_payload()), **snapshots}
    order = snapshots.get("order")
    if order is not None:
        args["timer"] = changed(args["timer"], ref=order.ref)
    return args
