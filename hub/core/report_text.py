"""A report as plain text for a terminal (``hub report``): one block per section (pure)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hub.core.reports import Report


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {n}" for key, n in counts.items()) or "-"


def _local(value: datetime, zone: ZoneInfo) -> str:
    return f"{value.astimezone(zone):%Y-%m-%d %H:%M}"


def report_text(report: Report) -> str:
    zone = ZoneInfo(report.zone)
    r = report
    out = [f"{r.kind} report {r.period_start} – {r.period_end} ({r.zone}), made {_local(r.generated_at, zone)}",
           f"recipients: {', '.join(r.recipients) or '-'}", "",
           f"orders received: {r.orders_received.count}",
           f"  by grade:   {_counts(r.orders_received.by_grade)}",
           f"  by channel: {_counts(r.orders_received.by_channel)}",
           f"orders delivered: {r.orders_finished.delivered}   closed: {r.orders_finished.closed}", "",
           f"late confirmations (send_confirmation breached): {len(r.late_confirmations)}"]
    out += [f"  {c.order_ref:<20} {c.customer_code or '-':<14} due {_local(c.due_at, zone)}  "
            f"breached {_local(c.breached_at, zone)}" for c in r.late_confirmations]
    out += ["", f"open back orders (now): {len(r.open_back_orders)}"]
    out += [f"  {b.order_ref:<20} line {b.line_no:<3} {b.product_code:<16} qty {b.qty}  eta {b.eta or '-'}"
            for b in r.open_back_orders]
    out += ["", f"claims opened: {r.claims.opened}   closed: {r.claims.closed}",
            f"  open now by state: {_counts(r.claims.open_by_state)}",
            f"timer breaches by rule: {_counts(r.breaches_by_rule)}", "",
            f"new stores: {len(r.new_stores)}"]
    out += [f"  {s.ref:<20} {s.customer_code or '-':<14} {s.state or '-':<16} "
            f"{_local(s.created_at, zone) if s.created_at else '-'}" for s in r.new_stores]
    return "\n".join(out) + "\n"
