"""DHL's call budget, kept in the database so that every hub worker spends from the same one.

DHL grants 250 calls a day by default (reset 24:00 GMT) and asks for at most 10 fetches per
shipment a day, spread evenly, and 1 call a second (carriers.md §1.6); after a 429 every worker
stops until told. The counts live in the plugin's state (``ctx.state``): the day's calls are one
atomic counter that never passes the limit, a shipment's last fetch is changed by compare-and-set,
so two workers never both spend the last call or fetch one shipment twice.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

DAILY_CALLS = "budget.daily_calls"
BLOCKED = "budget.blocked_until"
PACE = "budget.pace"


@dataclass(frozen=True)
class PollBudget:
    daily_calls: int = 250
    shipment_daily_calls: int = 10

    @property
    def spacing(self) -> timedelta:
        """Spread evenly: 10 a day means one every 2.4 hours."""
        return timedelta(days=1) / self.shipment_daily_calls

    async def spend(self, state: Any, tracking_number: str, now: datetime) -> str | None:
        """Spend one call on ``tracking_number`` now; the reason it must not be made, or None when
        the call was counted and may go out."""
        if await self.blocked(state, now):
            return "rate_limited"
        day = now.astimezone(UTC).date().isoformat()
        if reason := await self._spend_for_shipment(state, tracking_number, day, now):
            return reason
        if await state.take(DAILY_CALLS, self.daily_calls, day) is None:
            return "daily_budget_spent"
        return None

    async def _spend_for_shipment(self, state: Any, number: str, day: str, now: datetime) -> str | None:
        entry = await state.get(f"budget.shipment:{number}")
        seen = entry.value or {}
        calls = seen.get("calls", 0) if seen.get("day") == day else 0
        if calls >= self.shipment_daily_calls:
            return "shipment_budget_spent"
        last = seen.get("last_call")
        if last is not None and now - datetime.fromisoformat(last) < self.spacing:
            return "too_soon_for_shipment"
        fetched = {"day": day, "calls": calls + 1, "last_call": now.isoformat()}
        if not await state.put(f"budget.shipment:{number}", fetched, version=entry.version):
            return "too_soon_for_shipment"  # another worker fetched it a moment ago
        return None

    async def blocked(self, state: Any, now: datetime) -> bool:
        until = (await state.get(BLOCKED)).value
        return bool(until) and now < datetime.fromisoformat(until["until"])

    async def block(self, state: Any, until: datetime) -> None:
        """Stop every worker's calls until ``until`` (a later block is never shortened)."""
        for _ in range(5):  # compare-and-set: another worker may block at the same moment
            entry = await state.get(BLOCKED)
            if entry.value and datetime.fromisoformat(entry.value["until"]) >= until:
                return
            if await state.put(BLOCKED, {"until": until.isoformat()}, version=entry.version):
                return

    @staticmethod
    async def pace(state: Any, interval_s: float) -> None:
        """Wait for this worker's turn in DHL's 1 call a second, shared by all workers."""
        if interval_s <= 0:
            return
        while True:
            slot = int(time.time() // interval_s)
            if await state.take(PACE, 1, str(slot)) is not None:
                return
            await asyncio.sleep((slot + 1) * interval_s - time.time())
