"""Unrecognised carrier wording is logged once per process, redacted, so the tables can grow."""
from __future__ import annotations

from collections.abc import Iterable

from structlog.typing import FilteringBoundLogger

from hub import LogOnce
from plugins.carrier.common.rules import Unmapped
from plugins.carrier.common.text import normalise, redact


class UnmappedLog:
    """Remembers which wordings were already reported; a carrier repeats itself all day."""

    def __init__(self, carrier: str, limit: int = 10_000) -> None:
        self.carrier = carrier
        self._once = LogOnce(limit)  # bounded: a carrier that puts ids in its text must not grow memory

    def report(self, items: Iterable[Unmapped], log: FilteringBoundLogger) -> int:
        """Log the wordings not reported before; returns how many were logged."""
        logged = 0
        for item in items:
            if not self._once.first(item.code, normalise(item.text)):
                continue
            logged += 1
            log.warning("carrier.unmapped_description", carrier=self.carrier, code=item.code,
                        text=redact(item.text), tracking_number=item.tracking_number)
        return logged
