"""Finding Tryton records by the hub's natural keys (codes and references), creating customers."""
from __future__ import annotations

from typing import Any

from hub import CustomerSnapshot, OrderSnapshot, PermanentError, PluginConfigurationError
from plugins.erp.tryton.client import TrytonClient
from plugins.erp.tryton.settings import TrytonSettings

SALE_FIELDS = ["number", "reference", "state", "party", "shipments", "invoices", "lines", "company"]
FINANCE_FIELDS = ["number", "state", "shipments", "comment"]


async def warehouse(client: TrytonClient, settings: TrytonSettings) -> int:
    domain: list = [["type", "=", "warehouse"]]
    if settings.warehouse:
        domain.append(["code", "=", settings.warehouse])
    found = await client.search("stock.location", domain, limit=1, order=[["id", "ASC"]])
    if not found:
        raise PluginConfigurationError(f"Tryton has no warehouse {settings.warehouse or ''}".rstrip())
    return found[0]


async def payment_term(client: TrytonClient, settings: TrytonSettings) -> int | None:
    if not settings.payment_term:
        return None
    found = await client.search("account.invoice.payment_term", [["name", "=", settings.payment_term]],
                                limit=1)
    if not found:
        raise PluginConfigurationError(f"Tryton has no payment term {settings.payment_term!r}")
    return found[0]


async def currency(client: TrytonClient, code: str) -> int:
    found = await client.search("currency.currency", [["code", "=", code]], limit=1)
    if not found:
        raise PermanentError(f"Tryton has no currency {code}")
    return found[0]


async def products(client: TrytonClient, codes: set[str], context: dict | None = None) -> dict[str, dict]:
    """Products by code (unique among active products) with their sale unit; list_price_used is
    the variant's own price or else its template's."""
    rows = await client.search_read(
        "product.product", [["code", "in", sorted(codes)]],
        ["code", "sale_uom", "default_uom", "list_price_used", "quantity", "forecast_quantity"],
        context=context)
    found = {row["code"]: {**row, "unit": row["sale_uom"] or row["default_uom"]} for row in rows}
    if missing := codes - set(found):
        raise PermanentError(f"Tryton does not know the product code(s) {', '.join(sorted(missing))}")
    return found


async def party(client: TrytonClient, customer: CustomerSnapshot) -> tuple[int, int]:
    """The customer's party (party.code is unique) and an address, created when missing."""
    found = await client.search("party.party", [["code", "=", customer.code]], limit=1)
    if not found:
        try:
            found = await client.create("party.party", [{
                "code": customer.code, "name": customer.name, "addresses": [["create", [{}]]]}])
        except PermanentError:
            # Another delivery created it meanwhile: the unique code makes the search win.
            found = await client.search("party.party", [["code", "=", customer.code]], limit=1)
            if not found:
                raise
    party_id = found[0]
    record, = await client.read("party.party", [party_id], ["addresses"])
    if record["addresses"]:
        return party_id, record["addresses"][0]
    address, = await client.create("party.address", [{"party": party_id}])
    return party_id, address


async def sales_by_reference(client: TrytonClient, reference: str,
                             party_id: int | None = None) -> list[dict[str, Any]]:
    """Sales carrying the hub's order ref, oldest first (the reference is NOT unique in Tryton)."""
    domain: list = [["reference", "=", reference], ["origin", "=", None]]  # return sales have an origin
    if party_id is not None:
        domain.append(["party", "=", party_id])
    return await client.search_read("sale.sale", domain, SALE_FIELDS, order=[["id", "ASC"]])


async def order_sale(client: TrytonClient, order: OrderSnapshot) -> dict[str, Any] | None:
    """The sale the hub posted for ``order`` (the oldest with its reference and customer), read only:
    no party is created here."""
    sales = await client.search_read(
        "sale.sale", [["reference", "=", order.ref], ["origin", "=", None],
                      ["party.code", "=", order.customer.code]],
        FINANCE_FIELDS, limit=1, order=[["id", "ASC"]])
    return sales[0] if sales else None


async def posted_sale(client: TrytonClient, order_ref: str) -> dict[str, Any]:
    sales = [s for s in await sales_by_reference(client, order_ref) if s["state"] != "cancelled"]
    if not sales:
        raise PermanentError(f"order {order_ref} was never posted to Tryton (no sale with that reference)")
    return sales[0]


async def complaint_type(client: TrytonClient, origin_model: str) -> int:
    found = await client.search("sale.complaint.type", [["origin.name", "=", origin_model]], limit=1)
    if not found:
        raise PluginConfigurationError(
            f"Tryton has no complaint type with origin {origin_model}; create one (Sales > Configuration)")
    return found[0]
