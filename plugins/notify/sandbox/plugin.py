"""Notify sandbox: every message is a JSON file in a local outbox folder, one per handoff."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hub import ComplaintSnapshot
from hub import (CaseSnapshot, ClaimSnapshot, CustomerSnapshot, HookContext, OrderSnapshot, ShipmentSnapshot,
                Report, StoreSnapshot, TimerSnapshot, Transition, hookimpl)

from plugins.notify.common import BACK_ORDER, COMPANY_AT_FAULT, Notice, build_notice, render_document
from plugins.notify.common.documents import applies

from .messages import render
from .settings import NotifySandboxSettings


class NotifySandbox:
    """Writes customer milestones and internal escalations to <data_dir>/notify-outbox."""

    def __init__(self, settings: NotifySandboxSettings) -> None:
        self.settings = settings

    async def _write(self, ctx: HookContext, milestone: str, to: str, language: str, fields: dict[str, Any],
                     documents: tuple[tuple[str, Notice], ...] = ()) -> None:
        folder = self.settings.folder or Path(ctx.data_dir or "data") / "notify-outbox"
        folder.mkdir(parents=True, exist_ok=True)
        lang, subject, body = render(milestone, language, fields)
        message = {"milestone": milestone, "to": to, "language": lang, "subject": subject, "body": body,
                   "idempotency_key": ctx.idempotency_key, "at": ctx.now.isoformat()}
        # One file per idempotency key: a redelivered handoff overwrites, never duplicates.
        path = folder / f"{ctx.idempotency_key}.json"
        if documents:  # {filename: the PDF's file beside the letter}, in the letter's language
            message["attachments"] = {}
            for name, notice in documents:
                if not applies(name, notice):
                    continue
                doc = await render_document(ctx, name, notice, lang)
                saved = folder / f"{ctx.idempotency_key}.{doc.filename}"
                _write_atomically(saved, doc.content)
                message["attachments"][doc.filename] = saved.name
        _write_atomically(path, json.dumps(message, ensure_ascii=False, indent=1).encode())
        ctx.log.info("notify.sandbox_written", template=milestone, channel="sandbox")

    async def _customer(self, ctx: HookContext, milestone: str, customer: CustomerSnapshot,
                  documents: tuple[tuple[str, Notice], ...] = (), **fields: Any) -> None:
        await self._write(ctx, milestone, f"customer:{customer.code}", customer.language, fields, documents)

    def _notice(self, milestone: str, subject: Any, transition: Transition | None, **related: Any) -> Notice:
        return build_notice(milestone, subject, transition, self.settings.zone, related)

    @hookimpl
    async def hub_order_reviewed(self, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
        # 000: the reviewed order confirmation (订单确认书) goes to the customer to sign and return
        notice = self._notice("order_reviewed", order, transition)
        await self._customer(ctx, "order_reviewed", order.customer, ref=order.ref, **_values(notice, "total", "currency",
                       "deposit_due", "promised_date"), documents=(("order_confirmation", notice),))
        if self.settings.send_confirmations:
            ctx.emit("order", order.ref, "confirmation_sent")

    @hookimpl
    async def hub_order_confirmation_overdue(self, order: OrderSnapshot, timer: TimerSnapshot,
                                             ctx: HookContext) -> None:
        # 002: not back the same day: remind the customer (the salesperson follows up), the confirmation again
        notice = self._notice("order_confirmation_overdue", order, None, timer=timer)
        to = f"customer:{order.customer.code},salesperson:{order.customer.salesperson or 'unassigned'}"
        await self._write(ctx, "order_confirmation_overdue", to, order.customer.language,
                    {"ref": order.ref, **_values(notice, "due_at", "promised_date")},
                    documents=(("order_confirmation", notice),))

    @hookimpl
    async def hub_order_released(self, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
        # 000: finance approved: the outbound note (成品出库表) to the warehouse, marked delivery or pickup
        notice = self._notice("order_released", order, transition)
        contact = ", ".join(filter(None, (order.contact.name, order.contact.phone))) or "-"
        await self._write(ctx, f"order_released.{order.delivery_mode}", "role:warehouse", "en", {
            "ref": order.ref, "address": order.contact.address or "-", "contact": contact,
            "pickup_company": order.contact.pickup_company or "-", "plate": order.contact.plate or "-",
            **_values(notice, "outbound_ref", to_ship="to_ship_summary")}, documents=(
                ("outbound_note", notice), *((("loading_notice", notice),) if order.delivery_mode == "pickup" else ())))

    @hookimpl
    async def hub_order_cancelled(self, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
        # cancelled before shipping (a cancel or a refund request): the customer is told; once the outbound
        # note went to the warehouse, the warehouse takes the order off it
        reason = transition.data.get("reason") or "-"
        await self._customer(ctx, "order_cancelled", order.customer, ref=order.ref, reason=reason)
        if transition.previous == "released":
            await self._write(ctx, "order_cancelled.warehouse", "role:warehouse", "en", {
                "ref": order.ref, "reason": reason, "erp_ref": order.erp_ref or "-"})

    @hookimpl
    async def hub_shipment_delivery_note_due(self, shipment: ShipmentSnapshot, order: OrderSnapshot,
                                             timer: TimerSnapshot, ctx: HookContext) -> None:
        # 000: 在货物发出的第二日 the delivery note of this shipment, and who collected the goods
        notice = self._notice("shipment_delivery_note_due", shipment, None, order=order, timer=timer)
        await self._customer(ctx, "shipment_delivery_note_due", shipment.customer, ref=shipment.ref,
                       **_values(notice, "order_ref", "collected_by", lines="shipment_lines_summary"),
                       documents=(("delivery_note", notice),))

    @hookimpl
    async def hub_order_shipped(self, order: OrderSnapshot, shipment: ShipmentSnapshot, transition: Transition,
                                ctx: HookContext) -> None:
        fields = dict(ref=order.ref, carrier=shipment.carrier or "-", tracking_number=shipment.tracking_number or "-",
                      carrier_contact=shipment.carrier_contact or "-")
        notice = self._notice("order_shipped", order, transition, shipment=shipment)
        lines = _values(notice, lines="shipment_lines_summary", back_orders="back_order_summary")
        if notice.variant == BACK_ORDER:
            # 000: lines still short: the back-order list (欠货清单) to the customer and to planning
            await self._write(ctx, "order_shipped.back_order", f"customer:{order.customer.code},role:planning",
                        order.customer.language, {**fields, **lines}, documents=(("back_order_list", notice),))
        elif notice.fragments.get("back_order_shipped"):
            await self._customer(ctx, "order_shipped.back_order_delivered", order.customer, **fields, **lines)
        else:
            await self._customer(ctx, "order_shipped", order.customer, **fields)

    @hookimpl
    async def hub_order_delivered(self, order: OrderSnapshot, ctx: HookContext) -> None:
        await self._customer(ctx, "order_delivered", order.customer, ref=order.ref)

    @hookimpl
    async def hub_order_rejected(self, order: OrderSnapshot, transition: Transition, ctx: HookContext) -> None:
        await self._customer(ctx, "order_rejected", order.customer, ref=order.ref, reason=transition.data.get("reason"))

    @hookimpl
    async def hub_order_price_escalated(self, order: OrderSnapshot, ctx: HookContext) -> None:
        # 002: the salesperson checks with the customer; the CS supervisor and the marketing director are told.
        to = (f"salesperson:{order.customer.salesperson or 'unassigned'},role:cs_supervisor,"
              "role:marketing_director")
        await self._write(ctx, "order_price_escalated", to, "en", {"ref": order.ref})

    @hookimpl
    async def hub_claim_opened(self, claim: ClaimSnapshot, ctx: HookContext) -> None:
        await self._customer(ctx, "claim_opened", claim.customer, ref=claim.ref)

    @hookimpl
    async def hub_claim_report_issued(self, claim: ClaimSnapshot, order: OrderSnapshot, transition: Transition,
                                      ctx: HookContext) -> None:
        # 004: 出《理赔申请报告书》→ 客户服务部经理审批 → 陈总 (the general manager; 我司原因: the vice-president), attached
        notice = self._notice("claim_report_issued", claim, transition, order=order)
        last = "vice_president" if notice.variant == COMPANY_AT_FAULT else "general_manager"
        await self._write(ctx, "claim_report_issued", f"role:cs_manager,role:{last}", "en", {
            "ref": claim.ref, **_values(notice, "order_ref", "amount_approved", "currency", "open_balance",
                                        "open_balance_currency", "fault")},
            documents=(("claim_report", notice),))

    @hookimpl
    async def hub_claim_paid(self, claim: ClaimSnapshot, ctx: HookContext) -> None:
        await self._customer(ctx, "claim_paid", claim.customer, ref=claim.ref)

    @hookimpl
    async def hub_complaint_answered(self, complaint: ComplaintSnapshot, ctx: HookContext) -> None:
        # 000: 查明原因,落实责任…给予客户补货换货的回复: the reply letter (the sanction stays internal)
        who = complaint.responsibility
        await self._customer(ctx, "complaint_answered", complaint.customer, ref=complaint.ref,
                       order_ref=complaint.order_ref, kind=complaint.kind, cause=complaint.cause,
                       responsibility=", ".join(filter(None, (who.party, who.department))) if who else "-",
                       remedy=complaint.remedy, plan=complaint.plan,
                       promised_date=complaint.promised_date.isoformat() if complaint.promised_date else "-")

    @hookimpl
    async def hub_customer_vip_granted(self, customer: CustomerSnapshot, ctx: HookContext) -> None:
        await self._customer(ctx, "customer_vip_granted", customer)

    @hookimpl
    async def hub_customer_vip_revoked(self, customer: CustomerSnapshot, ctx: HookContext) -> None:
        await self._customer(ctx, "customer_vip_revoked", customer)

    @hookimpl
    async def hub_customer_vip_reevaluation_requested(self, customer: CustomerSnapshot, transition: Transition,
                                                      ctx: HookContext) -> None:
        # 004: the month fell short: the sales department (and the customer's salesperson) re-evaluate
        to = f"role:sales,salesperson:{customer.salesperson or 'unassigned'}"
        data = transition.data
        await self._write(ctx, "customer_vip_reevaluation_requested", to, "en", {
            "code": customer.code, "name": customer.name, "month": data.get("month") or "-",
            "monthly_volume": data.get("monthly_volume"), "threshold": data.get("threshold"),
            "measure": data.get("measure") or "-"})

    # --- 000 新开店备发货流程: the letters of a new store's setup ---------------------------------

    @hookimpl
    async def hub_store_received(self, store: StoreSnapshot, ctx: HookContext) -> None:
        # 及时建立新客户资料和知会财务中心: finance hears of the new customer
        await self._write(ctx, "store_received", "role:finance", "en",
                    {"ref": store.ref, "name": store.name or store.ref, "customer": store.customer.code,
                     "customer_name": store.customer.name})

    @hookimpl
    async def hub_store_documents_sent(self, store: StoreSnapshot, ctx: HookContext) -> None:
        names = {"project_brief": "《专卖店启动立项书》", "design_plan": "《专卖店设计方案》",
                 "image_items_list": "《专卖店形象品清单》"}
        await self._customer(ctx, "store_documents_sent", store.customer, ref=store.ref, name=store.name or store.ref,
                       sent=", ".join(names.get(d, d) for d in store.documents_sent))

    @hookimpl
    async def hub_store_lists_prepared(self, store: StoreSnapshot, ctx: HookContext) -> None:
        await self._write(ctx, "store_decor_list_requested", "role:store_development", "en",
                    {"ref": store.ref, "name": store.name or store.ref, "lines": len(store.product_lines)})

    @hookimpl
    async def hub_store_lists_sent(self, store: StoreSnapshot, ctx: HookContext) -> None:
        await self._customer(ctx, "store_lists_for_confirmation", store.customer, ref=store.ref,
                       name=store.name or store.ref, products=_items(store.product_lines),
                       decor=_items(store.decor_items))

    @hookimpl
    async def hub_store_back_orders_open(self, store: StoreSnapshot, ctx: HookContext) -> None:
        # 提交《欠货清单》给客户和跟计划部: one letter, to the customer and to planning
        owed = "; ".join(f"{b.code} × {b.qty} ({b.eta.isoformat()})" for b in store.back_orders if not b.shipped_at)
        await self._write(ctx, "store_back_orders", f"customer:{store.customer.code},role:planning",
                    store.customer.language, {"ref": store.ref, "name": store.name or store.ref, "back_orders": owed})

    @hookimpl
    async def hub_sla_breached(self, timer: TimerSnapshot, ctx: HookContext) -> None:
        await self._write(ctx, "sla_breached", f"role:{timer.escalate_to}", "en", timer.model_dump(mode="json"))

    @hookimpl
    async def hub_case_opened(self, case: CaseSnapshot, ctx: HookContext) -> None:
        await self._write(ctx, "case_opened", "role:courier_desk", "en",
                    {**case.model_dump(mode="json"), "facts": ", ".join(case.facts_to_collect)})

    @hookimpl
    async def hub_report_ready(self, report: Report, ctx: HookContext) -> None:
        # 000: weekly to planning's statistician, monthly on to the heads of sales and marketing
        to = ",".join(name if "@" in name else f"role:{name}" for name in report.recipients)
        await self._write(ctx, "report_ready", to, "en", {
            "kind": report.kind, "ref": report.ref, "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(), "orders": report.orders_received.count,
            "late": len(report.late_confirmations), "back_orders": len(report.open_back_orders),
            "claims_opened": report.claims.opened, "claims_closed": report.claims.closed,
            "breaches": sum(report.breaches_by_rule.values()), "delivered": report.orders_finished.delivered,
            "closed": report.orders_finished.closed, "stores": len(report.new_stores)})


def _items(lines: tuple) -> str:
    return ", ".join(f"{line.code} × {line.qty}" for line in lines) or "-"


def _values(notice: Notice, *names: str, **renamed: str) -> dict[str, str]:
    """The notice's formatted values (dates in the sandbox's zone, "-" for nothing), for a message's fields."""
    return {**{name: notice.variables[name] for name in names},
            **{field: notice.variables[name] for field, name in renamed.items()}}


def _write_atomically(path: Path, content: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
