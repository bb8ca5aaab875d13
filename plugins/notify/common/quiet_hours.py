"""Quiet hours: customers get no SMS at night; the message is held until the morning (pure)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field


class QuietHours(BaseModel):
    """A daily window in local time; it may wrap midnight (21:00–08:00)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: time = Field(time(21, 0), description="Local time from which customers get no SMS.")
    end: time = Field(time(8, 0), description="Local time at which held messages go out.")

    def ends_at(self, now: datetime, tz: ZoneInfo) -> datetime | None:
        """When the quiet window that contains ``now`` ends, or None outside the window."""
        local = now.astimezone(tz)
        t = local.time().replace(tzinfo=None)
        if self.start == self.end:
            return None
        wraps = self.start > self.end
        inside = (t >= self.start or t < self.end) if wraps else (self.start <= t < self.end)
        if not inside:
            return None
        day = local.date() + timedelta(days=1) if wraps and t >= self.start else local.date()
        return datetime.combine(day, self.end, tzinfo=tz)
