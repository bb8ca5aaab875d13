"""A periodic report (000) as a notice: its sections as text and HTML tables, in one language (pure).

The letter around them is a template like every other (``internal/report_ready.txt|.html``), so
ops change the wording without code; the tables are built here because their rows are data.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from hub import Report

from .notice import Notice, _text

MILESTONE = "report_ready"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "weekly": "Weekly", "monthly": "Monthly", "none": "none", "count": "Count",
        "orders_received": "Orders received", "total": "Total", "by_grade": "By customer grade",
        "by_channel": "By channel", "grade": "Grade", "channel": "Channel",
        "late": "Late order confirmations", "order": "Order", "customer": "Customer", "due": "Due",
        "breached": "Breached", "back_orders": "Open back orders (now)", "line": "Line", "product": "Product",
        "qty": "Qty", "eta": "ETA", "claims": "Claims", "opened": "Opened in the period",
        "closed": "Closed in the period", "open_by_state": "Open now, by state", "state": "State",
        "breaches": "Time rules breached, by rule", "rule": "Rule", "finished": "Orders delivered and closed",
        "delivered": "Delivered", "closed_orders": "Closed", "stores": "New stores", "store": "Store",
        "created": "Created",
    },
    "zh-CN": {
        "weekly": "周", "monthly": "月", "none": "无", "count": "数量",
        "orders_received": "收到的订单", "total": "合计", "by_grade": "按客户等级", "by_channel": "按渠道",
        "grade": "等级", "channel": "渠道",
        "late": "订单确认书逾期", "order": "订单", "customer": "客户", "due": "应完成时间", "breached": "超时时间",
        "back_orders": "未结欠货（当前）", "line": "行", "product": "产品", "qty": "数量", "eta": "预计到货",
        "claims": "索赔", "opened": "本期新开", "closed": "本期结案", "open_by_state": "当前未结（按状态）",
        "state": "状态", "breaches": "超时（按规则）", "rule": "规则", "finished": "订单送达与关闭",
        "delivered": "已送达", "closed_orders": "已关闭", "stores": "新开店", "store": "店铺", "created": "创建时间",
    },
}


class _Table:
    def __init__(self, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.title, self.header, self.rows = title, list(header), [list(map(str, r)) for r in rows]


def _tables(report: Report, words: dict[str, str], tz: ZoneInfo) -> list[_Table]:
    t = lambda value: _text(value, tz)  # noqa: E731 - dates in the business's zone, "-" for nothing
    w = words
    received = report.orders_received
    return [
        _Table(w["orders_received"], [w["total"], w["count"]], [[w["total"], received.count]]),
        _Table(w["by_grade"], [w["grade"], w["count"]], received.by_grade.items()),
        _Table(w["by_channel"], [w["channel"], w["count"]], received.by_channel.items()),
        _Table(w["finished"], [w["delivered"], w["closed_orders"]],
               [[report.orders_finished.delivered, report.orders_finished.closed]]),
        _Table(w["late"], [w["order"], w["customer"], w["due"], w["breached"]],
               [[c.order_ref, t(c.customer_code), t(c.due_at), t(c.breached_at)] for c in report.late_confirmations]),
        _Table(w["back_orders"], [w["order"], w["line"], w["product"], w["qty"], w["eta"]],
               [[b.order_ref, b.line_no, b.product_code, b.qty, t(b.eta)] for b in report.open_back_orders]),
        _Table(w["claims"], [w["opened"], w["closed"]], [[report.claims.opened, report.claims.closed]]),
        _Table(w["open_by_state"], [w["state"], w["count"]], report.claims.open_by_state.items()),
        _Table(w["breaches"], [w["rule"], w["count"]], report.breaches_by_rule.items()),
        _Table(w["stores"], [w["store"], w["customer"], w["state"], w["created"]],
               [[s.ref, t(s.customer_code), t(s.state), t(s.created_at)] for s in report.new_stores]),
    ]


def _as_text(tables: list[_Table], none: str) -> str:
    blocks = []
    for table in tables:
        lines = [f"{table.title}:"]
        if not table.rows:
            lines.append(f"  {none}")
        for row in table.rows:
            lines.append("  " + "; ".join(f"{h} {v}" for h, v in zip(table.header, row, strict=True)))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _as_html(tables: list[_Table], none: str) -> str:
    cell = 'style="border:1px solid #ccc;padding:2px 8px;text-align:left"'
    out = []
    for table in tables:
        out.append(f"<h3>{html.escape(table.title)}</h3>")
        if not table.rows:
            out.append(f"<p>{html.escape(none)}</p>")
            continue
        head = "".join(f"<th {cell}>{html.escape(h)}</th>" for h in table.header)
        body = "\n".join("<tr>" + "".join(f"<td {cell}>{html.escape(v)}</td>" for v in row) + "</tr>"
                         for row in table.rows)
        out.append(f'<table style="border-collapse:collapse">\n<tr>{head}</tr>\n{body}\n</table>')
    return "\n".join(out)


def report_notice(report: Report, tz: ZoneInfo, language: str) -> Notice:
    """The notice of ``report`` with its tables in ``language`` (English when there are no labels)."""
    words = LABELS.get(language, LABELS["en"])
    tables = _tables(report, words, tz)
    variables = {"kind": report.kind, "kind_label": words[report.kind], "report_ref": report.ref,
                 "period_start": _text(report.period_start, tz), "period_end": _text(report.period_end, tz),
                 "zone": report.zone, "generated_at": _text(report.generated_at, tz),
                 "sections_text": _as_text(tables, words["none"]), "sections_html": _as_html(tables, words["none"])}
    # One notice per report: the ledger keys on (report, recipient), so a redelivery sends nothing twice.
    return Notice(MILESTONE, "report", report.ref, None, variables, report, report.kind)
