"""Facts read off an order's stored lines (pure): shared by the order rules and their timers."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any


def undated_short_lines(lines: list[dict[str, Any]]) -> tuple[int, ...]:
    """Lines the review found short (available below ordered) without the date the rest comes."""
    return tuple(line["line_no"] for line in lines
                 if line.get("available_qty") is not None and line.get("qty") is not None
                 and Decimal(line["available_qty"]) < Decimal(line["qty"]) and not line.get("back_order_eta"))


def back_order_eta(lines: list[dict[str, Any]]) -> date | None:
    """The earliest date a back-ordered line is due from planning, or None when none waits."""
    dates = [date.fromisoformat(str(line["back_order_eta"])) for line in lines
             if line.get("back_order_eta") and Decimal(line.get("back_order_qty") or 0) > 0]
    return min(dates, default=None)
