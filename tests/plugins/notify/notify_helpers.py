"""Helpers of the notify plugin tests: snapshots, an in-memory ledger, a hook runner like the core's."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pluggy
import structlog

from hub.core.errors import Deferred
from hub.core.models import (ClaimSnapshot, CustomerSnapshot, HookContext, OrderLine, OrderSnapshot,
                             TimerSnapshot, Transition)
from hub.core.config import HubConfig
from hub.core.plugins import build_plugin_manager

NOW = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: outside quiet hours
PHONE = "13912345678"
EMAIL = "li.lei@customer.example"


class Ledger:
    """What the core's ledger does: remember keys of completed deliveries, answer ``seen``."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    async def __call__(self, key: str) -> bool:
        return key in self.keys


def make_ctx(plugin: str, ledger: Ledger | None = None, key: str = "k1", now: datetime = NOW) -> HookContext:
    return HookContext(idempotency_key=key, attempt=1, delivery_id=1, event_id="e1", plugin=plugin,
                       log=structlog.get_logger(), now=now, ledger=ledger)


def build(name: str, settings: dict[str, Any]) -> pluggy.PluginManager:
    """A plugin manager with one notify plugin, its settings validated as at start-up."""
    enabled = f"plugins.notify.{name}:SPEC"
    return build_plugin_manager(HubConfig(plugins={"enabled": [enabled], enabled: settings}))


async def run_hook(pm, hook: str, ctx: HookContext, ledger: Ledger | None = None, **kwargs: Any) -> None:
    """Call one lifecycle hook as the dispatcher would; remembered keys persist when it completes
    (or is deferred: what went out before the hold must not go out again)."""
    try:
        for result in getattr(pm.hook, hook)(ctx=ctx, **kwargs):
            await result
    except Deferred:
        if ledger is not None:
            ledger.keys.update(ctx.remembered)
        raise
    if ledger is not None:
        ledger.keys.update(ctx.remembered)


def customer(language: str = "zh-CN", **kw: Any) -> CustomerSnapshot:
    values = dict(code="C-001", name="李雷", grade="B", language=language, email=EMAIL, phone=PHONE,
                  salesperson="Wang")
    return CustomerSnapshot(**{**values, **kw})


def order(language: str = "zh-CN", **kw: Any) -> OrderSnapshot:
    lines = (OrderLine(line_no=1, product_code="SOFA-3", spec="灰色", qty=Decimal(2), unit_price=Decimal(1999)),
             OrderLine(line_no=2, product_code="TABLE-1", qty=Decimal(1), unit_price=Decimal(899)))
    values = dict(ref="SO-1001", state="shipped", customer=customer(language), lines=lines,
                  total=Decimal("4897"), created_at=NOW - timedelta(days=5))
    return OrderSnapshot(**{**values, **kw})


def claim(language: str = "en", **kw: Any) -> ClaimSnapshot:
    values = dict(ref="CL-7", order_ref="SO-1001", shipment_ref="SH-1", kind="damage", state="opened",
                  amount_claimed=Decimal("1200"), documents_due_at=NOW + timedelta(days=3),
                  customer=customer(language))
    return ClaimSnapshot(**{**values, **kw})


def transition(entity: str, ref: str, event: str, state: str, **data: Any) -> Transition:
    return Transition(entity=entity, ref=ref, event=event, previous=None, state=state, at=NOW, data=data)


def claim_documents_breach(timer_id: int = 41) -> TimerSnapshot:
    return TimerSnapshot(id=timer_id, rule="claim_documents", entity="claim", ref="CL-7",
                         due_at=NOW - timedelta(minutes=5), breached_at=NOW, escalate_to="cs_supervisor")
