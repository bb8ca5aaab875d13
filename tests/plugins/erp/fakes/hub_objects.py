"""Snapshots and hook contexts as the core hands them to ERP adapters, for the fake-server tests."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pluggy
import structlog

from core_payloads import arguments, changed
from hub.core.config import HubConfig
from hub.core.models import ClaimSnapshot, CustomerSnapshot, HookContext, OrderSnapshot
from hub.core.plugins import build_plugin_manager

from fakes.timed_payloads import hook_arguments

CUSTOMER = changed(arguments("hub_order_posted")["order"].customer, code="C001", name="Acme Trading", grade="B")


def make_ctx(plugin: str, key: str = "k1", attempt: int = 1) -> HookContext:
    return HookContext(idempotency_key=key, attempt=attempt, delivery_id=1, event_id="e1", plugin=plugin,
                       log=structlog.get_logger(), now=datetime(2026, 11, 22, 9, 30, tzinfo=UTC))


def make_order(ref: str = "HUB-ORDER-1", *, product: str = "SKU-1", erp_ref: str | None = None,
               customer: CustomerSnapshot = CUSTOMER) -> OrderSnapshot:
    """The order the core sends with ``hub_order_posted``, under this test's ref, product and customer."""
    core = arguments("hub_order_posted")["order"]
    line = changed(core.lines[0], product_code=product, qty=Decimal("2"), unit_price=Decimal("12.50"), list_price=None)
    return changed(core, ref=ref, customer=customer, erp_ref=erp_ref, lines=(line,),
                   created_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC), total=Decimal("25.00"))


def make_claim(ref: str = "HUB-CLAIM-1", amount: str = "80.00") -> ClaimSnapshot:
    core = arguments("hub_claim_approved")["claim"]
    return changed(core, ref=ref, order_ref="HUB-ORDER-1", shipment_ref=None, kind="damage",
                   amount_claimed=Decimal("100.00"), amount_approved=Decimal(amount), customer=CUSTOMER)


def make_proposed_claim(ref: str = "HUB-CLAIM-1", amount: str = "80.00") -> ClaimSnapshot:
    """The claim the core sends with ``hub_claim_settlement_proposed`` (on make_order's order)."""
    core = arguments("hub_claim_settlement_proposed")["claim"]
    return changed(core, ref=ref, order_ref="HUB-ORDER-1", shipment_ref=None, kind="damage",
                   amount_claimed=Decimal("100.00"), amount_approved=Decimal(amount), customer=CUSTOMER)


def manager(spec: str, settings: dict[str, Any]) -> pluggy.PluginManager:
    """A plugin manager with one plugin, its settings validated (secrets resolved) as at start-up."""
    return build_plugin_manager(HubConfig(plugins={"enabled": [spec], spec: settings}))


async def deliver(pm: pluggy.PluginManager, hook: str, ctx: HookContext, **kwargs: Any) -> None:
    """Call an async lifecycle hook like the dispatcher, with the core's arguments around this snapshot."""
    ctx.hook = hook
    for coroutine in getattr(pm.hook, hook)(ctx=ctx, **hook_arguments(hook, kwargs)):
        await coroutine
