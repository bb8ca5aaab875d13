"""Facts read off a store opening's stored data (pure): shared by the store's behaviour and its timers."""
from __future__ import annotations

from datetime import date
from typing import Any


def as_date(value: Any) -> date | None:
    return None if value is None else value if isinstance(value, date) else date.fromisoformat(str(value))


def outstanding(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Back-order lines (欠货清单) not shipped yet."""
    return [line for line in data.get("back_orders", ()) if not line.get("shipped_at")]


def back_order_due(row: dict[str, Any]) -> date | None:
    """The earliest date planning gave for a back-order line still to ship, or None when none waits."""
    return min((as_date(line["eta"]) for line in outstanding(row["data"] or {})), default=None)


def shipping_date(row: dict[str, Any]) -> date | None:
    """The shipping date agreed with the customer at confirmation."""
    return as_date((row["data"] or {}).get("shipping_date"))
