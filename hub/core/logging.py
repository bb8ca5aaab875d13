"""structlog JSON logs with personal data and secrets removed before anything is written.

Two layers: keys that name personal data or secrets are masked, and every string value is
scrubbed of e-mail addresses, phone numbers and the names carriers write after a title, so a
vendor's error text or a carrier's checkpoint quoting them cannot leak them either.
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
# Phone numbers by their shape, not "any run of digits": order references (SO-2026-000123),
# tracking numbers (12-20 digits, or letters and digits), dates and times are what ops search
# the logs for, so they stay. Chinese mobiles (1[3-9] and 9 digits, spaced or not, with or
# without +86/0086), landlines with an area code written apart (021-6234 5678, (0755) 12345678),
# and any number written with a + country code are masked.
_EDGE, _END = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_MOBILE = r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}"
_LANDLINE = r"(?:\(0\d{2,3}\)\s?|0\d{2,3}[\s-])\d{3,4}[\s-]?\d{4}"
_COUNTRY = r"(?:\+|00)\s?86[\s-]?(?:" + _MOBILE + r"|\(?0?\d{2,3}\)?[\s-]?\d{3,4}[\s-]?\d{4})"
_INTERNATIONAL = r"\+[1-9]\d{0,2}[\s-]?(?:\(\d{1,4}\)[\s-]?)?\d{2,4}(?:[\s-]?\d{2,4}){1,4}"
PHONE = re.compile(_EDGE + "(?:" + "|".join((_COUNTRY, _INTERNATIONAL, _MOBILE, _LANDLINE)) + ")" + _END)
# The name after a title carriers write in their texts (派送业务员：王五, 签收人【李四】, signed by J. SMITH).
# A courier title (…员) may run into the name (派件员王师傅正在派件); a 人 title needs a separator, or
# 收件人拒收 would lose its verb.
_COURIER_TITLES = "派送业务员|揽收业务员|业务员|快递员|派送员|派件员|投递员|配送员|收派员|送货员|取件员|揽件员|揽收员|快递小哥|司机"
_PERSON_TITLES = "签收人|代收人|收件人|收货人|寄件人|联系人|派送人|取件人|经办人"
NAME = re.compile(
    r"((?:" + _COURIER_TITLES + r")(?:\s*[:：]|\s*(?:是|为))?)\s*(?:【[^】]{0,20}】|\[[^\]]{0,20}\]|[\u4e00-\u9fff]{2,3}"
    r"(?=正在|为您|派送|派件|已|将|电话|联系|手机|[\s,，;；。(（]|$)|[^\s,，;；。:：【\[(（)）\u4e00-\u9fff]{1,20})"
    r"|((?:" + _PERSON_TITLES + r")(?:\s*[:：]|\s*(?:是|为)|\s|(?=【|\[)))\s*(?:【[^】]{0,20}】|\[[^\]]{0,20}\]|[^\s,，;；。:：【\[(（)）]{1,12})"
    r"|((?:signed for by|signed by|received by|collected by|unterschrieben von|courier\s*:|driver\s*:|contact\s*:)\s*)"
    r"[^,;()\[\]{}|\"\n]{1,40}", re.IGNORECASE)
_NAME_HINT = re.compile(r"员|人|小哥|司机|signed|received|collected|unterschrieben|courier|driver|contact", re.IGNORECASE)
DIGIT = re.compile(r"\d")
MASK = "[redacted]"
# Values that cannot hold personal data pass untouched: one line per delivery attempt is logged,
# so the common fields (ids, counts, durations) must cost nothing here.
PLAIN = (int, float, bool, type(None))


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        if "@" in value:
            value = EMAIL.sub(MASK, value)
        if _NAME_HINT.search(value):
            value = redact_names(value)
        return PHONE.sub(MASK, value) if DIGIT.search(value) else value
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, dict):
        return {k: (MASK if _sensitive(k) else scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def redact_names(text: str) -> str:
    """``text`` with the name after each title cut out; the title stays, so the line still reads."""
    return NAME.sub(lambda m: f"{(m.group(1) or m.group(2) or m.group(3)).rstrip()} {MASK}", text)


@functools.lru_cache(maxsize=4096)
def _key_is_sensitive(key: str) -> bool:
    return key not in ALLOWED_KEYS and bool(SENSITIVE_KEYS.search(key))


def _sensitive(key: Any) -> bool:
    return isinstance(key, str) and _key_is_sensitive(key)


def redact(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {k: (MASK if _sensitive(k) else scrub(v)) for k, v in event_dict.items()}


def _dumps(obj: Any, default: Any = None) -> str:
    return orjson.dumps(obj, default=default or str).decode()


LEVELS = ("debug", "info", "warning", "error", "critical")


def configure(level: str = "INFO", stream: TextIO | None = None, style: str = "json") -> None:
    """JSON lines to stderr (or ``stream``); ``style="console"``: coloured, aligned lines for a person at
    a terminal, redacted alike. Called once per process by the CLI and the tests."""
    if level.lower() not in LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LEVELS)}, not {level!r}")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact,
            structlog.dev.ConsoleRenderer() if style == "console" else structlog.processors.JSONRenderer(serializer=_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        # sys.stderr is looked up per logger, not once: test runners swap and close it.
        logger_factory=(lambda *_: structlog.PrintLogger(stream)) if stream else
        (lambda *_: structlog.PrintLogger(sys.stderr)),
        cache_logger_on_first_use=False,
    )


def get_logger(**bind: Any) -> Any:
    """A lazy logger: module-level loggers pick up the configuration in force when they log."""
    logger = structlog.get_logger("hub")
    return logger.bind(**bind) if bind else logger


class LogOnce:
    """Keys already logged by this process, for what a sender repeats all day (an unknown number,
    unit or wording): the first time is news, the rest noise. Bounded, so a sender that puts ids
    in what it repeats cannot grow memory; forgetting everything at the bound logs each key once
    more, which is cheaper than tracking age."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._seen: set[tuple[str, ...]] = set()

    def first(self, *key: str) -> bool:
        """True the first time ``key`` is seen (since the bound was last reached)."""
        if key in self._seen:
            return False
        if len(self._seen) >= self.limit:
            self._seen.clear()
        self._seen.add(key)
        return True
