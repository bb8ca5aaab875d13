"""ERP sandbox: answers reviews from the config's stock table and books postings to a local file."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hub import ClaimSnapshot, HookContext, OrderSnapshot, ReturnSnapshot, hookimpl

from .ledger import Ledger
from .settings import ErpSandboxSettings


class ErpSandbox:
    """An ERP with no server: stock, incoming goods and prices come from hub.toml."""

    def __init__(self, settings: ErpSandboxSettings) -> None:
        self.settings = settings

    def ledger(self, ctx: HookContext) -> Ledger:
        return Ledger(self.settings.postings_file or Path(ctx.data_dir or "data") / "erp-sandbox.jsonl")

    @hookimpl
    async def hub_order_received(self, order: OrderSnapshot, ctx: HookContext) -> None:
        if not self.settings.auto_review or order.missing_fields:
            return  # an incomplete order is clarified first; it comes back here when it is
        if order.kind == "special":
            return  # the departments review a special order (特殊产品合同评审表): a person sends that review
        lines = []
        for line in order.lines:
            on_hand = self.settings.stock.get(line.product_code, Decimal(0))
            incoming = self.settings.incoming.get(line.product_code)
            # on_hand lets the hub allocate scarce stock across open orders (grade, then order time)
            lines.append({"line_no": line.line_no, "on_hand": str(on_hand), "available_qty": str(min(on_hand, line.qty)),
                          # when more comes: the hub needs it for any line its allocation leaves short
                          "back_order_eta": incoming.eta.isoformat() if incoming else None,
                          "list_price": str(self.settings.prices[line.product_code])
                          if line.product_code in self.settings.prices else None})
        ctx.emit("order", order.ref, "reviewed", lines=lines)

    @hookimpl
    async def hub_order_posted(self, order: OrderSnapshot, ctx: HookContext) -> None:
        posting = self.ledger(ctx).post(ctx.idempotency_key, "sale", order.ref, total=str(order.total),
                                        customer=order.customer.code)
        if not self.settings.finance_audit:  # finance decides, through the API (finance_approved/rejected)
            ctx.emit("order", order.ref, "erp_recorded", erp_ref=posting["number"])
            return
        # The sandbox plays finance too: the audit is instant and the outbound note released at once.
        ctx.emit("order", order.ref, "finance_approved", erp_ref=posting["number"],
                 outbound_ref=f"OUT-{posting['number']}")

    @hookimpl
    async def hub_claim_settlement_proposed(self, claim: ClaimSnapshot, ctx: HookContext) -> None:
        # 004: 财会部评估客户欠款情况: finance needs the customer's open balance before the claim is paid
        owed = self.settings.open_balances.get(claim.customer.code, Decimal(0))
        ctx.emit("claim", claim.ref, "debt_checked", open_balance=str(owed), currency=claim.currency,
                 source="sandbox")

    @hookimpl
    async def hub_claim_approved(self, claim: ClaimSnapshot, ctx: HookContext) -> None:
        amount = -(claim.amount_approved or Decimal(0))
        posting = self.ledger(ctx).post(ctx.idempotency_key, "credit_note", claim.ref, amount=str(amount),
                                        order=claim.order_ref)
        ctx.emit("claim", claim.ref, "erp_recorded", erp_ref=posting["number"])

    @hookimpl
    async def hub_return_awaiting_refund(self, return_request: ReturnSnapshot, ctx: HookContext) -> None:
        posting = self.ledger(ctx).post(ctx.idempotency_key, "return", return_request.ref,
                                        amount=str(-return_request.amount), order=return_request.order_ref)
        ctx.emit("return", return_request.ref, "erp_recorded", erp_ref=posting["number"])
