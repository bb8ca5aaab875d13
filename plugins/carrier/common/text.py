"""Carrier text and times: normalise for matching and dedupe, redact before logging, parse stamps."""
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")

_SPACE = re.compile(r"\s+")
_FRACTION = re.compile(r"(\d{2}:\d{2}:\d{2})\.\d+")
# Carriers put signatories, couriers and phone numbers in their free text; none of it may
# reach a log line (DESIGN rule 10), so everything after these markers is cut.
_PERSONAL = [
    re.compile(r"(signed for by|signed by|received by|unterschrieben von)\s*:?.*$", re.IGNORECASE),
    re.compile(r"(派件员|快递员|配送员|派送员|签收人|代收人|联系人|收件人|寄件人)\s*(?:[:：]\s*\S+|【[^】]*】)"),
    re.compile(r"\+?\d[\d\- ]{5,}\d"),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
]


def normalise(text: str | None) -> str:
    """Compare carrier texts the way a person would: width, case and spacing do not matter."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().casefold()


def redact(text: str | None) -> str:
    """A carrier text that is safe to log: names, phone numbers and e-mails cut out."""
    cleaned = text or ""
    for pattern in _PERSONAL:
        cleaned = pattern.sub(lambda m: f"{m.group(1)} [redacted]" if m.groups() else "[redacted]", cleaned)
    return cleaned


def parse_time(value: object, assume: tzinfo = UTC) -> datetime | None:
    """A carrier timestamp in UTC; ``assume`` is the zone of stamps that carry no offset.

    DHL event stamps usually have no offset (local time at the scan); Kuaidi100's are China
    time. Fractions are dropped because carriers resend the same scan with and without them.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=assume)
    return parsed.astimezone(UTC)
