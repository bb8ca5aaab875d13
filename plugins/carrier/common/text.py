"""Carrier text and times: normalise for matching and dedupe, redact before logging, parse stamps."""
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")

_SPACE = re.compile(r"\s+")
_FRACTION = re.compile(r"(\d{2}:\d{2}:\d{2})\.\d+")
# Carriers put signatories, couriers and phone numbers in their free text; none of it may
# reach a log line (DESIGN rule 10), so the name after each title they use is cut. Tracking
# numbers, order references and dates stay: they are what the review of a wording needs.
_COURIER = "派送业务员|揽收业务员|业务员|快递员|派送员|派件员|投递员|配送员|收派员|送货员|取件员|揽件员|揽收员|快递小哥|司机"
_PERSON = "签收人|代收人|收件人|收货人|寄件人|联系人|派送人|取件人|经办人"
_BRACKETED = r"【[^】]{0,20}】|\[[^\]]{0,20}\]"
_PERSONAL = [
    re.compile(r"(signed for by|signed by|received by|collected by|unterschrieben von|courier\s*:|driver\s*:)"
               r"\s*[^,;()\[\]|\n]{1,40}", re.IGNORECASE),
    # a courier title may run into the name (派件员王师傅正在派件); a 人 title needs a separator
    re.compile(r"(" + _COURIER + r")(?:\s*[:：]|\s*是|\s*为)?\s*(?:" + _BRACKETED + r"|[\u4e00-\u9fff]{2,3}"
               r"(?=正在|为您|派送|派件|已|将|电话|联系|手机|[\s,，;；。(（]|$)|[^\s,，;；。:：【\[(（)）\u4e00-\u9fff]{1,20})"),
    re.compile(r"(" + _PERSON + r")(?:\s*[:：]|\s*是|\s*为|\s|(?=【|\[))\s*(?:" + _BRACKETED + r"|[^\s,，;；。:：【\[(（)）]{1,12})"),
    # phones by their shape: CN mobiles, +86/0086, landlines with an area code apart, any +country number
    re.compile(r"(?<![0-9A-Za-z])(?:(?:\+|00)\s?86[\s-]?|\+[1-9]\d{0,2}[\s-]?)?(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}"
               r"|(?:\(0?\d{2,3}\)\s?|0?\d{2,3}[\s-])\d{3,4}[\s-]?\d{4})(?![0-9A-Za-z])"),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
]
# 转EMS，单号：1187654321098 / 改派至【韵达快递】单号4312345678901: who has the parcel now, and as what.
_FORWARDED = re.compile(r"(?<!中)(?:转(?:寄|投|交|发)?|改派)\s*(?:至|给|到)?\s*【?(?P<carrier>EMS|中国邮政|邮政|顺丰|圆通|中通"
                        r"|申通|韵达|百世|极兔|京东|德邦|[\u4e00-\u9fff]{2,4}(?:快递|速递|速运|物流))】?"
                        r"(?:[^0-9A-Za-z]{0,12}?(?P<number>(?<![A-Za-z])[A-Za-z]{0,4}\d{8,20}[A-Za-z]{0,2}))?",
                        re.IGNORECASE)


def normalise(text: str | None) -> str:
    """Compare carrier texts the way a person would: width, case and spacing do not matter."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().casefold()


def redact(text: str | None) -> str:
    """A carrier text that is safe to log: names, phone numbers and e-mails cut out."""
    cleaned = text or ""
    for pattern in _PERSONAL:
        cleaned = pattern.sub(lambda m: f"{m.group(1)} [redacted]" if m.groups() else "[redacted]", cleaned)
    return cleaned


def forwarding(text: str | None) -> tuple[str, str] | None:
    """The carrier a parcel was handed to and its new number ("" when the text gives none)."""
    match = _FORWARDED.search(text or "")
    return (match["carrier"], match["number"] or "") if match else None


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
