"""Claims and returns as Tryton sale complaints: a credit note, or a return sale."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from hub import ClaimSnapshot, HookContext, PermanentError, ReturnSnapshot, TransientError
from plugins.erp.tryton import lookups, mapping
from plugins.erp.tryton.client import TrytonClient
from plugins.erp.tryton.errors import TrytonWarning
from plugins.erp.tryton.sales import drive_sale
from plugins.erp.tryton.settings import TrytonSettings
from plugins.erp.tryton.shipments import post_invoices


async def credit(client: TrytonClient, settings: TrytonSettings, reference: str, order_ref: str,
                 amount: Decimal | None, ctx: HookContext) -> str:
    """A complaint on the order's invoice whose action credits exactly ``amount``."""
    if amount is None or amount <= 0:
        raise PermanentError(f"{reference}: nothing to credit (approved amount {amount})")
    complaint = await _find(client, reference)
    if complaint is None:
        sale = await lookups.posted_sale(client, order_ref)
        invoice = await _posted_invoice(client, settings, sale)
        invoice_line = await _first_line(client, "account.invoice.line", invoice["lines"])
        complaint = await _create(client, reference, await lookups.complaint_type(client, "account.invoice"),
                                  sale["party"], mapping.record_ref("account.invoice", invoice["id"]),
                                  mapping.credit_action(invoice_line, amount))
    result = await _settle(client, complaint, ctx)
    note, = await client.read("account.invoice", [_id(result)], ["number", "total_amount"])
    ctx.log.info("erp.tryton.credit_note_recorded", ref=reference, credit_note=note["number"] or result,
                 total=str(note["total_amount"]))
    return note["number"] or result


async def claim(client: TrytonClient, settings: TrytonSettings, claim: ClaimSnapshot,
                ctx: HookContext) -> str:
    return await credit(client, settings, claim.ref, claim.order_ref, claim.amount_approved, ctx)


async def return_sale(client: TrytonClient, settings: TrytonSettings, request: ReturnSnapshot,
                      ctx: HookContext) -> str:
    """Goods came back: a return sale (negative quantities), confirmed so Tryton books the
    return shipment and the credit; money-only refunds become a credit note instead."""
    if request.type == "refund":
        return await credit(client, settings, request.ref, request.order_ref, request.amount, ctx)
    complaint = await _find(client, request.ref)
    if complaint is None:
        sale = await lookups.posted_sale(client, request.order_ref)
        line = await _sale_line(client, sale, request.line_no)
        complaint = await _create(client, request.ref, await lookups.complaint_type(client, "sale.sale"),
                                  sale["party"], mapping.record_ref("sale.sale", sale["id"]),
                                  mapping.return_action(line))
    result = await _settle(client, complaint, ctx)
    returned = await drive_sale(client, _id(result))
    ctx.log.info("erp.tryton.return_sale_recorded", ref=request.ref, sale=returned["number"])
    return returned["number"]


async def _find(client: TrytonClient, reference: str) -> int | None:
    found = await client.search("sale.complaint", [["reference", "=", reference]], limit=1,
                                order=[["id", "ASC"]])
    return found[0] if found else None


async def _create(client: TrytonClient, reference: str, complaint_type: int, customer: int,
                  origin: str, action: dict[str, Any]) -> int:
    complaint, = await client.create("sale.complaint", [{
        "reference": reference, "type": complaint_type, "customer": customer, "origin": origin,
        "description": f"hub {reference}", "actions": [["create", [action]]]}])
    return complaint


async def _settle(client: TrytonClient, complaint: int, ctx: HookContext) -> str:
    """wait → approve → process; returns the action's result ("model,id")."""
    for _ in range(len(mapping.COMPLAINT_NEXT) + 2):
        record, = await client.read("sale.complaint", [complaint], ["state", "actions"])
        if record["state"] == "done":
            action, = await client.read("sale.complaint.action", record["actions"][:1], ["result"])
            if not action["result"]:
                raise PermanentError(f"complaint {complaint} is done in Tryton but produced nothing")
            return action["result"]
        if record["state"] not in mapping.COMPLAINT_NEXT:
            raise PermanentError(f"complaint {complaint} is {record['state']} in Tryton")
        try:
            await client.press("sale.complaint", complaint, mapping.COMPLAINT_NEXT[record["state"]],
                         record["state"])
        except TrytonWarning as warning:
            # "similar complaint exists": the hub's approval already decided, so confirm it.
            ctx.log.info("erp.tryton.warning_acknowledged", complaint=complaint, warning=warning.key)
            await client.acknowledge_warning(warning.key)
    raise TransientError(f"complaint {complaint} did not reach done in Tryton")


async def _posted_invoice(client: TrytonClient, settings: TrytonSettings,
                          sale: dict[str, Any]) -> dict[str, Any]:
    invoices = (await post_invoices(client, sale["id"]) if settings.post_invoices else
                await client.read("account.invoice", sale["invoices"], ["number", "state", "type", "lines"]))
    posted = [i for i in invoices if i["type"] == "out" and i["state"] in ("posted", "paid")]
    if not posted:
        raise TransientError(f"sale {sale['number']} has no posted invoice to credit yet")
    return posted[0]


async def _first_line(client: TrytonClient, model: str, ids: list[int]) -> int:
    lines = await client.read(model, ids, ["type"])
    return next(line["id"] for line in lines if line["type"] == "line")


async def _sale_line(client: TrytonClient, sale: dict[str, Any], line_no: int | None) -> int | None:
    if line_no is None:
        return None
    lines = await client.read("sale.line", sale["lines"], ["sequence", "type"])
    for line in lines:
        if line["type"] == "line" and line["sequence"] == line_no:
            return line["id"]
    raise PermanentError(f"sale {sale['number']} has no line {line_no}")


def _id(reference: str) -> int:
    return int(reference.split(",")[1])
