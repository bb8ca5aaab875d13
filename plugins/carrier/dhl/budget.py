"""DHL's call budget, kept by the poller before it spends a call. Pure: time is passed in.

DHL grants 250 calls a day by default (reset 24:00 GMT) and asks for at most 10 fetches
per shipment a day, spread evenly (carriers.md §1.6); after a 429 we stop until told.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta


@dataclass
class PollBudget:
    daily_calls: int = 250
    shipment_daily_calls: int = 10
    calls_today: int = 0
    day: date | None = None
    blocked_until: datetime | None = None
    per_shipment: dict[str, int] = field(default_factory=dict)
    last_call: dict[str, datetime] = field(default_factory=dict)

    @property
    def spacing(self) -> timedelta:
        """Spread evenly: 10 a day means one every 2.4 hours."""
        return timedelta(days=1) / self.shipment_daily_calls

    def _roll(self, now: datetime) -> None:
        today = now.astimezone(UTC).date()
        if today != self.day:
            self.day, self.calls_today, self.per_shipment = today, 0, {}
            self.last_call = {k: v for k, v in self.last_call.items() if now - v < self.spacing}

    def refusal(self, tracking_number: str, now: datetime) -> str | None:
        """Why this call must not be made now, or None when the budget allows it."""
        self._roll(now)
        if self.blocked_until and now < self.blocked_until:
            return "rate_limited"
        if self.calls_today >= self.daily_calls:
            return "daily_budget_spent"
        if self.per_shipment.get(tracking_number, 0) >= self.shipment_daily_calls:
            return "shipment_budget_spent"
        last = self.last_call.get(tracking_number)
        if last is not None and now - last < self.spacing:
            return "too_soon_for_shipment"
        return None

    def spend(self, tracking_number: str, now: datetime) -> None:
        self._roll(now)
        self.calls_today += 1
        self.per_shipment[tracking_number] = self.per_shipment.get(tracking_number, 0) + 1
        self.last_call[tracking_number] = now

    def block(self, until: datetime) -> None:
        self.blocked_until = max(until, self.blocked_until or until)
