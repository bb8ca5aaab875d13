"""DHL Unified payloads (poll response, push message) → the hub's ``TrackingUpdate``. Pure."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from hub import TrackingEvent, TrackingUpdate
from hub import number_key as hub_number_key
from plugins.carrier.common.rules import Meaning, Unmapped, first_match
from plugins.carrier.common.text import normalise, parse_time
from plugins.carrier.dhl import units


@dataclass(frozen=True)
class Activation:
    """DHL's ``subscription.validate`` message: the secret that activates a push subscription."""

    subscription_id: str
    secret: str


@dataclass(frozen=True)
class Parsed:
    updates: tuple[TrackingUpdate, ...] = ()
    unmapped: tuple[Unmapped, ...] = ()
    activation: Activation | None = None


def classify(code: str, text: str, return_flag: bool = False) -> tuple[Meaning, bool]:
    """The meaning of one checkpoint, and whether its wording needs a mapping review."""
    rule = first_match(units.DESCRIPTION_RULES, text)
    if rule:
        return rule.meaning, False
    if code == "delivered" and return_flag:
        return units.RETURN_DELIVERED, False
    meaning = units.STATUS_CODES.get(code, units.UNMAPPED)
    return meaning, code in units.REVIEW_CODES or code not in units.STATUS_CODES


def _location(raw: Mapping[str, Any]) -> str:
    address = (raw.get("location") or {}).get("address") or {}
    return str(address.get("addressLocality") or address.get("countryCode") or "")


def _event(raw: Mapping[str, Any], return_flag: bool) -> tuple[TrackingEvent | None, str, str, bool]:
    code = str(raw.get("statusCode") or "").strip().lower()
    text = str(raw.get("description") or raw.get("status") or "")
    remark = str(raw.get("remark") or "")
    meaning, review = classify(code, f"{text} {remark}".strip(), return_flag)
    when = parse_time(raw.get("timestamp"))  # no offset: DHL's local scan time, read as UTC
    if when is None:
        return None, code, text, True
    return TrackingEvent(occurred_at=when, state=meaning.state, substatus=meaning.substatus, code=code,
                         description=text, location=_location(raw), flags=meaning.flags,
                         claim_kind=meaning.claim_kind), code, text, review


def _identity(event: TrackingEvent) -> tuple[object, ...]:
    # DHL repeats its newest checkpoint as the shipment ``status``: the same scan, sent once.
    return event.occurred_at, event.code, normalise(event.description), event.location


def number_key(number: object) -> str:
    """A DHL number as DHL means it: the hub's layout-free key with the leading zeros of an SSCC's
    (00) prefix dropped, so ``00340434…`` and ``340434…`` are one."""
    return hub_number_key(str(number or ""), zero_padded=True)


def weight(details: Mapping[str, Any]) -> tuple[Decimal | None, str | None]:
    """``details.weight`` as DHL wrote it: value and ``unitText`` (kg, KG, KGM, lb…); the hub
    converts it, and keeps a unit it does not know instead of dropping the reading."""
    raw = details.get("weight") or {}
    if not isinstance(raw, Mapping):
        return None, None
    try:
        value = Decimal(str(raw["value"]))
    except (KeyError, InvalidOperation):
        return None, None
    unit = raw.get("unitText") or raw.get("unit")
    return (value, str(unit).strip() if unit else None) if value.is_finite() else (None, None)


def _ids(value: Any) -> list[str]:
    return [str(v).strip() for v in value if str(v).strip()] if isinstance(value, list) else []


def _count(value: Any) -> int | None:
    try:
        count = int(str(value))
    except ValueError:
        return None
    return count if count >= 0 else None


def _references(details: Mapping[str, Any]) -> list[str]:
    """DHL's own other numbers for the shipment: ``references`` comes as one {number, type} or a list."""
    refs = details.get("references")
    refs = [refs] if isinstance(refs, Mapping) else refs if isinstance(refs, list) else []
    return [str(r["number"]).strip() for r in refs if isinstance(r, Mapping) and r.get("number")]


def total_pieces(details: Mapping[str, Any]) -> int | None:
    counted = _count(details.get("totalNumberOfPieces", details.get("numberOfPieces")))
    return counted if counted is not None else (len(_ids(details.get("pieceIds"))) or None)


