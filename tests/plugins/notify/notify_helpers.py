"""Helpers of the notify plugin tests: snapshots, an in-memory ledger, a hook runner like the core's."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pluggy
import structlog

from hub.core.errors import Deferred
from hub.core.models import (ClaimSnapshot, CustomerSnapshot, HookContext, OrderSnapshot, ShipmentSnapshot,
                             TimerSnapshot, Transition)
from hub.core.config import DocumentSettings, HubConfig
from hub.core.documents import DocumentRenderer
from hub.core.plugins import build_plugin_manager

from core_payloads import arguments, changed, core_arguments, payloads

NOW = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: outside quiet hours
PHONE = "13912345678"
EMAIL = "li.lei@customer.example"


class Ledger:
    """What the core's ledger does: remember keys of completed deliveries, answer ``seen``."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    async def __call__(self, key: str) -> bool:
        return key in self.keys


# The core's document renderer, as the dispatcher gives it to every delivery (default letterhead).
DOCUMENTS = DocumentRenderer(DocumentSettings(), "Asia/Shanghai")


def make_ctx(plugin: str, ledger: Ledger | None = None, key: str = "k1", now: datetime = NOW) -> HookContext:
    return HookContext(idempotency_key=key, attempt=1, delivery_id=1, event_id="e1", plugin=plugin,
                       log=structlog.get_logger(), now=now, ledger=ledger, documents=DOCUMENTS)


def build(name: str, settings: dict[str, Any]) -> pluggy.PluginManager:
    """A plugin manager with one notify plugin, its settings validated as at start-up."""
    enabled = f"plugins.notify.{name}:SPEC"
    return build_plugin_manager(HubConfig(plugins={"enabled": [enabled], enabled: settings}))


async def run_hook(pm, hook: str, ctx: HookContext, ledger: Ledger | None = None, **kwargs: Any) -> None:
    """Call one lifecycle hook as the dispatcher would; remembered keys persist when it completes
    (or is deferred: what went out before the hold must not go out again)."""
    ctx.hook = hook
    args = core_arguments(hook, kwargs) if hook in payloads() else kwargs  # the related snapshots too
    try:
        for result in getattr(pm.hook, hook)(ctx=ctx, **args):
            await result
    except Deferred:
        if ledger is not None:
            ledger.keys.update(ctx.remembered)
        raise
    if ledger is not None:
        ledger.keys.update(ctx.remembered)


def customer(language: str = "zh-CN", **kw: Any) -> CustomerSnapshot:
    """The core's customer with this test's identity (name, phone, e-mail)."""
    core = arguments("hub_order_shipped")["order"].customer
    values = dict(code="C-001", name="李雷", grade="B", language=language, email=EMAIL, phone=PHONE,
                  salesperson="Wang")
    return changed(core, **{**values, **kw})


def order(language: str = "zh-CN", **kw: Any) -> OrderSnapshot:
    """The order as the core sends it with ``hub_order_shipped``, under this test's ref and customer."""
    core = arguments("hub_order_shipped")["order"]
    first = core.lines[0]
    lines = (changed(first, spec="灰色", unit_price=Decimal(1999)),
             changed(first, line_no=2, product_code="TABLE-1", spec="", qty=Decimal(1), unit_price=Decimal(899),
                     shipped_qty=Decimal(1), list_price=None))
    values = dict(ref="SO-1001", customer=customer(language), lines=lines, total=Decimal("4897"),
                  created_at=NOW - timedelta(days=5))
    return changed(core, **{**values, **kw})


def shipment(language: str = "zh-CN", **kw: Any) -> ShipmentSnapshot:
    """The shipment the core sends beside the order with ``hub_order_shipped``."""
    core = arguments("hub_order_shipped")["shipment"]
    return changed(core, **{"ref": "SH-1", "order_ref": "SO-1001", "customer": customer(language), **kw})


def shipped(language: str = "zh-CN", **shipment_fields: Any) -> dict[str, Any]:
    """``hub_order_shipped``'s arguments: the order, its booked shipment and the transition."""
    ship = shipment(language, **shipment_fields)
    core = arguments("hub_order_shipped")["transition"]
    return dict(order=order(language), shipment=ship,
                transition=changed(core, ref="SO-1001", at=NOW, data={"shipment_ref": ship.ref}))


def claim(language: str = "en", **kw: Any) -> ClaimSnapshot:
    core = arguments("hub_claim_opened")["claim"]
    values = dict(ref="CL-7", order_ref="SO-1001", shipment_ref="SH-1", amount_claimed=Decimal("1200"),
                  documents_due_at=NOW + timedelta(days=3), customer=customer(language))
    return changed(core, **{**values, **kw})


def transition(entity: str, ref: str, state: str, **data: Any) -> Transition:
    """The core's transition into ``state`` (its ``hub_<entity>_<state>`` hook), for this test's ref."""
    core = arguments(f"hub_{entity}_{state}")["transition"]
    return changed(core, ref=ref, at=NOW, **({"data": data} if data else {}))


def claim_documents_breach(timer_id: int = 41) -> TimerSnapshot:
    core = arguments("hub_sla_breached")["timer"]
    return changed(core, id=timer_id, rule="claim_documents", entity="claim", ref="CL-7",
                   due_at=NOW - timedelta(minutes=5), breached_at=NOW, escalate_to="cs_supervisor")


def sample(milestone: str):
    """A snapshot for ``milestone``, as the core sends it (identity changed to this test's)."""
    entity = milestone.split("_")[0]
    if entity == "shipment":
        return shipment("en", state="delivered")
    if entity == "return":
        return changed(arguments("hub_return_completed")["return_request"], ref="RT-3", order_ref="SO-1001",
                       customer=customer("en"))
    return {"order": order, "claim": claim, "customer": lambda: customer("en"),
            "sla": claim_documents_breach}[entity]()
