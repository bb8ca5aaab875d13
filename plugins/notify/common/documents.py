"""Documents attached to letters: the PDFs of the hub's documents (订单确认书, 送货单, 欠货清单, 成品出库表,
装车通知单, 申请赔偿表, 理赔申请报告书), rendered by the hub from the snapshots the hook carried, so the
attachment shows what the letter is about, on the company's letterhead and templates."""
from __future__ import annotations

from dataclasses import dataclass

from hub import DOCUMENT_KINDS, DocumentsUnavailable, HookContext, PluginConfigurationError, TransientError

from .notice import Notice

DOCUMENTS = tuple(DOCUMENT_KINDS)
EVENT_TIMES = {"order_released": "finance_approved_at", "order_shipped": "shipped_at"}


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


def for_audience(document: str, audience: str) -> bool:
    """Whether ``document`` goes with the letters of ``audience`` (customer | internal): the customer signs
    a confirmation or a delivery note; the warehouse ships from the outbound note; the back-order list goes to
    the customer and to planning (000); the claim report shows the customer's debt, never sent to them (004)."""
    return audience in DOCUMENT_KINDS[document].audiences


def applies(document: str, notice: Notice) -> bool:
    """Whether ``document`` has anything to say of the notice's entity (a loading notice is a pickup's;
    a routing that names it for a delivered order attaches nothing rather than an empty form)."""
    return DOCUMENT_KINDS[document].applies_to(notice.subject)


async def render_document(ctx: HookContext, document: str, notice: Notice, language: str) -> Document:
    """``document`` of the notice's entity, in ``language``, as the PDF the hub renders."""
    if ctx.documents is None:
        raise PluginConfigurationError("this delivery has no document renderer (ctx.documents)")
    values = {k: v for k, v in notice.variables.items() if v != "-"}
    # The time of the letter's event, named for what it is on the paper: finance's release of the order
    # (the outbound note's 财务审核), or the shipment leaving (the back-order list).
    if "at" in values and (name := EVENT_TIMES.get(notice.milestone)):
        values[name] = values["at"]
    try:
        content = await ctx.documents.pdf(document, notice.subject, notice.related, language, values)
    except DocumentsUnavailable as exc:  # Pango missing on this machine: ops can install it, the letter waits
        raise TransientError(f"the {document} PDF cannot be rendered here: {exc}") from exc
    return Document(DOCUMENT_KINDS[document].filename(notice.ref), content)
