"""DHL Unified payloads (poll response, push message) → the hub's ``TrackingUpdate``. Pure."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from hub import TrackingEvent, TrackingUpdate
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


def weight_kg(details: Mapping[str, Any]) -> Decimal | None:
    weight = details.get("weight") or {}
    factor = units.WEIGHT_UNITS.get(str(weight.get("unitText") or "kg").strip().lower())
    try:
        value = Decimal(str(weight["value"]))
    except (KeyError, InvalidOperation):
        return None
    return value * Decimal(factor) if factor and value.is_finite() else None


def parse_shipment(raw: Mapping[str, Any], carrier: str = "dhl") -> tuple[TrackingUpdate, list[Unmapped]]:
    """One ``shipments[]`` entry; its ``status`` counts as an event so a bare status is never lost."""
    number = str(raw.get("id") or "")
    return_flag = raw.get("returnFlag") is True
    events: dict[tuple, TrackingEvent] = {}
    unmapped = []
    for item in [*(raw.get("events") or []), raw.get("status") or {}]:
        if not isinstance(item, Mapping) or not item:
            continue
        event, code, text, review = _event(item, return_flag)
        if event:
            events.setdefault(_identity(event), event)
        if review and text:
            unmapped.append(Unmapped(number, code, text))
    update = TrackingUpdate(carrier=carrier, tracking_number=number, events=tuple(events.values()),
                            reported_weight_kg=weight_kg(raw.get("details") or {}))
    return update, list(dict.fromkeys(unmapped))


def parse_track_response(body: Mapping[str, Any], tracking_number: str, carrier: str,
                         service: str | None) -> tuple[TrackingUpdate | None, list[Unmapped]]:
    """The poll answer for our number and service; DHL may list other services' shipments too."""
    for raw in body.get("shipments") or []:
        if str(raw.get("id")) == tracking_number and (service is None or raw.get("service") in (None, service)):
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
