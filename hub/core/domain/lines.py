"""Facts read off an order's stored lines (pure): shared by the order rules and their timers."""
from __future__ import annotations

from decimal import Decimal
from typing import Any


def undated_short_lines(lines: list[dict[str, Any]]) -> tuple[int, ...]:
    """Lines the review found short (available below ordered) without the date the rest comes."""
    return tuple(line["line_no"] for line in lines
                 if line.get("available_qty") is not None and line.get("qty") is not None
                 and Decimal(line["available_qty"]) < Decimal(line["qty"]) and not line.get("back_order_eta"))
