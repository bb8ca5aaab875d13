"""A finance desk and a letter recorder for the timed hooks (``hub_timed_plugins:DESK``).

The finance decision is read from a file the test writes, as a real ERP plugin reads the ERP
document's state: "pending" replies nothing, "approve" and "reject" reply finance's decision.
"""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field

from hub import HookContext, OrderSnapshot, PluginSettings, PluginSpec, ShipmentSnapshot, TimerSnapshot, hookimpl


class DeskSettings(PluginSettings):
    calls_file: Path = Field(description="Every timed hook call, one JSON line.")
    decision_file: Path = Field(description="pending, approve or reject: finance's state in the 'ERP'.")


class Desk:
    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings

    def _record(self, hook: str, ref: str, timer: TimerSnapshot, **extra: object) -> None:
        with self.settings.calls_file.open("a") as out:
            out.write(json.dumps({"hook": hook, "ref": ref, "rule": timer.rule, **extra}) + "\n")

    @hookimpl
    async def hub_order_finance_check(self, order: OrderSnapshot, timer: TimerSnapshot, ctx: HookContext) -> None:
        self._record("hub_order_finance_check", order.ref, timer, erp_ref=order.erp_ref)
        path = self.settings.decision_file
        decision = path.read_text().strip() if path.exists() else "pending"
        if decision == "approve":
            ctx.emit("order", order.ref, "finance_approved", erp_ref=order.erp_ref or "SO-ERP-1",
                     outbound_ref="OUT-1")
        elif decision == "reject":
            ctx.emit("order", order.ref, "finance_rejected", reason="deposit not on the account",
                     payment_not_received=True)

    @hookimpl
    async def hub_order_confirmation_overdue(self, order: OrderSnapshot, timer: TimerSnapshot,
                                             ctx: HookContext) -> None:
        self._record("hub_order_confirmation_overdue", order.ref, timer, state=order.state)

    @hookimpl
    async def hub_shipment_delivery_note_due(self, shipment: ShipmentSnapshot, order: OrderSnapshot,
                                             timer: TimerSnapshot, ctx: HookContext) -> None:
        self._record("hub_shipment_delivery_note_due", shipment.ref, timer, order=order.ref,
                     at=ctx.now.isoformat())


DESK = PluginSpec(name="test.desk", kind="core", settings=DeskSettings, factory=Desk)
