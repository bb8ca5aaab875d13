"""The idempotent Odoo flows: search by the hub's reference first, create, then confirm or post."""
from __future__ import annotations

from datetime import date
from typing import Any

import aiohttp
from structlog.typing import FilteringBoundLogger

from hub import ClaimSnapshot, OrderSnapshot, PermanentError
from plugins.erp.odoo import mapping
from plugins.erp.odoo.client import OdooClient
from plugins.erp.odoo.settings import OdooSettings

DONE = frozenset({"done", "cancel"})


class OdooDocuments:
    """Each flow can be replayed from any point: what exists is found and carried forward."""

    def __init__(self, client: OdooClient, settings: OdooSettings) -> None:
        self._client = client
        self._settings = settings

    async def _search_read(self, http: aiohttp.ClientSession, model: str, domain: list[Any],
                           fields: list[str], log: FilteringBoundLogger, limit: int = 2) -> list[dict[str, Any]]:
        return await self._client.call(http, model, "search_read", log=log, domain=domain, fields=fields,
                                       order="id asc", limit=limit)

    async def _one(self, http: aiohttp.ClientSession, model: str, domain: list[Any], fields: list[str],
                   log: FilteringBoundLogger) -> dict[str, Any] | None:
        found = await self._search_read(http, model, domain, fields, log)
        if len(found) > 1:
            log.warning("odoo.duplicate_records", model=model, count=len(found))
        return found[0] if found else None

    async def _partner_id(self, http: aiohttp.ClientSession, code: str, log: FilteringBoundLogger) -> int:
        partner = await self._one(http, "res.partner", mapping.partner_domain(code), ["id"], log)
        if partner is None:
            raise PermanentError(f"odoo: no contact with reference {code}")
        return int(partner["id"])

    async def _product_ids(self, http: aiohttp.ClientSession, codes: list[str],
                           log: FilteringBoundLogger) -> dict[str, int]:
        rows = await self._search_read(http, "product.product", [["default_code", "in", codes]],
                                       ["id", "default_code"], log, limit=len(codes) * 2)
        return {row["default_code"]: int(row["id"]) for row in rows}

    async def _create(self, http: aiohttp.ClientSession, model: str, vals: dict[str, Any],
                      log: FilteringBoundLogger) -> dict[str, Any]:
        [new_id] = await self._client.call(http, model, "create", log=log, vals_list=[vals])
        [record] = await self._client.call(http, model, "read", log=log, ids=[new_id], fields=["name", "state"])
        log.info("odoo.record_created", model=model, name=record["name"])
        return record

    async def post_order(self, http: aiohttp.ClientSession, order: OrderSnapshot,
                         log: FilteringBoundLogger) -> str:
        """The sale.order of ``order``: a quotation for finance to confirm (``finance_audit``), or
        confirmed by the adapter; returns its name (e.g. S00042)."""
        so = await self._one(http, "sale.order", mapping.order_domain(order.ref), ["name", "state"], log)
        if so is None:
            partner_id = await self._partner_id(http, order.customer.code, log)
            products = await self._product_ids(http, sorted({line.product_code for line in order.lines}), log)
            so = await self._create(http, "sale.order", mapping.sale_order_vals(order, partner_id, products), log)
        if so["state"] == "cancel" and self._settings.finance_audit:
            # Finance cancelled an earlier posting, and the order desk has posted the order again:
            # the same quotation goes back to finance.
            await self._client.call(http, "sale.order", "action_draft", log=log, ids=[so["id"]])
            log.info("odoo.quotation_reset_to_draft", name=so["name"])
        elif so["state"] == "cancel":
            raise PermanentError(f"odoo: sale order {so['name']} for {order.ref} is cancelled")
        elif so["state"] in mapping.PENDING and not self._settings.finance_audit:
            await self._client.call(http, "sale.order", "action_confirm", log=log, ids=[so["id"]])
            log.info("odoo.order_confirmed", name=so["name"])
        return str(so["name"])

    async def finance_check(self, http: aiohttp.ClientSession, order: OrderSnapshot,
                            log: FilteringBoundLogger) -> tuple[str, dict[str, Any]] | None:
        """Finance's decision on the order's quotation, read off its state in Odoo (None: pending)."""
        reason_field = self._settings.finance_reason_field
        fields = ["name", "state", "picking_ids", *([reason_field] if reason_field else [])]
        so = await self._one(http, "sale.order", mapping.order_domain(order.ref), fields, log)
        if so is None:
            log.info("odoo.finance_checked", decision="pending", state=None)
            return None  # the posting has not created it yet: it is retried before this check
        deliveries = []
        if so["state"] in mapping.APPROVED and so["picking_ids"]:
            domain = [["id", "in", so["picking_ids"]], ["picking_type_code", "=", "outgoing"],
                      ["state", "!=", "cancel"]]
            deliveries = [p["name"] for p in await self._search_read(http, "stock.picking", domain, ["name"],
                                                                      log, limit=50)]
        decision = mapping.finance_decision(so, deliveries, so.get(reason_field) if reason_field else None)
        log.info("odoo.finance_checked", name=so["name"], state=so["state"],
                 decision=decision[0] if decision else "pending")
        return decision

    async def ship_order(self, http: aiohttp.ClientSession, order: OrderSnapshot,
                         log: FilteringBoundLogger) -> list[str]:
        """Validate the open outgoing pickings of the order's sale.order; returns their names."""
        so = await self._one(http, "sale.order", mapping.order_domain(order.ref), ["name", "picking_ids"], log)
        if so is None:
            raise PermanentError(f"odoo: no sale order for {order.ref}; was the order posted to Odoo?")
        domain = [["id", "in", so["picking_ids"]], ["picking_type_code", "=", "outgoing"],
                  ["state", "not in", sorted(DONE)]]
        pickings = await self._search_read(http, "stock.picking", domain, ["name", "state"], log, limit=50)
        for picking in pickings:
            await self._validate_picking(http, picking, log)
        return [p["name"] for p in pickings]

    async def _validate_picking(self, http: aiohttp.ClientSession, picking: dict[str, Any],
                                log: FilteringBoundLogger) -> None:
        if picking["state"] != "assigned":
            await self._client.call(http, "stock.picking", "action_assign", log=log, ids=[picking["id"]])
        result = await self._client.call(http, "stock.picking", "button_validate", log=log, ids=[picking["id"]])
        if result is not True:
            # A wizard (backorder, missing quantities) wants a person to decide.
            raise PermanentError(f"odoo: picking {picking['name']} needs a decision in Odoo to validate")
        log.info("odoo.picking_validated", name=picking["name"])

    async def record_claim(self, http: aiohttp.ClientSession, claim: ClaimSnapshot, on: date,
                           log: FilteringBoundLogger) -> str:
        """The posted credit note (out_refund) of ``claim``; returns its name."""
        move = await self._one(http, "account.move", mapping.credit_note_domain(claim.ref), ["name", "state"], log)
        if move is None:
            partner_id = await self._partner_id(http, claim.customer.code, log)
            product_id = await self._claim_product(http, log)
            move = await self._create(http, "account.move",
                                      mapping.credit_note_vals(claim, partner_id, product_id, on), log)
        if move["state"] == "cancel":
            raise PermanentError(f"odoo: credit note {move['name']} for {claim.ref} is cancelled")
        if move["state"] == "draft":
            await self._client.call(http, "account.move", "action_post", log=log, ids=[move["id"]])
            [move] = await self._client.call(http, "account.move", "read", log=log, ids=[move["id"]],
                                             fields=["name", "state"])
            log.info("odoo.credit_note_posted", name=move["name"])
        return str(move["name"])

    async def _claim_product(self, http: aiohttp.ClientSession, log: FilteringBoundLogger) -> int | None:
        code = self._settings.claim_product_code
        if code is None:
            return None
        ids = await self._product_ids(http, [code], log)
        if code not in ids:
            raise PermanentError(f"odoo: no product with internal reference {code} (claim_product_code)")
        return ids[code]
