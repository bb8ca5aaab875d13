"""Kuaidi100 payloads (push ``param``, real-time query answer) → ``TrackingUpdate``. Pure."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub import TrackingEvent, TrackingUpdate
from plugins.carrier.common.rules import Meaning, Unmapped, first_match
from plugins.carrier.common.text import CHINA_TIME, forwarding, parse_time
from plugins.carrier.kuaidi100 import units

UNMAPPED = Meaning(None)
PIECE_COUNTS = tuple((kind, re.compile(pattern)) for kind, pattern in units.PIECE_COUNTS)


@dataclass(frozen=True)
class Pieces:
    """What a result's delivered items say of the pieces: the count signed for and the total."""

    delivered: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class Parsed:
    update: TrackingUpdate
    unmapped: tuple[Unmapped, ...]
    com: str  # Kuaidi100's carrier code the data belongs to (corrected when autoCheck=1)
    message: str = ""  # monitoring message, e.g. 3天查询无记录 on abort


def classify(code: str, name: str, context: str) -> tuple[Meaning, bool]:
    """The meaning of one item, and whether its wording needs a mapping review."""
    if rule := first_match(units.OVERRIDE_RULES, context):
        return rule.meaning, False
    meaning = units.STATE_CODES.get(code) or units.STATE_CODES.get(units.STATE_NAMES.get(name, ""))
    if meaning is None:
        rule = first_match(units.FALLBACK_RULES, context)
        return (rule.meaning, False) if rule else (UNMAPPED, True)
    if meaning.state == "delivered" and meaning.substatus is None:
        rule = first_match(units.DELIVERED_RULES, context)
        return (rule.meaning if rule else meaning), False
    return meaning, False


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()  # Kuaidi100 sends strings, sometimes numbers


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    digits = [units.CHINESE_DIGITS.get(c) for c in text]
    if not digits or None in digits:
        return None
    if "十" not in text:  # 两 / 三: one digit
        return digits[0] if len(digits) == 1 else None
    tens, _, ones = text.partition("十")  # 十 = 10, 二十 = 20, 十二 = 12, 二十三 = 23
    return (units.CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + (units.CHINESE_DIGITS.get(ones, 0) if ones else 0)


def count_pieces(context: str) -> Pieces:
    """The pieces one delivered item's text counts (签收2件, 已签收(共3件)); a total alone was all signed."""
    total = delivered = None
    rest = context
    for kind, pattern in PIECE_COUNTS:
        if (match := pattern.search(rest)) is None or (count := _number(match.group(1))) is None:
            continue
        if kind == "total" and total is None:
            total, rest = count, rest[:match.start()] + " " + rest[match.end():]
        elif kind == "delivered" and delivered is None:
            delivered = count
    return Pieces(delivered if delivered is not None else total, total)


def pieces_of(events: list[TrackingEvent]) -> Pieces:
    """Over the distinct delivered items: pieces signed add up (签收2件, later 签收1件); a push
    repeats the whole history, so an item counts once however often it comes."""
    delivered = {(e.occurred_at, e.description): e.description for e in events if e.state == "delivered"}
    counts = [count_pieces(c) for c in delivered.values()]
    signed = [c.delivered for c in counts if c.delivered is not None]
    totals = [c.total for c in counts if c.total is not None]
    return Pieces(sum(signed) if signed else None, max(totals) if totals else None)


_COMPANY_ENDING = re.compile(r"(快递|速递|速运|物流)$")


def forwarded_com(name: str) -> str | None:
    """The Kuaidi100 code of the company a parcel was handed to, as the text names it."""
    bare = name.strip()
    if bare.upper() == "EMS":
        return "ems"
    return units.FORWARDED_COMPANIES.get(bare) or units.FORWARDED_COMPANIES.get(_COMPANY_ENDING.sub("", bare))


def handed_to(context: str, carriers_by_com: Mapping[str, str]) -> dict[str, str]:
    """``forwarded_to`` and ``forwarded_number`` of a handover item (转EMS，单号…), when it names both;
    the carrier as the hub names it (its code in this plugin's carriers, else Kuaidi100's)."""
    found = forwarding(context)
    if found is None or not found[1]:
        return {}
    com = forwarded_com(found[0])
    return {"forwarded_to": carriers_by_com.get(com, com) if com else found[0][:32], "forwarded_number": found[1]}


def parse_result(result: Mapping[str, Any], carriers_by_com: Mapping[str, str] | None = None
                 ) -> tuple[list[TrackingEvent], list[Unmapped]]:
    """``lastResult`` of a push, or the whole real-time query answer: newest item first."""
    number, state = _text(result.get("nu")), _text(result.get("state"))
    events, unmapped = [], []
    for index, item in enumerate(result.get("data") or []):
        if not isinstance(item, Mapping):
            continue
        name, context = _text(item.get("status")), _text(item.get("context"))
        # The stored code must not depend on the item's position (the core dedupes on it), so it
        # is the item's own; only the meaning of the newest item may borrow the shipment's state.
        code = _text(item.get("statusCode")) or units.STATE_NAMES.get(name, "")
        meaning, review = classify(_text(item.get("statusCode")) or (state if index == 0 else "") or code,
                                   name, context)
        when = parse_time(_text(item.get("ftime") or item.get("time")), CHINA_TIME)
        if review or when is None:
            unmapped.append(Unmapped(number, code, context))
        if when is None:
            continue
        forwarded = handed_to(context, carriers_by_com or {}) if meaning.state == "handed_off" else {}
        events.append(TrackingEvent(occurred_at=when, state=meaning.state, substatus=meaning.substatus,
                                    code=code, description=context, location=_text(item.get("areaName")),
                                    flags=meaning.flags, claim_kind=meaning.claim_kind, **forwarded))
    return events, unmapped


def parse_push(param: Mapping[str, Any], carriers_by_com: Mapping[str, str]) -> Parsed:
    """A verified callback ``param``. ``abort`` stops monitoring and never changes the state."""
    result = param.get("lastResult") or {}
    # The shipment is stored under the company we subscribed with (comOld once Kuaidi100
    # corrected it); the correction itself travels as ``carrier_code`` for the core to apply.
    subscribed = _text(param.get("comOld")) or _text(result.get("com"))
    corrects = _text(param.get("autoCheck")) == "1" or param.get("status") == "abort"
    corrected = _text(param.get("comNew")) if corrects and _text(param.get("comNew")) != subscribed else ""
    events, unmapped = parse_result(result, carriers_by_com)
    pieces = pieces_of(events)
    update = TrackingUpdate(carrier=carriers_by_com.get(subscribed, subscribed),
                            tracking_number=_text(result.get("nu")), events=tuple(events),
                            pieces=pieces.total, pieces_delivered=pieces.delivered,
                            subscription=units.SUBSCRIPTION.get(_text(param.get("status"))),
                            carrier_code=carriers_by_com.get(corrected, corrected) if corrected else None)
    return Parsed(update, tuple(dict.fromkeys(unmapped)), corrected or subscribed, _text(param.get("message")))


def parse_query(answer: Mapping[str, Any], carriers_by_com: Mapping[str, str]) -> Parsed:
    com = _text(answer.get("com"))
    events, unmapped = parse_result(answer, carriers_by_com)
    pieces = pieces_of(events)
    update = TrackingUpdate(carrier=carriers_by_com.get(com, com), tracking_number=_text(answer.get("nu")),
                            events=tuple(events), pieces=pieces.total, pieces_delivered=pieces.delivered)
    return Parsed(update, tuple(dict.fromkeys(unmapped)), com)
