"""Notify sandbox: every message is a JSON file in a local outbox folder, one per handoff."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hub import (CaseSnapshot, ClaimSnapshot, CustomerSnapshot, HookContext, OrderSnapshot, ShipmentSnapshot,
                TimerSnapshot, Transition, hookimpl)

from .messages import render
from .settings import NotifySandboxSettings


class NotifySandbox:
    """Writes customer milestones and internal escalations to <data_dir>/notify-outbox."""

    def __init__(self, settings: NotifySandboxSettings) -> None:
        self.settings = settings

    def _write(self, ctx: HookContext, milestone: str, to: str, language: str, fields: dict[str, Any]) -> None:
        folder = self.settings.folder or Path(ctx.data_dir or "data") / "notify-outbox"
        folder.mkdir(parents=True, exist_ok=True)
        lang, subject, body = render(milestone, language, fields)
        message = {"milestone": milestone, "to": to, "language": lang, "subject": subject, "body": body,
                   "idempotency_key": ctx.idempotency_key, "at": ctx.now.isoformat()}
        # One file per idempotency key: a redelivered handoff overwrites, never duplicates.
        path = folder / f"{ctx.idempotency_key}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(message, ensure_ascii=False, indent=1))
        os.replace(tmp, path)
        ctx.log.info("notify.sandbox_written", template=milestone, channel="sandbox")

    def _customer(self, ctx: HookContext, milestone: str, customer: CustomerSnapshot, **fields: Any) -> None:
        self._write(ctx, milestone, f"customer:{customer.code}", customer.language, fields)

    @hookimpl
    async def hub_order_shipped(self, order: OrderSnapshot, shipment: ShipmentSnapshot, ctx: HookContext) -> None:
        self._customer(ctx, "order_shipped", order.customer, ref=order.ref, carrier=shipment.carrier or "-",
                       tracking_number=shipment.tracking_number or "-", carrier_contact=shipment.carrier_contact or "-")

    @hookimpl
    async def hub_order_delivered(self, order: OrderSnapshot, ctx: HookContext) -> None:
        self._customer(ctx, "order_delivered", order.customer, ref=order.ref)

    @hookimpl
    async def hub_order_rejected(self, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
        self._customer(ctx, "order_rejected", order.customer, ref=order.ref, reason=transition.data.get("reason"))

    @hookimpl
    async def hub_order_price_escalated(self, order: OrderSnapshot, ctx: HookContext) -> None:
        # 002: the salesperson checks with the customer; the CS supervisor and the marketing director are told.
        to = (f"salesperson:{order.customer.salesperson or 'unassigned'},role:cs_supervisor,"
              "role:marketing_director")
        self._write(ctx, "order_price_escalated", to, "en", {"ref": order.ref})

    @hookimpl
    async def hub_claim_opened(self, claim: ClaimSnapshot, ctx: HookContext) -> None:
        self._customer(ctx, "claim_opened", claim.customer, ref=claim.ref)

    @hookimpl
    async def hub_claim_paid(self, claim: ClaimSnapshot, ctx: HookContext) -> None:
        self._customer(ctx, "claim_paid", claim.customer, ref=claim.ref)

    @hookimpl
    async def hub_customer_vip_granted(self, customer: CustomerSnapshot, ctx: HookContext) -> None:
        self._customer(ctx, "customer_vip_granted", customer)

    @hookimpl
    async def hub_customer_vip_revoked(self, customer: CustomerSnapshot, ctx: HookContext) -> None:
        self._customer(ctx, "customer_vip_revoked", customer)

    @hookimpl
    async def hub_sla_breached(self, timer: TimerSnapshot, ctx: HookContext) -> None:
        self._write(ctx, "sla_breached", f"role:{timer.escalate_to}", "en", timer.model_dump(mode="json"))

    @hookimpl
    async def hub_case_opened(self, case: CaseSnapshot, ctx: HookContext) -> None:
        self._write(ctx, "case_opened", "role:courier_desk", "en",
                    {**case.model_dump(mode="json"), "facts": ", ".join(case.facts_to_collect)})
