"""``Retry-After`` (RFC 9110 §10.2.3) as seconds to wait: one reading of the header for every plugin.

A plugin puts the result in ``TransientError(retry_after_s=...)``; the dispatcher waits at
least that long before the next attempt, within its own cap (``dispatch.retry_after_max_s``).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# delay-seconds is 1*DIGIT; a decimal is a common slip and harmless, so it is read too.
DELAY = re.compile(r"^[0-9]+(\.[0-9]+)?$")
# Longer waits are a server's mistake or malice, and would overflow a timedelta; a day still
# covers a daily quota (DHL's resets at midnight GMT).
LONGEST_S = 86400.0


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delay-seconds, or an HTTP date compared with
    ``now`` (the wall clock by default; a date already past is 0). None when the header is absent
    or unreadable: then the caller's own backoff decides."""
    if not value:
        return None
    value = value.strip()
    if DELAY.match(value):
        return min(float(value), LONGEST_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # the asctime form carries no zone; HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    wait = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, wait), LONGEST_S)
