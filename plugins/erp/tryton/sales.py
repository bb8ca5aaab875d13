"""Order review (stock, list price, incoming ETA) and posting an order as a Tryton sale."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hub import HookContext, OrderSnapshot, PermanentError, TransientError
from plugins.erp.tryton import lookups, mapping
from plugins.erp.tryton.client import TrytonClient
from plugins.erp.tryton.settings import TrytonSettings


async def review(client: TrytonClient, settings: TrytonSettings, order: OrderSnapshot,
                 today: dt.date) -> list[dict[str, Any]]:
    """Per line: what the warehouse can give now, when incoming stock covers the rest, list price."""
    warehouse = await lookups.warehouse(client, settings)
    stock_context = {"locations": [warehouse], "stock_date_end": today}
    products = await lookups.products(client, {line.product_code for line in order.lines}, stock_context)
    lines = []
    for line in order.lines:
        product = products[line.product_code]
        # quantity is on hand; forecast_quantity also counts moves planned up to today
        # (other customers' confirmed sales), so the smaller one is what this order can have.
        available = Decimal(str(min(product["quantity"], product["forecast_quantity"])))
        incoming = await _incoming(client, product["id"], warehouse) if available < line.qty else []
        lines.append(mapping.review_line(line, available, product["list_price_used"] or Decimal(0),
                                         incoming, today))
    return lines


async def _incoming(client: TrytonClient, product: int, warehouse: int) -> list[tuple[dt.date, Decimal]]:
    """Planned (not yet done) moves into the warehouse from outside it: purchases, production."""
    moves = await client.search_read("stock.move", [
        ["product", "=", product], ["state", "in", ["draft", "assigned"]], ["planned_date", "!=", None],
        ["to_location", "child_of", [warehouse], "parent"],
        ["from_location", "not child_of", [warehouse], "parent"]],
        ["planned_date", "quantity"], order=[["planned_date", "ASC"]])
    return [(m["planned_date"], Decimal(str(m["quantity"]))) for m in moves]


async def post(client: TrytonClient, settings: TrytonSettings, order: OrderSnapshot,
               ctx: HookContext) -> tuple[str, str | None]:
    """Exactly one sale for the order; returns its number and its outbound shipment(s).

    With ``finance_audit`` the sale goes to quotation only, for finance to confirm in Tryton (no
    shipment exists yet); without, it is confirmed and processed at once.
    """
    party, address = await lookups.party(client, order.customer)
    existing = await lookups.sales_by_reference(client, order.ref, party)
    if existing:
        sale_id = existing[0]["id"]
    else:
        sale_id = await _create(client, settings, order, party, address)
        sale_id = await _keep_oldest(client, order.ref, party, sale_id, ctx)
    sale = await (submit_sale(client, sale_id) if settings.finance_audit else drive_sale(client, sale_id))
    outbound = await client.read("stock.shipment.out", sale["shipments"], ["number"])
    ctx.log.info("erp.tryton.sale_posted", order=order.ref, sale=sale["number"], state=sale["state"],
                 created=not existing)
    return sale["number"], mapping.outbound_ref([s["number"] for s in outbound])


async def submit_sale(client: TrytonClient, sale_id: int) -> dict[str, Any]:
    """The sale as a quotation awaiting finance: a draft is quoted; a cancelled one (finance refused
    an earlier posting of this order, which the order desk has now posted again) is reset to draft
    and quoted. A sale finance already confirmed is left as it is."""
    for _ in range(3):
        sale, = await client.read("sale.sale", [sale_id], lookups.SALE_FIELDS)
        if sale["state"] == "cancelled":
            await client.press("sale.sale", sale_id, "draft", "cancelled")
        elif sale["state"] == "draft":
            await client.press("sale.sale", sale_id, "quote", "draft")
        else:
            return sale
    raise TransientError(f"sale {sale['number'] or sale_id} stayed {sale['state']!r} after quote")


async def finance_check(client: TrytonClient, order: OrderSnapshot,
                        ctx: HookContext) -> tuple[str, dict[str, Any]] | None:
    """Finance's decision on the order's sale, read off its state in Tryton (None: still pending).

    A sale finance confirmed but Tryton did not process yet (a worker queue, perhaps with a
    sale_process_after grace period, or a queued process that failed, which Tryton only logs) is
    processed here, so its outbound shipment exists when the hub releases the order.
    """
    sale = await lookups.order_sale(client, order)
    if sale is not None and sale["state"] == "confirmed":
        await client.press("sale.sale", sale["id"], "process", "confirmed")
        sale, = await client.read("sale.sale", [sale["id"]], lookups.FINANCE_FIELDS)
        if sale["state"] == "confirmed":
            raise TransientError(f"sale {sale['number']} stayed 'confirmed' after process")
    outbound = await client.read("stock.shipment.out", sale["shipments"], ["number"]) if sale else []
    decision = mapping.finance_decision(sale, [s["number"] for s in outbound])
    ctx.log.info("erp.tryton.finance_checked", order=order.ref, sale=sale and sale["number"],
                 state=sale and sale["state"], decision=decision[0] if decision else "pending")
    return decision


async def _create(client: TrytonClient, settings: TrytonSettings, order: OrderSnapshot,
                  party: int, address: int) -> int:
    products = await lookups.products(client, {line.product_code for line in order.lines})
    values = mapping.sale_values(
        order, party=party, address=address, products=products,
        warehouse=await lookups.warehouse(client, settings),
        payment_term=await lookups.payment_term(client, settings),
        currency=await lookups.currency(client, order.currency))
    sale_id, = await client.create("sale.sale", [values])
    return sale_id


async def _keep_oldest(client: TrytonClient, reference: str, party: int, mine: int,
                       ctx: HookContext) -> int:
    """Another process may have created the same sale meanwhile: everyone keeps the oldest."""
    ids = [s["id"] for s in await lookups.sales_by_reference(client, reference, party)]
    if ids and ids[0] != mine:
        ctx.log.warning("erp.tryton.duplicate_sale_removed", order=reference, kept=ids[0], removed=mine)
        await client.delete("sale.sale", [mine])  # still a draft: Tryton allows deleting it
        return ids[0]
    return mine


async def drive_sale(client: TrytonClient, sale_id: int) -> dict[str, Any]:
    """quote → confirm → process, from whatever state the sale is in; reads the state back."""
    for _ in range(len(mapping.SALE_NEXT) + 1):
        sale, = await client.read("sale.sale", [sale_id], lookups.SALE_FIELDS)
        if sale["state"] in mapping.SALE_SETTLED:
            return sale
        if sale["state"] == "cancelled":
            raise PermanentError(f"sale {sale['number'] or sale_id} was cancelled in Tryton")
        await client.press("sale.sale", sale_id, mapping.SALE_NEXT[sale["state"]], sale["state"])
    # confirm can "succeed" while its queued process failed; our explicit process raised nothing
    # either, yet the sale did not move: let the outbox retry later.
    raise TransientError(f"sale {sale['number'] or sale_id} stayed {sale['state']!r} after process")
