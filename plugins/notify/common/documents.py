"""Documents attached to customer letters: the delivery note (送货单) and the claim form (申请赔偿表)."""
from __future__ import annotations

import html
from dataclasses import dataclass

from hub import ClaimSnapshot, OrderSnapshot

from .notice import Notice
from .templates import TemplateStore

DOCUMENTS = ("delivery_note", "claim_form")


@dataclass(frozen=True)
class Document:
    filename: str
    content: str
    mime_type: str = "text/html"


def render_document(store: TemplateStore, document: str, notice: Notice, language: str) -> Document:
    """``document`` for the notice's entity, in ``language``, as a self-contained HTML file."""
    variables = dict(notice.variables)
    if isinstance(notice.subject, OrderSnapshot):
        variables["lines_html"] = _order_lines(notice.subject)
    if isinstance(notice.subject, ClaimSnapshot):
        variables.setdefault("documents_due_at", "-")
    content = store.render_document(document, language, variables)
    return Document(f"{document.replace('_', '-')}-{notice.ref}.html", content)


def _order_lines(order: OrderSnapshot) -> str:
    rows = []
    for line in order.lines:
        qty = line.shipped_qty or line.qty
        cells = (line.line_no, line.product_code, line.spec, qty, line.back_order_qty or "")
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return "\n".join(rows)
