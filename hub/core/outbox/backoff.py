"""When a failed delivery is tried again: briefly inside the call, or after a persisted backoff
with jitter that survives restarts. A server's ``Retry-After`` is a floor for both, within caps."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

BASE_SECONDS = 5.0
CAP_SECONDS = 6 * 3600.0
INLINE_BASE_SECONDS = 0.1


def next_attempt_at(now: datetime, attempts: int, retry_after_s: float | None = None, *,
                    longest_retry_after_s: float, rng: random.Random | None = None) -> datetime:
    """5 s, 10 s, 20 s … capped at 6 h, each ×[0.5, 1.5) jitter; never sooner than Retry-After,
    which counts up to ``longest_retry_after_s`` only."""
    delay = min(BASE_SECONDS * 2 ** max(0, attempts - 1), CAP_SECONDS)
    delay *= 0.5 + (rng or random).random()
    if retry_after_s:
        delay = max(delay, min(retry_after_s, longest_retry_after_s))
    return now + timedelta(seconds=delay)


def inline_pause(retry: int, retry_after_s: float | None, longest_s: float,
                 rng: random.Random | None = None) -> float | None:
    """The wait before in-call retry number ``retry`` (1, 2 …): up to 0.2 s, 0.4 s … (full jitter,
    at most ``longest_s``), and never less than Retry-After. None when Retry-After is longer than
    ``longest_s``: that wait belongs to the persisted backoff, not to a call holding a slot."""
    if retry_after_s is not None and retry_after_s > longest_s:
        return None
    pause = (rng or random).uniform(0, min(longest_s, INLINE_BASE_SECONDS * 2 ** retry))
    return max(pause, retry_after_s or 0.0)


def horizon_passed(created_at: datetime, next_at: datetime, horizon_hours: float) -> bool:
    return next_at - created_at > timedelta(hours=horizon_hours)
