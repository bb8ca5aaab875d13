"""Moving the Tryton outbound shipment of an order along, and posting its invoice."""
from __future__ import annotations

from typing import Any

from hub import HookContext, PermanentError, TransientError
from plugins.erp.tryton import lookups, mapping
from plugins.erp.tryton.client import TrytonClient
from plugins.erp.tryton.settings import TrytonSettings

SHIPMENT_FIELDS = ["number", "state", "warehouse_storage", "warehouse_output"]


async def advance(client: TrytonClient, settings: TrytonSettings, order_ref: str, target: str,
                  ctx: HookContext) -> list[dict[str, Any]]:
    """Every outbound shipment of the order's sale brought to ``target`` (shipped or done)."""
    sale = await lookups.posted_sale(client, order_ref)
    shipments = []
    for shipment_id in sale["shipments"]:
        shipments.append(await _advance_one(client, settings, shipment_id, target))
    ctx.log.info("erp.tryton.shipments_advanced", order=order_ref, target=target,
                 shipments=[s["number"] for s in shipments])
    if settings.post_invoices and target in ("shipped", "done"):
        await post_invoices(client, sale["id"])
    return shipments


async def _advance_one(client: TrytonClient, settings: TrytonSettings, shipment_id: int,
                       target: str) -> dict[str, Any]:
    for _ in range(len(mapping.SHIPMENT_RANK) + 1):
        shipment, = await client.read("stock.shipment.out", [shipment_id], SHIPMENT_FIELDS)
        two_step = shipment["warehouse_storage"] != shipment["warehouse_output"]
        try:
            button = mapping.next_shipment_button(shipment["state"], target, two_step)
        except ValueError:
            raise PermanentError(f"shipment {shipment['number']} was cancelled in Tryton") from None
        if button is None:
            return shipment
        if button == "assign_try":
            await _assign(client, settings, shipment)
        else:
            await client.press("stock.shipment.out", shipment_id, button, shipment["state"])
    raise TransientError(f"shipment {shipment['number']} did not reach {target!r}")


async def _assign(client: TrytonClient, settings: TrytonSettings, shipment: dict[str, Any]) -> None:
    # assign_try answers nothing in 8.2: the state read back says whether stock was reserved.
    await client.button("stock.shipment.out", "assign_try", [shipment["id"]])
    after, = await client.read("stock.shipment.out", [shipment["id"]], ["state"])
    if after["state"] != "waiting":
        return
    if not settings.force_assign:
        # Stock may be booked in later (a late receipt, a count correction): retry.
        raise TransientError(f"not enough stock in Tryton to reserve shipment {shipment['number']}")
    await client.button("stock.shipment.out", "assign_force", [shipment["id"]])


async def post_invoices(client: TrytonClient, sale_id: int) -> list[dict[str, Any]]:
    """The sale's customer invoices, draft ones validated and posted first."""
    sale, = await client.read("sale.sale", [sale_id], ["invoices"])
    invoices = await client.read("account.invoice", sale["invoices"], ["number", "state", "type", "lines"])
    drafts = [i["id"] for i in invoices if i["state"] in ("draft", "validated") and i["type"] == "out"]
    if drafts:
        await client.button("account.invoice", "post", drafts)
        invoices = await client.read("account.invoice", sale["invoices"], ["number", "state", "type", "lines"])
    return invoices
