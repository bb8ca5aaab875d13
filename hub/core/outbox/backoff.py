"""The long retry horizon: persisted exponential backoff with jitter, surviving restarts."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

BASE_SECONDS = 5.0
CAP_SECONDS = 6 * 3600.0


def next_attempt_at(now: datetime, attempts: int, retry_after: float | None = None,
                    rng: random.Random | None = None) -> datetime:
    """5 s, 10 s, 20 s … capped at 6 h, each ×[0.5, 1.5) jitter; never sooner than Retry-After."""
    delay = min(BASE_SECONDS * 2 ** max(0, attempts - 1), CAP_SECONDS)
    delay *= 0.5 + (rng or random).random()
    if retry_after:
        delay = max(delay, retry_after)
    return now + timedelta(seconds=delay)


def horizon_passed(created_at: datetime, next_at: datetime, horizon_hours: float) -> bool:
    return next_at - created_at > timedelta(hours=horizon_hours)
