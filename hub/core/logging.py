"""structlog JSON logs with personal data and secrets removed before anything is written.

Two layers: keys that name personal data or secrets are masked, and every string value is
scrubbed of e-mail addresses and phone numbers, so a vendor's error text quoting a number
cannot leak it either.
"""
from __future__ import annotations

import functools
import logging
import re
import sys
from typing import Any, TextIO

import orjson
import structlog

SENSITIVE_KEYS = re.compile(
    r"(e-?mail|phone|mobile|tel|name$|^name|address|contact|recipient|password|secret|token|"
    r"api[_-]?key|authorization|cookie|salt|sign(ature)?$)", re.I)
ALLOWED_KEYS = {"plugin", "hook", "event", "level", "timestamp", "logger", "error_class", "entity",
                "event_id", "delivery_id", "idempotency_key", "outcome", "rule", "source", "state",
                "carrier", "channel", "template", "anomaly"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A run of 9+ digits and separators is a phone number, except an ISO date (2026-03-02), which a
# report or a timer logs as it is.
PHONE = re.compile(r"(?<![\w.])(?!\d{4}-\d{2}-\d{2}(?!\d))\+?\d[\d\s().-]{7,}\d(?![\w.])")
DIGIT = re.compile(r"\d")
MASK = "[redacted]"
# Values that cannot hold personal data pass untouched: one line per delivery attempt is logged,
# so the common fields (ids, counts, durations) must cost nothing here.
PLAIN = (int, float, bool, type(None))


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        if "@" in value:
            value = EMAIL.sub(MASK, value)
        return PHONE.sub(MASK, value) if DIGIT.search(value) else value
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, dict):
        return {k: (MASK if _sensitive(k) else scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


@functools.lru_cache(maxsize=4096)
def _key_is_sensitive(key: str) -> bool:
    return key not in ALLOWED_KEYS and bool(SENSITIVE_KEYS.search(key))


def _sensitive(key: Any) -> bool:
    return isinstance(key, str) and _key_is_sensitive(key)


def redact(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {k: (MASK if _sensitive(k) else scrub(v)) for k, v in event_dict.items()}


def _dumps(obj: Any, default: Any = None) -> str:
    return orjson.dumps(obj, default=default or str).decode()


def configure(level: str = "INFO", stream: TextIO | None = None) -> None:
    """JSON lines to stderr (or ``stream``); called once per process by the CLI and the tests."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact,
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        # sys.stderr is looked up per logger, not once: test runners swap and close it.
        logger_factory=(lambda *_: structlog.PrintLogger(stream)) if stream else
        (lambda *_: structlog.PrintLogger(sys.stderr)),
        cache_logger_on_first_use=False,
    )


def get_logger(**bind: Any) -> Any:
    """A lazy logger: module-level loggers pick up the configuration in force when they log."""
    logger = structlog.get_logger("hub")
    return logger.bind(**bind) if bind else logger
