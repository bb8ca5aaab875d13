"""Snapshots and hook contexts as the core hands them to ERP adapters, for the fake-server tests."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pluggy
import structlog

from hub.core.models import (ClaimSnapshot, CustomerSnapshot, HookContext, OrderLine, OrderSnapshot,
                             Transition)
from hub.core.config import HubConfig
from hub.core.plugins import build_plugin_manager

CUSTOMER = CustomerSnapshot(code="C001", name="Acme Trading", grade="B")


def make_ctx(plugin: str, key: str = "k1", attempt: int = 1) -> HookContext:
    return HookContext(idempotency_key=key, attempt=attempt, delivery_id=1, event_id="e1", plugin=plugin,
                       log=structlog.get_logger(), now=datetime(2026, 11, 22, 9, 30, tzinfo=UTC))


def make_order(ref: str = "HUB-ORDER-1", *, product: str = "SKU-1", erp_ref: str | None = None,
               customer: CustomerSnapshot = CUSTOMER) -> OrderSnapshot:
    return OrderSnapshot(
        ref=ref, state="posted", customer=customer, erp_ref=erp_ref,
        lines=(OrderLine(line_no=1, product_code=product, qty=Decimal("2"), unit_price=Decimal("12.50")),),
        created_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC), total=Decimal("25.00"))


def make_claim(ref: str = "HUB-CLAIM-1", amount: str = "80.00") -> ClaimSnapshot:
    return ClaimSnapshot(ref=ref, order_ref="HUB-ORDER-1", kind="damage", state="approved",
                         amount_claimed=Decimal("100.00"), amount_approved=Decimal(amount), customer=CUSTOMER)


def manager(spec: str, settings: dict[str, Any]) -> pluggy.PluginManager:
    """A plugin manager with one plugin, its settings validated (secrets resolved) as at start-up."""
    return build_plugin_manager(HubConfig(plugins={"enabled": [spec], spec: settings}))


async def deliver(pm: pluggy.PluginManager, hook: str, ctx: HookContext, **kwargs: Any) -> None:
    """Call an async lifecycle hook like the dispatcher: every implementation awaited."""
    (entity_name, snapshot), = kwargs.items()
    state = hook.split("_", 2)[2]
    transition = Transition(entity=entity_name, ref=snapshot.ref, event=state, previous=None, state=state,
                            at=ctx.now)
    for coroutine in getattr(pm.hook, hook)(transition=transition, ctx=ctx, **kwargs):
        await coroutine