def delivered_pieces(delivered: list[Mapping[str, Any]], total: int | None) -> int | None:
    """How many pieces DHL says were delivered: the piece ids its delivered events name (and the
    count of those that give only ``numberOfPieces``); a delivered event without piece detail
    delivers what DHL counts in the shipment. None when nothing is delivered or DHL gives no count."""
    if not delivered:
        return None
    ids: set[str] = set()
    counted, detailed = 0, False
    for item in delivered:
        if named := _ids(item.get("pieceIds")):
            ids.update(number_key(i) for i in named)
            detailed = True
        elif (count := _count(item.get("numberOfPieces"))) is not None:
            counted += count
            detailed = True
    return len(ids) + counted if detailed else total


def parse_shipment(raw: Mapping[str, Any], carrier: str = "dhl") -> tuple[TrackingUpdate, list[Unmapped]]:
    """One ``shipments[]`` entry; its ``status`` counts as an event so a bare status is never lost."""
    number = str(raw.get("id") or "")
    return_flag = raw.get("returnFlag") is True
    details = raw.get("details") if isinstance(raw.get("details"), Mapping) else {}
    events: dict[tuple, TrackingEvent] = {}
    delivered: dict[tuple, Mapping[str, Any]] = {}
    unmapped = []
    for item in [*(raw.get("events") or []), raw.get("status") or {}]:
        if not isinstance(item, Mapping) or not item:
            continue
        event, code, text, review = _event(item, return_flag)
        if event:
            events.setdefault(_identity(event), event)
            if event.state == "delivered":
                delivered.setdefault(_identity(event), item)
        if review and text:
            unmapped.append(Unmapped(number, code, text))
    value, unit = weight(details)
    total = total_pieces(details)
    piece_ids = [*_ids(details.get("pieceIds")), *(i for item in events_of(raw) for i in _ids(item.get("pieceIds")))]
    aliases = tuple(a for a in dict.fromkeys([*piece_ids, *_references(details)]) if number_key(a) != number_key(number))
    update = TrackingUpdate(carrier=carrier, tracking_number=number, events=tuple(events.values()),
                            reported_weight=value, reported_weight_unit=unit, pieces=total,
                            pieces_delivered=delivered_pieces(list(delivered.values()), total),
                            aliases=aliases, zero_padded=True)
    return update, list(dict.fromkeys(unmapped))


def events_of(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [item for item in [*(raw.get("events") or []), raw.get("status") or {}] if isinstance(item, Mapping)]


def numbers_of(raw: Mapping[str, Any]) -> set[str]:
    """Every number an answer is for: the shipment id, its piece ids, DHL's references."""
    details = raw.get("details") if isinstance(raw.get("details"), Mapping) else {}
    return {number_key(n) for n in (raw.get("id"), *_ids(details.get("pieceIds")), *_references(details)) if n}


def parse_track_response(body: Mapping[str, Any], tracking_number: str, carrier: str,
                         service: str | None) -> tuple[TrackingUpdate | None, list[Unmapped]]:
    """The poll answer for our number and service; DHL may list other services' shipments too.
    Polled by a piece id or with zeros DHL leaves out, the answer is still ours."""
    wanted = number_key(tracking_number)
    candidates = [raw for raw in body.get("shipments") or []
                  if isinstance(raw, Mapping) and (service is None or raw.get("service") in (None, service))]
    for matches in (lambda raw: number_key(raw.get("id")) == wanted, lambda raw: wanted in numbers_of(raw)):
        for raw in candidates:
            if matches(raw):
                return parse_shipment(raw, carrier)
    return None, []


def parse_push(body: Mapping[str, Any], carriers_by_service: Mapping[str, str]) -> Parsed:
    """A push message: tracking for ``subscription.push``, the secret for ``subscription.validate``."""
    scope = body.get("scope")
    if scope == "subscription.validate":
        subscription_id = str(body.get("self") or "").rstrip("/").rsplit("/", 1)[-1]
        return Parsed(activation=Activation(subscription_id, str(body.get("secret") or "")))
    if scope != "subscription.push":
        return Parsed()
    updates, unmapped = [], []
    for raw in body.get("shipments") or []:
        carrier = carriers_by_service.get(str(raw.get("service") or ""), "dhl")
        update, missed = parse_shipment(raw, carrier)
        updates.append(update)
        unmapped += missed
    return Parsed(tuple(updates), tuple(unmapped))
