"""The idempotent document flows: look the hub's reference up, save or push, submit, audit."""
from __future__ import annotations

from datetime import date
from typing import Any

import aiohttp
from structlog.typing import FilteringBoundLogger

from hub import ClaimSnapshot, OrderSnapshot, PermanentError
from plugins.erp.kingdee import mapping, units
from plugins.erp.kingdee.client import KingdeeClient
from plugins.erp.kingdee.settings import KingdeeSettings

FIELDS = ["FID", "FBillNo", "FDocumentStatus"]


class KingdeeDocuments:
    """Each flow can be replayed from any point: what exists is found and carried forward."""

    def __init__(self, client: KingdeeClient, settings: KingdeeSettings) -> None:
        self._client = client
        self._settings = settings

    async def _find(self, http: aiohttp.ClientSession, form_id: str, field: str, value: str,
                    log: FilteringBoundLogger) -> list[Any] | None:
        rows = await self._client.query(http, form_id, FIELDS, mapping.equals_filter(field, value), log)
        if len(rows) > 1:
            log.warning("kingdee.duplicate_documents", form_id=form_id, reference=value, count=len(rows))
        return rows[0] if rows else None

    async def _approve(self, http: aiohttp.ClientSession, form_id: str, bill_no: str, status: str,
                       log: FilteringBoundLogger) -> None:
        """Submit then audit, skipping what a previous attempt already did."""
        if status in units.NEEDS_SUBMIT:
            await self._client.submit(http, form_id, bill_no, log)
            status = units.UNDER_AUDIT
        if status == units.UNDER_AUDIT:
            await self._client.audit(http, form_id, bill_no, log)
            log.info("kingdee.document_audited", form_id=form_id, bill_no=bill_no)
        elif status != units.AUDITED:
            raise PermanentError(f"kingdee: {form_id} {bill_no} is in status {status!r}, cannot audit")

    async def _save_new(self, http: aiohttp.ClientSession, form_id: str, model: dict[str, Any],
                        log: FilteringBoundLogger) -> tuple[str, str]:
        _, bill_no = await self._client.save(http, form_id, mapping.save_data(model), log)
        log.info("kingdee.document_saved", form_id=form_id, bill_no=bill_no)
        return bill_no, "A"

    async def _submit(self, http: aiohttp.ClientSession, form_id: str, bill_no: str, status: str,
                      log: FilteringBoundLogger) -> None:
        """Submit for finance's audit unless it is under audit or audited already; a bill finance
        returned (D, or A again) is submitted anew: the order desk posted the order again."""
        if status in units.NEEDS_SUBMIT:
            await self._client.submit(http, form_id, bill_no, log)
            log.info("kingdee.document_submitted", form_id=form_id, bill_no=bill_no, status=status)
        elif status not in (units.UNDER_AUDIT, units.AUDITED):
            raise PermanentError(f"kingdee: {form_id} {bill_no} is in status {status!r}, cannot submit")

    async def post_order(self, http: aiohttp.ClientSession, order: OrderSnapshot,
                         log: FilteringBoundLogger) -> str:
        """The sales order of ``order``, submitted for finance's audit (``finance_audit``) or audited
        by the adapter; returns its bill number."""
        found = await self._find(http, units.SALE_ORDER, self._settings.reference_field, order.ref, log)
        if found:
            bill_no, status = str(found[1]), str(found[2])
        else:
            model = mapping.sale_order_model(order, self._settings)
            bill_no, status = await self._save_new(http, units.SALE_ORDER, model, log)
        if self._settings.finance_audit:
            await self._submit(http, units.SALE_ORDER, bill_no, status, log)
        else:
            await self._approve(http, units.SALE_ORDER, bill_no, status, log)
        return bill_no

    async def finance_check(self, http: aiohttp.ClientSession, order: OrderSnapshot,
                            log: FilteringBoundLogger) -> tuple[str, dict[str, Any]] | None:
        """Finance's decision on the order's sales order, read off its FDocumentStatus (None: pending)."""
        note_field = self._settings.finance_note_field
        fields = [*FIELDS, note_field] if note_field else FIELDS
        rows = await self._client.query(http, units.SALE_ORDER, fields,
                                        mapping.equals_filter(self._settings.reference_field, order.ref), log)
        if not rows:
            log.info("kingdee.finance_checked", decision="pending", status=None)
            return None  # the posting has not saved it yet: it is retried before this check
        row = rows[0]
        bill_no, status = str(row[1]), str(row[2])
        decision = mapping.finance_decision(bill_no, status, row[3] if note_field else None,
                                            submitted=order.erp_ref is not None)
        log.info("kingdee.finance_checked", bill_no=bill_no, status=status,
                 decision=decision[0] if decision else "pending")
        return decision

    async def record_claim(self, http: aiohttp.ClientSession, claim: ClaimSnapshot, on: date,
                           log: FilteringBoundLogger) -> str:
        """The audited credit document of ``claim``; returns its bill number."""
        form_id = self._settings.receivable_form_id
        found = await self._find(http, form_id, self._settings.reference_field, claim.ref, log)
        if found:
            bill_no, status = str(found[1]), str(found[2])
        else:
            model = mapping.credit_model(claim, self._settings, on)
            bill_no, status = await self._save_new(http, form_id, model, log)
        await self._approve(http, form_id, bill_no, status, log)
        return bill_no

    async def ship_order(self, http: aiohttp.ClientSession, order: OrderSnapshot, idempotency_key: str,
                         log: FilteringBoundLogger) -> str:
        """The audited outbound document pushed from the sales order, tagged with this delivery."""
        tag_field = self._settings.outbound_reference_field
        tag = mapping.outbound_reference(order.ref, idempotency_key)
        found = await self._find(http, units.OUTBOUND, tag_field, tag, log)
        if found:
            bill_no, status = str(found[1]), str(found[2])
        else:
            bill_no, status = await self._push_and_tag(http, order, tag_field, tag, log)
        await self._approve(http, units.OUTBOUND, bill_no, status, log)
        return bill_no

    async def _push_and_tag(self, http: aiohttp.ClientSession, order: OrderSnapshot, tag_field: str,
                            tag: str, log: FilteringBoundLogger) -> tuple[str, str]:
        so_no = order.erp_ref or await self._sale_order_no(http, order, log)
        # A push whose tagging was cut off by a crash left an untagged draft: adopt it.
        untagged = await self._client.query(
            http, units.OUTBOUND, FIELDS,
            f"{mapping.equals_filter('FSoorDerno', so_no)} AND {mapping.equals_filter(tag_field, '')}", log)
        open_rows = [r for r in untagged if str(r[2]) in units.NEEDS_SUBMIT]
        if open_rows:
            fid, bill_no = int(open_rows[0][0]), str(open_rows[0][1])
            log.info("kingdee.outbound_adopted", bill_no=bill_no, sale_order=so_no)
        else:
            fid, bill_no = await self._client.push(http, units.SALE_ORDER, so_no, units.OUTBOUND, log)
            log.info("kingdee.outbound_pushed", bill_no=bill_no, sale_order=so_no)
        update = mapping.save_data({"FID": fid, tag_field: tag}, [tag_field])
        await self._client.save(http, units.OUTBOUND, update, log)
        return bill_no, "A"

    async def _sale_order_no(self, http: aiohttp.ClientSession, order: OrderSnapshot,
                             log: FilteringBoundLogger) -> str:
        found = await self._find(http, units.SALE_ORDER, self._settings.reference_field, order.ref, log)
        if not found:
            raise PermanentError(f"kingdee: no sales order for {order.ref}; was the order posted to K3?")
        return str(found[1])
