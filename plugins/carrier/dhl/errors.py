"""DHL replies → the hub's errors: ops must act (configuration), retrying cannot help
(permanent), or time will (transient). DHL answers errors as RFC 7807 problem bodies."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hub import PermanentError, PluginConfigurationError, TransientError


class RateLimited(TransientError):
    """DHL answered 429: stop calling until ``retry_after_s`` (or until the quota resets)."""


@dataclass(frozen=True)
class Problem:
    status: int
    title: str
    detail: str = ""
    instance: str = ""

    @classmethod
    def parse(cls, status: int, body: bytes) -> Problem:
        """DHL's problem body; accepted as problem+json or plain JSON, and survives HTML."""
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            return cls(status, f"HTTP {status}", body[:200].decode("utf-8", "replace").strip())
        return cls(status, str(data.get("title") or f"HTTP {status}"), str(data.get("detail") or ""),
                   str(data.get("instance") or ""))

    def __str__(self) -> str:
        return f"{self.status} {self.title}" + (f": {self.detail}" if self.detail else "")


def quota_reset_after(now: datetime) -> float:
    """Seconds until DHL's daily quota resets at 24:00 GMT."""
    midnight = (now.astimezone(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now.astimezone(UTC)).total_seconds()


def error_for(problem: Problem, wait: float | None) -> Exception:
    """The hub error for a DHL error reply (404 is not an error: the caller handles it)."""
    if problem.status in (401, 403):
        return PluginConfigurationError(f"DHL rejected the API key ({problem}); check plugins carrier.dhl api_key")
    if problem.status == 429:
        return RateLimited(f"DHL rate limit reached ({problem})", retry_after_s=wait)
    if problem.status >= 500 or problem.status == 408:
        return TransientError(f"DHL is unavailable ({problem})", retry_after_s=wait)
    return PermanentError(f"DHL rejected the request ({problem})")
